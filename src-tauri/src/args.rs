//! The command line: which book to open.

use std::path::PathBuf;

pub const USAGE: &str = "\
Usage: rapport [--book PATH | --demo]

  --book PATH   open (or create) the book at PATH instead of the one in the data directory
  --demo        open a fresh tiny demo book in a temporary directory (removed on exit)
  -h, --help    print this help";

/// Where the book comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The user's book in the OS data directory.
    Default,
    Path(PathBuf),
    Demo,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    pub source: Source,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    Run(Args),
    Help,
}

impl Args {
    pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Parsed, String> {
        let mut source = Source::Default;
        while let Some(arg) = args.next() {
            let next = match arg.as_str() {
                "-h" | "--help" => return Ok(Parsed::Help),
                "--demo" => Source::Demo,
                "--book" => match args.next() {
                    Some(path) if !path.is_empty() => Source::Path(path.into()),
                    _ => return Err("--book needs a path".into()),
                },
                other => match other.strip_prefix("--book=") {
                    Some(path) if !path.is_empty() => Source::Path(path.into()),
                    Some(_) => return Err("--book needs a path".into()),
                    None => return Err(format!("unknown argument `{other}`")),
                },
            };
            if source != Source::Default {
                return Err("give at most one of --book and --demo".into());
            }
            source = next;
        }
        Ok(Parsed::Run(Args { source }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Parsed, String> {
        Args::parse(args.iter().map(|s| s.to_string()))
    }

    fn run(source: Source) -> Result<Parsed, String> {
        Ok(Parsed::Run(Args { source }))
    }

    #[test]
    fn no_arguments_open_the_default_book() {
        assert_eq!(parse(&[]), run(Source::Default));
    }

    #[test]
    fn book_and_demo_choose_the_source() {
        assert_eq!(parse(&["--book", "/tmp/b.db"]), run(Source::Path("/tmp/b.db".into())));
        assert_eq!(parse(&["--book=/tmp/b.db"]), run(Source::Path("/tmp/b.db".into())));
        assert_eq!(parse(&["--demo"]), run(Source::Demo));
        assert_eq!(parse(&["--help"]), Ok(Parsed::Help));
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        assert_eq!(parse(&["--book"]), Err("--book needs a path".into()));
        assert_eq!(parse(&["--frob"]), Err("unknown argument `--frob`".into()));
        assert!(parse(&["--demo", "--book", "x"]).is_err());
    }
}
