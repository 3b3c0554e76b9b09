//! The server's command line, validated into a typed config with its defaults in one place.

use std::net::SocketAddr;
use std::path::PathBuf;

pub const USAGE: &str = "\
rapport-server: Rapport's sync server

Usage: rapport-server [--listen ADDR] [--database PATH]

Options:
  --listen ADDR      address to serve on (default 127.0.0.1:8787)
  --database PATH    SQLite file, created when missing (default rapport-server.db)
  -h, --help         print this help";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub listen: SocketAddr,
    pub database: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Config { listen: SocketAddr::from(([127, 0, 0, 1], 8787)), database: PathBuf::from("rapport-server.db") }
    }
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Serve(Config),
    Help,
}

impl Config {
    /// Reads the arguments after the program name.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
        let mut config = Config::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "-h" | "--help" => return Ok(Command::Help),
                "--listen" => {
                    let v = args.next().ok_or("--listen needs an address, like 127.0.0.1:8787")?;
                    config.listen = v.parse().map_err(|e| format!("--listen {v}: {e}"))?;
                }
                "--database" => {
                    let v = args.next().ok_or("--database needs a path")?;
                    config.database = PathBuf::from(v);
                }
                other => return Err(format!("unknown argument '{other}'")),
            }
        }
        Ok(Command::Serve(config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Result<Command, String> {
        Config::from_args(a.iter().map(|s| s.to_string()))
    }

    #[test]
    fn no_arguments_serve_on_loopback_with_a_file_in_the_working_directory() {
        assert_eq!(args(&[]), Ok(Command::Serve(Config::default())));
        assert_eq!(Config::default().listen.to_string(), "127.0.0.1:8787");
    }

    #[test]
    fn listen_and_database_are_read_and_bad_input_is_refused() {
        let Ok(Command::Serve(c)) = args(&["--listen", "0.0.0.0:9000", "--database", "/tmp/x.db"]) else { panic!() };
        assert_eq!((c.listen.to_string(), c.database), ("0.0.0.0:9000".into(), PathBuf::from("/tmp/x.db")));
        assert!(args(&["--listen", "nowhere"]).is_err());
        assert!(args(&["--listen"]).is_err());
        assert!(args(&["--bogus"]).is_err());
        assert_eq!(args(&["--help"]), Ok(Command::Help));
    }
}
