use anyhow::Context as _;
use rapport_server::config::{Command, DATABASE_URL_ENV, USAGE};
use rapport_server::{Config, Database, PgStore, SqliteStore, SyncStore};
use std::io::Write as _;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = match Config::from_args(std::env::args().skip(1), std::env::var(DATABASE_URL_ENV).ok()) {
        Ok(Command::Serve(c)) => c,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return Ok(());
        }
        Err(e) => {
            eprintln!("{e}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    let filter = EnvFilter::try_from_env("RAPPORT_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // Logs go to stderr: stdout carries only the "listening on" line that scripts parse.
    if config.log_json {
        tracing_subscriber::fmt().json().with_env_filter(filter).with_writer(std::io::stderr).init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    }
    match rapport_server::raise_open_files_limit() {
        Ok(Some((before, after))) => tracing::debug!(before, after, "open files limit"),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "could not raise the open files limit"),
    }
    match &config.database {
        Database::Sqlite(path) => {
            let store = SqliteStore::open(path).with_context(|| format!("opening the database {}", path.display()))?;
            run(&config, store).await
        }
        Database::Postgres(url) => {
            let store = PgStore::connect(url).await.with_context(|| format!("connecting to {:?}", config.database))?;
            run(&config, store).await
        }
    }
}

async fn run<S: SyncStore>(config: &Config, store: S) -> anyhow::Result<()> {
    let listener = rapport_server::listen(config.listen).with_context(|| format!("listening on {}", config.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, database = ?config.database, backend = store.backend(), "rapport-server serving");
    let mut out = std::io::stdout().lock();
    writeln!(out, "rapport-server listening on http://{addr}")?;
    out.flush()?;
    drop(out);
    rapport_server::serve(listener, store, shutdown_signal()).await?;
    tracing::info!("rapport-server stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = term => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
