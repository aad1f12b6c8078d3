//! The HTTP accept loop. `axum::serve` has no timers, so a client that sends half a request
//! kept its connection (and a file descriptor) for as long as it liked: 200 such clients held
//! 200 descriptors for minutes. Here every connection gets hyper's header read timeout (which
//! also ends kept-alive connections that send no new request), a body that stalls is cut off
//! (`tower_http`'s body timeout, in the router), an answer the client takes nothing of ends the
//! connection ([`crate::write_limit`]), and at most `max_connections` are open.

use crate::write_limit::WriteLimit;
use app::settings::HttpSettings;
use axum::{extract::ConnectInfo, Router};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto::Builder, graceful::GracefulShutdown},
    service::TowerToHyperService,
};
use std::{future::Future, sync::Arc, time::Duration};
use tokio::{net::TcpListener, sync::Semaphore};
use tower::ServiceExt;

/// Serves `router` on `listener` until `shutdown` completes, then waits for open requests to
/// finish for at most `grace`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &HttpSettings,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(
            limits.header_read_timeout_seconds.max(1),
        ));
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Duration::from_secs(30))
        .keep_alive_timeout(Duration::from_secs(20))
        .max_concurrent_streams(100);
    let builder = Arc::new(builder);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let write_limit = Duration::from_secs(limits.write_idle_timeout_seconds.max(1));
    let graceful = GracefulShutdown::new();
    let mut refused_since_log = 0u64;
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of descriptors and the like: wait instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            refused_since_log += 1;
            if refused_since_log == 1 || refused_since_log.is_power_of_two() {
                tracing::warn!(
                    refused = refused_since_log,
                    max = limits.max_connections,
                    "connection limit reached; closing new connections"
                );
            }
            drop(stream);
            continue;
        };
        refused_since_log = 0;
        // Pages stream in several chunks; without TCP_NODELAY, Nagle's algorithm and delayed
        // ACKs hold each streamed page back by ~40 ms (measured with scripts/bench.sh).
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
        let router = router.clone();
        let service = TowerToHyperService::new(tower::service_fn(
            move |mut request: hyper::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                router.clone().oneshot(request.map(axum::body::Body::new))
            },
        ));
        let connection = builder
            .serve_connection_with_upgrades(
                TokioIo::new(WriteLimit::new(stream, write_limit)),
                service,
            )
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(grace) => {
            tracing::warn!(?grace, "open connections did not finish in time; stopping anyway");
        }
    }
}
