//! What both backends share for snapshots: the paging token and the merge of text updates.

use super::StoreError;
use base64::Engine as _;
use rapport_core::sync::protocol::VersionVector;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The `after` token of a snapshot page: the last record served and the space's version vector
/// when the first page was read, so every page of one snapshot carries the same cursor.
#[derive(Serialize, Deserialize)]
struct After {
    t: String,
    r: Uuid,
    c: VersionVector,
}

/// The opaque `next` token for a page ending at `(table, row)`.
pub fn encode_after(table: &str, row: Uuid, cursor: &VersionVector) -> String {
    let json = serde_json::to_vec(&After { t: table.to_string(), r: row, c: cursor.clone() }).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

/// Reads an `after` token back; `None` if it is not one this server made.
pub fn decode_after(token: &str) -> Option<(String, Uuid, VersionVector)> {
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token.as_bytes()).ok()?;
    let a: After = serde_json::from_slice(&json).ok()?;
    Some((a.t, a.r, a.c))
}

/// Merges a field's yrs updates (v1 encoding) into one update equivalent to applying them all.
pub fn merge_text(updates: &[Vec<u8>]) -> Result<Vec<u8>, StoreError> {
    if let [only] = updates {
        return Ok(only.clone());
    }
    std::panic::catch_unwind(|| yrs::merge_updates_v1(updates))
        .map_err(|_| StoreError::Storage("merging text updates panicked".into()))?
        .map_err(|e| StoreError::Storage(format!("merging text updates: {e}")))
}

/// Whether `bytes` decode as a yrs v1 update (checked on push, so a snapshot can always merge).
pub fn is_text_update(bytes: &[u8]) -> bool {
    use yrs::updates::decoder::Decode as _;
    std::panic::catch_unwind(|| yrs::Update::decode_v1(bytes).is_ok()).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{GetString, Text, Transact};

    #[test]
    fn the_after_token_round_trips_and_garbage_is_refused() {
        let mut vv = VersionVector::default();
        vv.advance(Uuid::from_u128(7), 3);
        let t = encode_after("account", Uuid::from_u128(9), &vv);
        assert_eq!(decode_after(&t), Some(("account".into(), Uuid::from_u128(9), vv)));
        assert_eq!(decode_after("not a token"), None);
        assert_eq!(decode_after(""), None);
    }

    #[test]
    fn merged_text_updates_give_the_text_of_applying_them_all() {
        use yrs::updates::decoder::Decode as _;
        let a = yrs::Doc::with_client_id(1);
        let ta = a.get_or_insert_text("body");
        let u1 = {
            let mut t = a.transact_mut();
            ta.insert(&mut t, 0, "Budget approved");
            t.encode_update_v1()
        };
        let b = yrs::Doc::with_client_id(2);
        let tb = b.get_or_insert_text("body");
        b.transact_mut().apply_update(yrs::Update::decode_v1(&u1).unwrap()).unwrap();
        let u2 = {
            let mut t = b.transact_mut();
            tb.insert(&mut t, 0, "Q3: ");
            t.encode_update_v1()
        };
        assert!(is_text_update(&u1) && !is_text_update(&[0xff, 0xff, 0xff]));
        let merged = merge_text(&[u1, u2]).unwrap();
        let c = yrs::Doc::with_client_id(3);
        let tc = c.get_or_insert_text("body");
        c.transact_mut().apply_update(yrs::Update::decode_v1(&merged).unwrap()).unwrap();
        assert_eq!(tc.get_string(&c.transact()), "Q3: Budget approved");
    }
}
