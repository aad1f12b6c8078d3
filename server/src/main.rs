use server::{config, startup::Application, telemetry};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    server::memory::return_large_buffers_to_the_os();
    let loaded = match config::load() {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("Konfiguration ungültig: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    telemetry::init(&loaded.settings.log);
    let app = match Application::build(loaded.settings, loaded.leptos_options).await {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "start-up failed");
            return std::process::ExitCode::FAILURE;
        }
    };
    tracing::info!(address = %app.address(), "listening");
    match app
        .run_until_stopped(server::startup::shutdown_signal())
        .await
    {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "server stopped with an error");
            std::process::ExitCode::FAILURE
        }
    }
}
