//! A new device's snapshot: written straight into the book for records it has never held, it
//! must give exactly the book that replaying the snapshot as ops gives (the slow path), with
//! the same conflicts, text, Trash, search hits and merge bookkeeping, then and after later ops.

use crate::support::*;
use rapport_core::demo::{generate, DemoSize};
use rapport_core::domain::*;
use rapport_core::hlc::Hlc;
use rapport_core::sync::engine::{apply_snapshot_page, snapshot_ops};
use rapport_core::sync::protocol::{FieldState, Op, SnapshotRow, TextUpdate};
use rapport_core::App;
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The server's materialised state of a space, as its snapshot serves it: per record, each
/// field's highest `(hlc, device)` write, every text update merged, the highest causal length.
fn server_state(ops: &[Op]) -> Vec<SnapshotRow> {
    /// A record's row so far, and each text field's updates still to merge.
    type Pending = (SnapshotRow, BTreeMap<String, Vec<Vec<u8>>>);
    let mut rows: BTreeMap<(String, Uuid), Pending> = BTreeMap::new();
    for op in ops {
        let (row, texts) = rows.entry((op.table.clone(), op.row)).or_insert_with(|| {
            (SnapshotRow { table: op.table.clone(), row: op.row, fields: BTreeMap::new(), text: BTreeMap::new(), cl: 0 }, BTreeMap::new())
        });
        for (name, v) in &op.set {
            let newer = row.fields.get(name).is_none_or(|f| (op.hlc, op.device) > (f.hlc, f.device));
            if newer {
                row.fields.insert(name.clone(), FieldState { value: v.clone(), hlc: op.hlc, device: op.device });
            }
        }
        for (name, u) in &op.text {
            texts.entry(name.clone()).or_default().push(u.0.clone());
        }
        if let Some(cl) = op.cl {
            row.cl = row.cl.max(cl);
        }
    }
    rows.into_values()
        .map(|(mut row, texts)| {
            for (name, updates) in texts {
                row.text.insert(name, TextUpdate(yrs::merge_updates_v1(&updates).expect("merge text updates")));
            }
            row
        })
        .collect()
}

/// What a book holds beyond its canonical dump that later merges depend on.
fn bookkeeping(app: &App) -> String {
    app.store()
        .read(|c| {
            let mut out = String::new();
            for sql in [
                "SELECT r.tbl || ' ' || r.row_id || ' ' || r.cl || ' ' || r.hlc || '@' || d.id FROM row_cl r JOIN devices d ON d.idx = r.dev ORDER BY 1",
                "SELECT tbl || ' ' || row_id || ' ' || field || ' ' || hlc FROM field_superseded ORDER BY 1",
                // Other devices (each book has its own id besides).
                "SELECT id FROM devices WHERE id <> (SELECT value FROM meta WHERE key = 'device_id') ORDER BY 1",
            ] {
                let mut stmt = c.prepare(sql)?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
                for r in rows {
                    out.push_str(&r?);
                    out.push('\n');
                }
            }
            Ok(out)
        })
        .expect("bookkeeping")
}

/// Everything a user would see and every merge needs, for comparing two books.
fn view(app: &App) -> (String, String, String, String, String) {
    let hits = ["Acme", "budget", "Łódź", "renewal"]
        .iter()
        .map(|q| format!("{q}: {:?}", app.search(q, &[], 50).expect("search").iter().map(|h| (h.kind, h.id)).collect::<Vec<_>>()))
        .collect::<Vec<_>>()
        .join("\n");
    let trash = format!("{:?}", app.trash(1_000).expect("trash"));
    let conflicts = format!("{:?}", app.conflicts().expect("conflicts"));
    (app.canonical_dump().expect("dump"), bookkeeping(app), hits, trash, conflicts)
}

/// Applies `rows` the slow way: each row's ops through the one remote-apply path, a page per
/// transaction.
fn replay(app: &App, space: Uuid, rows: &[SnapshotRow], page: usize) {
    for chunk in rows.chunks(page) {
        let ops: Vec<Op> = chunk.iter().flat_map(|r| snapshot_ops(space, r)).filter(|op| EntityKind::from_name(&op.table).is_some()).collect();
        app.apply_ops(&ops).expect("replay the snapshot as ops");
    }
}

fn bootstrap(app: &App, space: Uuid, rows: &[SnapshotRow], page: usize) {
    for chunk in rows.chunks(page) {
        apply_snapshot_page(app, space, chunk).expect("apply a snapshot page");
    }
}

fn set_industry(app: &App, id: Id, v: &str) {
    let mut acc = app.accounts().get(id).expect("get").data;
    acc.industry = Some(v.into());
    app.accounts().update(id, acc).expect("update");
}

/// Two devices' worth of history in one space: a demo book on A, edited on C after it saw it
/// (other clocks on other fields), concurrent note text, a record deleted on A and edited on C
/// without seeing the delete.
fn history() -> (TestBook, TestBook, Vec<Op>, Id) {
    let a = book();
    generate(&a.app, &DemoSize::tiny(), 7, |_| {}).expect("demo book");
    let acme = account(&a.app, "Acme Łódź");
    let n = note(&a.app, &acme, "Budget review with the CFO, renewal in Q3.");
    let c = book();
    c.app.apply_ops(&a.app.outbox(0, usize::MAX).expect("outbox")).expect("C gets A's book");
    c.clock.advance(chrono::Duration::seconds(30));
    set_industry(&c.app, acme.id, "Logistics");
    let mut body = c.app.notes().get(n.id).expect("note").data;
    body.body = "Budget review with the CFO and legal, renewal in Q3.".into();
    c.app.notes().update(n.id, body).expect("C edits the note");
    let mut other = a.app.notes().get(n.id).expect("note").data;
    other.body = "Budget review with the CFO, renewal in Q3 (Łódź office).".into();
    a.app.notes().update(n.id, other).expect("A edits the note too");
    let victim = a.app.accounts().list(&rapport_core::ListQuery::default().page(0, 3)).expect("list").items[2].id;
    a.app.accounts().delete(victim).expect("A deletes an account");
    c.clock.advance(chrono::Duration::seconds(30));
    set_industry(&c.app, victim, "Edited after the delete");
    let mut ops = a.app.outbox(0, usize::MAX).expect("A's outbox");
    ops.extend(c.app.outbox(0, usize::MAX).expect("C's outbox"));
    (a, c, ops, acme.id)
}

#[test]
fn a_snapshot_written_straight_into_a_new_book_equals_replaying_it_as_ops() {
    let (a, _c, ops, _) = history();
    let space = a.app.store().device().space;
    let rows = server_state(&ops);
    let fast = book();
    let slow = book();
    bootstrap(&fast.app, space, &rows, 37);
    replay(&slow.app, space, &rows, 37);
    let (f, s) = (view(&fast.app), view(&slow.app));
    assert_eq!(f.0, s.0, "canonical dumps differ");
    assert_eq!(f.1, s.1, "merge bookkeeping differs");
    assert_eq!(f.2, s.2, "search hits differ");
    assert_eq!(f.3, s.3, "Trash differs");
    assert!(f.2.contains("Łódź: [(Account") && f.2.contains("budget: [(Note"), "search finds the snapshot's records: {}", f.2);
    // A snapshot row carries no clock for its causal length, so both ways date the delete by the
    // row's newest write (the "edited after delete" mark is not seen by a new device).
    assert!(f.3.contains("kind: Account"), "the deleted account is in Trash: {}", f.3);
    let (got, want) = (fast.app.summary().unwrap(), a.app.summary().unwrap());
    assert_eq!((got.accounts, got.contacts, got.notes), (want.accounts, want.contacts, want.notes));
}

#[test]
fn records_the_new_book_already_holds_merge_as_ops_and_keep_their_conflicts() {
    let (a, c, ops, acme) = history();
    let space = a.app.store().device().space;
    // A third device saw A's first writes and changed Acme's industry without seeing C's edit;
    // both new books hold its ops before the snapshot arrives.
    let d = book();
    d.app.apply_ops(&a.app.outbox(0, usize::MAX).expect("outbox")).expect("D gets A's book");
    d.clock.advance(chrono::Duration::seconds(45));
    set_industry(&d.app, acme, "Shipping");
    let before = d.app.outbox(0, usize::MAX).expect("D's outbox");
    let rows = server_state(&ops);
    let fast = book();
    let slow = book();
    for b in [&fast, &slow] {
        b.app.apply_ops(&before).expect("D's ops");
    }
    bootstrap(&fast.app, space, &rows, 50);
    replay(&slow.app, space, &rows, 50);
    let (f, s) = (view(&fast.app), view(&slow.app));
    assert_eq!(f, s);
    assert!(f.4.contains("Shipping") && f.4.contains("Logistics"), "the concurrent industries are a conflict: {}", f.4);

    // Later ops (C edits again, having seen everything) land the same way on both.
    c.clock.advance(chrono::Duration::seconds(60));
    set_industry(&c.app, acme, "Freight");
    let later = c.app.outbox(0, usize::MAX).expect("C's outbox");
    for b in [&fast, &slow] {
        b.app.apply_ops(&later).expect("later ops");
    }
    assert_eq!(view(&fast.app), view(&slow.app));
}

#[test]
fn rows_the_direct_insert_does_not_model_take_the_slow_path_and_give_the_same_book() {
    let space = Uuid::now_v7();
    let dev1 = Uuid::now_v7();
    let dev2 = Uuid::now_v7();
    let at = |ms: u64, d: Uuid, v: serde_json::Value| FieldState { value: v, hlc: Hlc::new(1_795_000_000_000 + ms, 0), device: d };
    let row = |table: &str, fields: Vec<(&str, FieldState)>, cl: u32| SnapshotRow {
        table: table.into(),
        row: Uuid::now_v7(),
        fields: fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        text: BTreeMap::new(),
        cl,
    };
    let rows = vec![
        // Three clocks on three fields, no created_at, in Trash.
        row("account", vec![("name", at(5, dev1, json!("Globex"))), ("industry", at(9, dev2, json!("Energy"))), ("tier", at(7, dev1, json!("b")))], 2),
        // Moved into the space by its oldest write, then edited.
        row("account", vec![("name", at(1, dev1, json!("Initech"))), ("space", at(1, dev1, json!(space.to_string()))), ("industry", at(3, dev2, json!("Banking")))], 1),
        // The space written after another field: left to the slow path.
        row("account", vec![("name", at(1, dev1, json!("Umbrella"))), ("space", at(4, dev2, json!(space.to_string())))], 1),
        // A field of a newer version.
        row("product", vec![("name", at(2, dev1, json!("Suite"))), ("colour", at(2, dev1, json!("teal")))], 1),
        // No field at all.
        row("task", vec![], 1),
        // A kind this version does not know.
        row("hologram", vec![("name", at(2, dev1, json!("x")))], 1),
    ];
    let fast = book();
    let slow = book();
    bootstrap(&fast.app, space, &rows, 4);
    replay(&slow.app, space, &rows, 4);
    assert_eq!(view(&fast.app), view(&slow.app));
    assert_eq!(fast.app.accounts().count(&Default::default()).unwrap(), 2, "Globex is in Trash, Initech and Umbrella are not");
}
