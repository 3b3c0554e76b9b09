use anyhow::Context as _;
use rapport_server::config::{Command, USAGE};
use rapport_server::{Config, SqliteStore};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .init();
    let config = match Config::from_args(std::env::args().skip(1)) {
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
    let store = SqliteStore::open(&config.database)
        .with_context(|| format!("opening the database {}", config.database.display()))?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    tracing::info!(addr = %listener.local_addr()?, database = %config.database.display(), "rapport-server serving");
    rapport_server::serve(listener, store, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    tracing::info!("rapport-server stopped");
    Ok(())
}
