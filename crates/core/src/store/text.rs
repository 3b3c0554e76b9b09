//! Long text as a `yrs` text CRDT. Offsets are UTF-8 bytes (yrs' default `OffsetKind::Bytes`),
//! and every offset below is measured in bytes of the same UTF-8 string, so multi-byte text
//! ("Łódź", emoji) is edited at the right place.

use crate::error::{Error, Result};
use yrs::updates::decoder::Decode;
use yrs::{Doc, GetString, ReadTxn, StateVector, Text, Transact, Update};

const TEXT: &str = "t";

/// A yrs client id for a device: stable per device, within Yjs' 53-bit range.
pub fn client_id(device: &uuid::Uuid) -> u64 {
    let b = device.as_bytes();
    let mut x = 0u64;
    for (i, byte) in b.iter().enumerate() {
        x ^= (*byte as u64) << ((i % 8) * 8);
    }
    (x & ((1 << 53) - 1)).max(1)
}

pub fn load(client: u64, state: Option<&[u8]>) -> Result<Doc> {
    let doc = Doc::with_client_id(client);
    if let Some(bytes) = state.filter(|b| !b.is_empty()) {
        apply(&doc, bytes)?;
    }
    Ok(doc)
}

pub fn apply(doc: &Doc, update: &[u8]) -> Result<()> {
    let update = Update::decode_v1(update).map_err(|e| Error::Storage(format!("text update: {e}")))?;
    let mut txn = doc.transact_mut();
    txn.apply_update(update).map_err(|e| Error::Storage(format!("text update: {e}")))?;
    Ok(())
}

pub fn plain(doc: &Doc) -> String {
    let text = doc.get_or_insert_text(TEXT);
    let txn = doc.transact();
    text.get_string(&txn)
}

pub fn state(doc: &Doc) -> Vec<u8> {
    doc.transact().encode_state_as_update_v1(&StateVector::default())
}

/// Turns a whole-text save into CRDT edits on `doc`: diff the doc's text against `new` by words
/// and replay the difference. Returns the yrs update holding just those edits, or `None` when
/// the text did not change.
pub fn set_text(doc: &Doc, new: &str) -> Option<Vec<u8>> {
    let text = doc.get_or_insert_text(TEXT);
    let old = plain(doc);
    if old == new {
        return None;
    }
    let before = doc.transact().state_vector();
    {
        let mut txn = doc.transact_mut();
        if old.is_empty() {
            text.insert(&mut txn, 0, new);
        } else {
            let diff = similar::TextDiff::configure()
                .timeout(std::time::Duration::from_millis(200))
                .diff_words(old.as_str(), new);
            let mut cursor: u32 = 0;
            for change in diff.iter_all_changes() {
                let len = change.value().len() as u32;
                match change.tag() {
                    similar::ChangeTag::Equal => cursor += len,
                    similar::ChangeTag::Delete => text.remove_range(&mut txn, cursor, len),
                    similar::ChangeTag::Insert => {
                        text.insert(&mut txn, cursor, change.value());
                        cursor += len;
                    }
                }
            }
        }
    }
    Some(doc.transact().encode_state_as_update_v1(&before))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_text_save_becomes_edits_that_keep_multibyte_text_intact() {
        let doc = load(7, None).unwrap();
        set_text(&doc, "Spotkanie w Łodzi 🙂 o cenach").unwrap();
        set_text(&doc, "Spotkanie w Łódź 🙂 o nowych cenach").unwrap();
        assert_eq!(plain(&doc), "Spotkanie w Łódź 🙂 o nowych cenach");
    }

    #[test]
    fn concurrent_edits_on_two_copies_both_survive() {
        let a = load(1, None).unwrap();
        set_text(&a, "Budget approved. Next: legal review.").unwrap();
        let b = load(2, Some(&state(&a))).unwrap();
        let ua = set_text(&a, "Budget approved by CFO. Next: legal review.").unwrap();
        let ub = set_text(&b, "Budget approved. Next: legal review by Friday.").unwrap();
        apply(&a, &ub).unwrap();
        apply(&b, &ua).unwrap();
        assert_eq!(plain(&a), plain(&b));
        assert_eq!(plain(&a), "Budget approved by CFO. Next: legal review by Friday.");
    }

    #[test]
    fn saving_the_same_text_makes_no_update() {
        let doc = load(3, None).unwrap();
        set_text(&doc, "same").unwrap();
        assert!(set_text(&doc, "same").is_none());
    }
}
