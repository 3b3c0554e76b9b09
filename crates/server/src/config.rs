//! The server's command line, validated into a typed config with its defaults in one place.

use std::net::SocketAddr;
use std::path::PathBuf;

pub const USAGE: &str = "\
rapport-server: Rapport's sync server

Usage: rapport-server [--listen ADDR] [--database-url URL | --data-dir DIR] [--log-json]

Options:
  --listen ADDR         address to serve on (default 127.0.0.1:8787; port 0 picks a free one)
  --database-url URL    postgres://user@host/db for PostgreSQL, or sqlite:PATH for a SQLite file
                        (default: the environment variable RAPPORT_SERVER_DATABASE_URL, else
                        the SQLite file rapport-server.db in the data directory)
  --data-dir DIR        where the default SQLite file lives (default: the working directory)
  --log-json            logs as JSON lines (filter with RAPPORT_LOG, e.g. RAPPORT_LOG=debug)
  -h, --help            print this help";

/// The environment variable naming the database when `--database-url` is not given.
pub const DATABASE_URL_ENV: &str = "RAPPORT_SERVER_DATABASE_URL";

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            Database::Postgres(url) => write!(f, "{}", redact(url)),
        }
    }
}

/// The URL without its password, for logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Database {
    /// Reads a database URL: `postgres://` or `postgresql://`, or `sqlite:PATH`.
    pub fn from_url(url: &str) -> Result<Database, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Database::Postgres(url.to_string()))
        } else if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            if path.is_empty() {
                return Err("sqlite: needs a file path, like sqlite:/var/lib/rapport/server.db".into());
            }
            Ok(Database::Sqlite(PathBuf::from(path)))
        } else {
            Err(format!("unsupported database URL '{}': use postgres://... or sqlite:PATH", redact(url)))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub listen: SocketAddr,
    pub database: Database,
    pub log_json: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8787)),
            database: Database::Sqlite(PathBuf::from("rapport-server.db")),
            log_json: false,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Serve(Config),
    Help,
}

impl Config {
    /// Reads the arguments after the program name; `env_url` is the value of
    /// [`DATABASE_URL_ENV`], if set.
    pub fn from_args(args: impl IntoIterator<Item = String>, env_url: Option<String>) -> Result<Command, String> {
        let mut config = Config::default();
        let (mut url, mut data_dir) = (None, None);
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "-h" | "--help" => return Ok(Command::Help),
                "--listen" => {
                    let v = args.next().ok_or("--listen needs an address, like 127.0.0.1:8787")?;
                    config.listen = v.parse().map_err(|e| format!("--listen {v}: {e}"))?;
                }
                "--database-url" => url = Some(args.next().ok_or("--database-url needs a URL")?),
                "--data-dir" => data_dir = Some(PathBuf::from(args.next().ok_or("--data-dir needs a directory")?)),
                "--log-json" => config.log_json = true,
                other => return Err(format!("unknown argument '{other}'")),
            }
        }
        if url.is_some() && data_dir.is_some() {
            return Err("give --database-url or --data-dir, not both".into());
        }
        config.database = match url.or(env_url.filter(|u| !u.is_empty())) {
            Some(u) => Database::from_url(&u)?,
            None => Database::Sqlite(data_dir.unwrap_or_default().join("rapport-server.db")),
        };
        Ok(Command::Serve(config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Result<Command, String> {
        Config::from_args(a.iter().map(|s| s.to_string()), None)
    }

    #[test]
    fn no_arguments_serve_on_loopback_with_a_file_in_the_working_directory() {
        assert_eq!(args(&[]), Ok(Command::Serve(Config::default())));
        assert_eq!(Config::default().listen.to_string(), "127.0.0.1:8787");
    }

    #[test]
    fn the_database_comes_from_the_flag_then_the_environment_then_the_data_dir() {
        let Ok(Command::Serve(c)) = args(&["--listen", "0.0.0.0:0", "--database-url", "postgres://postgres@127.0.0.1/rapport"]) else {
            panic!()
        };
        assert_eq!(c.listen.to_string(), "0.0.0.0:0");
        assert_eq!(c.database, Database::Postgres("postgres://postgres@127.0.0.1/rapport".into()));
        let env = Some("sqlite:/tmp/x.db".to_string());
        let Ok(Command::Serve(c)) = Config::from_args(Vec::new(), env) else { panic!() };
        assert_eq!(c.database, Database::Sqlite("/tmp/x.db".into()));
        let Ok(Command::Serve(c)) = args(&["--data-dir", "/var/lib/rapport", "--log-json"]) else { panic!() };
        assert_eq!((c.database, c.log_json), (Database::Sqlite("/var/lib/rapport/rapport-server.db".into()), true));
    }

    #[test]
    fn bad_arguments_are_refused_with_a_reason() {
        for bad in [&["--listen", "nowhere"][..], &["--listen"], &["--bogus"], &["--database-url", "mysql://x"], &["--database-url", "sqlite:"]] {
            assert!(args(bad).is_err(), "{bad:?}");
        }
        assert!(args(&["--database-url", "sqlite:a.db", "--data-dir", "/x"]).is_err());
        assert_eq!(args(&["--help"]), Ok(Command::Help));
    }

    #[test]
    fn passwords_stay_out_of_logged_urls() {
        assert_eq!(redact("postgres://app:s3cret@db:5432/rapport"), "postgres://app:***@db:5432/rapport");
        assert_eq!(format!("{:?}", Database::Postgres("postgres://app:s3cret@db/r".into())), "postgres://app:***@db/r");
        assert_eq!(redact("postgres://postgres@127.0.0.1/x"), "postgres://postgres@127.0.0.1/x");
    }
}
