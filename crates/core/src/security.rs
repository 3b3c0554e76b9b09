//! Local data security: the book is encrypted at rest (SQLCipher). Its key is made on first
//! run and kept in the OS keyring (on Linux the Secret Service, which persists; never the
//! kernel keyutils store, which forgets on reboot). A recovery key, shown once at setup, opens
//! the book if the keyring entry is lost. With no keyring reachable, the caller is told so and
//! asks the user for a passphrase: there is no silent fallback to plain text.

use crate::app::App;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Key;
use rand::RngCore;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const SERVICE: &str = "app.rapport.desktop";

/// How to unlock a book.
pub enum Unlock {
    /// The key in the OS keyring; a new book gets a new key there.
    Keyring,
    /// A passphrase typed by the user (when no keyring is reachable).
    Passphrase(String),
    /// The recovery key shown at setup; also puts the key back into the keyring if it can.
    RecoveryKey(String),
}

impl std::fmt::Debug for Unlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unlock::Keyring => "Unlock::Keyring",
            Unlock::Passphrase(_) => "Unlock::Passphrase(***)",
            Unlock::RecoveryKey(_) => "Unlock::RecoveryKey(***)",
        })
    }
}

/// A recovery key as the user writes it down: 55 characters in groups of five.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryKey(pub String);

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(***)")
    }
}

/// An opened book and what the user must be told.
pub struct Opened {
    pub app: App,
    /// Set only when the book was just created with a key in the keyring: show it once.
    pub recovery_key: Option<RecoveryKey>,
    /// The keyring entry was missing and has been put back from the recovery key.
    pub keyring_restored: bool,
}

/// Opens (or creates) the book at `path`.
pub fn open_book(path: &Path, unlock: Unlock, clock: Arc<dyn Clock>) -> Result<Opened> {
    match unlock {
        Unlock::Keyring => open_with_keyring(path, clock),
        Unlock::Passphrase(p) => {
            if !book_exists(path) && p.chars().count() < 8 {
                return Err(Error::invalid("passphrase", "use at least 8 characters"));
            }
            if p.is_empty() {
                return Err(Error::invalid("passphrase", "is required"));
            }
            let app = App::open(path, Key::Passphrase(p), clock)?;
            Ok(Opened { app, recovery_key: None, keyring_restored: false })
        }
        Unlock::RecoveryKey(text) => {
            let raw = decode_recovery_key(&text)?;
            if !book_exists(path) {
                return Err(Error::invalid("recovery_key", "there is no book here to recover"));
            }
            let app = App::open(path, Key::Raw(raw), clock)?;
            let keyring_restored = match entry(path).and_then(|e| e.set_password(&hex(&raw)).map_err(keyring_error)) {
                Ok(()) => true,
                Err(e) => {
                    tracing::warn!(error = %e, "opened with the recovery key but could not store the key in the keyring");
                    false
                }
            };
            Ok(Opened { app, recovery_key: None, keyring_restored })
        }
    }
}

fn open_with_keyring(path: &Path, clock: Arc<dyn Clock>) -> Result<Opened> {
    let entry = entry(path)?;
    match entry.get_password() {
        Ok(secret) => {
            let raw = unhex(&secret).ok_or_else(|| Error::Storage("the keyring holds a malformed key for this book".into()))?;
            let app = App::open(path, Key::Raw(raw), clock)?;
            Ok(Opened { app, recovery_key: None, keyring_restored: false })
        }
        Err(keyring::Error::NoEntry) => {
            if book_exists(path) {
                return Err(Error::KeyMissing);
            }
            let mut raw = [0u8; 32];
            rand::rng().fill_bytes(&mut raw);
            entry.set_password(&hex(&raw)).map_err(keyring_error)?;
            match App::open(path, Key::Raw(raw), clock) {
                Ok(app) => Ok(Opened { app, recovery_key: Some(encode_recovery_key(&raw)), keyring_restored: false }),
                Err(e) => {
                    let _ = entry.delete_credential();
                    Err(e)
                }
            }
        }
        Err(e) => Err(keyring_error(e)),
    }
}

/// Removes this book's key from the keyring (signing a laptop out of a book; tests).
pub fn forget_key(path: &Path) -> Result<()> {
    match entry(path)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error(e)),
    }
}

/// Whether the OS keyring answers at all (for the UI to choose what to ask).
pub fn keyring_available() -> bool {
    match keyring::Entry::new(SERVICE, "probe") {
        Ok(e) => matches!(e.get_password(), Ok(_) | Err(keyring::Error::NoEntry)),
        Err(_) => false,
    }
}

fn book_exists(path: &Path) -> bool {
    std::fs::metadata(path).map(|m| m.len() > 0).unwrap_or(false)
}

/// The keyring entry of a book: one per book file (by absolute path).
fn entry(path: &Path) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, &account_name(path)).map_err(keyring_error)
}

fn account_name(path: &Path) -> String {
    let abs: PathBuf = match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => {
            std::fs::canonicalize(dir).map(|d| d.join(name)).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf()),
    };
    format!("book:{}", abs.display())
}

fn keyring_error(e: keyring::Error) -> Error {
    match e {
        keyring::Error::NoEntry => Error::KeyMissing,
        other => Error::KeyringUnavailable(other.to_string()),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<[u8; 32]> {
    let s = s.trim();
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn fletcher16(data: &[u8]) -> [u8; 2] {
    let (mut a, mut b) = (0u16, 0u16);
    for d in data {
        a = (a + *d as u16) % 255;
        b = (b + a) % 255;
    }
    [a as u8, b as u8]
}

/// 32 key bytes and a 2-byte checksum in base32, grouped by five.
pub fn encode_recovery_key(raw: &[u8; 32]) -> RecoveryKey {
    let mut data = raw.to_vec();
    data.extend_from_slice(&fletcher16(raw));
    let mut bits: u32 = 0;
    let mut nbits = 0;
    let mut chars = String::new();
    for byte in data {
        bits = (bits << 8) | byte as u32;
        nbits += 8;
        while nbits >= 5 {
            nbits -= 5;
            chars.push(ALPHABET[((bits >> nbits) & 31) as usize] as char);
        }
    }
    if nbits > 0 {
        chars.push(ALPHABET[((bits << (5 - nbits)) & 31) as usize] as char);
    }
    let groups: Vec<String> = chars.as_bytes().chunks(5).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    RecoveryKey(groups.join("-"))
}

/// Reads a recovery key as typed: any case, dashes and spaces ignored, 0/1/8 read as O/I/B.
pub fn decode_recovery_key(text: &str) -> Result<[u8; 32]> {
    let bad = || Error::invalid("recovery_key", "this is not a recovery key (check for a typo)");
    let mut bits: u64 = 0;
    let mut nbits = 0;
    let mut out = Vec::with_capacity(34);
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        let c = match c.to_ascii_uppercase() {
            '0' => 'O',
            '1' => 'I',
            '8' => 'B',
            c => c,
        };
        let v = ALPHABET.iter().position(|a| *a as char == c).ok_or_else(bad)? as u64;
        bits = (bits << 5) | v;
        nbits += 5;
        if nbits >= 8 {
            nbits -= 8;
            out.push(((bits >> nbits) & 0xff) as u8);
        }
    }
    if out.len() != 34 {
        return Err(bad());
    }
    let mut raw = [0u8; 32];
    raw.copy_from_slice(&out[..32]);
    if fletcher16(&raw) != [out[32], out[33]] {
        return Err(bad());
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_key_round_trips_and_forgives_case_and_dashes() {
        let raw: [u8; 32] = std::array::from_fn(|i| (i * 7 + 3) as u8);
        let key = encode_recovery_key(&raw);
        assert_eq!(key.0.len(), 55 + 10);
        assert_eq!(decode_recovery_key(&key.0).unwrap(), raw);
        let sloppy = key.0.to_lowercase().replace('-', " ");
        assert_eq!(decode_recovery_key(&sloppy).unwrap(), raw);
    }

    #[test]
    fn a_mistyped_recovery_key_is_refused() {
        let raw = [9u8; 32];
        let mut key = encode_recovery_key(&raw).0.into_bytes();
        key[3] = if key[3] == b'A' { b'B' } else { b'A' };
        let err = decode_recovery_key(&String::from_utf8(key).unwrap()).unwrap_err();
        assert_eq!(err.field(), Some("recovery_key"));
        assert!(decode_recovery_key("hello").is_err());
    }

    #[test]
    fn debug_output_never_shows_secrets() {
        assert_eq!(format!("{:?}", Unlock::Passphrase("hunter22".into())), "Unlock::Passphrase(***)");
        assert_eq!(format!("{:?}", encode_recovery_key(&[1; 32])), "RecoveryKey(***)");
    }
}
