//! A connection whose writes may not wait forever. A client that asks for a large answer
//! (the browser code, a PDF) and then reads nothing fills the kernel's buffers, and the
//! server's write waits — without a limit for as long as the client keeps the connection, each
//! such connection holding one of the listener's `max_connections` places. [`WriteLimit`]
//! ends a write that has made no progress for its limit with `TimedOut`; hyper then closes the
//! connection. Reads pass through unchanged (stalled headers and bodies have their own
//! timeouts).

use std::future::Future as _;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

pub struct WriteLimit<S> {
    inner: S,
    limit: Duration,
    /// The deadline of the current wait; boxed and made at the first wait only (most
    /// connections never wait), then reset for each later one.
    deadline: Option<Pin<Box<Sleep>>>,
    /// Whether the last write had to wait (no write has completed since).
    waiting: bool,
}

impl<S> WriteLimit<S> {
    pub fn new(inner: S, limit: Duration) -> Self {
        Self {
            inner,
            limit,
            deadline: None,
            waiting: false,
        }
    }

    /// What a write that returned `poll` means: a completed write (or an error) ends the wait;
    /// waiting is allowed until `limit` after the first write that had to wait.
    fn checked<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.waiting = false;
            return poll;
        }
        let until = tokio::time::Instant::now() + self.limit;
        let deadline = match &mut self.deadline {
            Some(deadline) => {
                if !self.waiting {
                    deadline.as_mut().reset(until);
                }
                deadline
            }
            None => self
                .deadline
                .insert(Box::pin(tokio::time::sleep_until(until))),
        };
        self.waiting = true;
        ready!(deadline.as_mut().poll(cx));
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the client took nothing of the answer",
        )))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteLimit<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteLimit<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let poll = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.checked(cx, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let poll = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.checked(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let poll = Pin::new(&mut this.inner).poll_flush(cx);
        this.checked(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let poll = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.checked(cx, poll)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use tokio::time::Instant;

    const LIMIT: Duration = Duration::from_millis(400);

    #[tokio::test]
    async fn a_write_the_other_side_never_takes_ends_after_the_limit() {
        let (ours, _theirs) = tokio::io::duplex(64);
        let mut limited = WriteLimit::new(ours, LIMIT);
        let started = Instant::now();
        let err = tokio::time::timeout(LIMIT * 10, limited.write_all(&[7; 1024]))
            .await
            .expect("the write ends")
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(started.elapsed() >= LIMIT, "{:?}", started.elapsed());
    }

    #[tokio::test]
    async fn a_slow_reader_that_keeps_taking_is_never_cut_off() {
        let (ours, mut theirs) = tokio::io::duplex(256);
        let mut limited = WriteLimit::new(ours, LIMIT);
        // The reader takes 256 bytes every LIMIT / 4: each wait is shorter than the limit,
        // the whole answer takes longer than it.
        let reader = tokio::spawn(async move {
            let mut got = Vec::new();
            let mut buf = [0; 256];
            loop {
                tokio::time::sleep(LIMIT / 4).await;
                match theirs.read(&mut buf).await.unwrap() {
                    0 => return got,
                    n => got.extend_from_slice(&buf[..n]),
                }
            }
        });
        let started = Instant::now();
        tokio::time::timeout(LIMIT * 20, async {
            limited.write_all(&[7; 2048]).await.unwrap();
            limited.shutdown().await.unwrap();
        })
        .await
        .expect("the whole answer is written");
        assert_eq!(reader.await.unwrap(), vec![7; 2048]);
        assert!(started.elapsed() > LIMIT * 3 / 2, "{:?}", started.elapsed());
    }
}
