//! Snapshots: a new device that applies every snapshot page and then pulls after the snapshot's
//! cursor ends with exactly what replaying every op gives, on both backends.

use crate::support::*;
use rapport_core::hlc::Hlc;
use rapport_core::sync::protocol::{ErrorBody, Op, PullRequest, PullResponse, PushRequest, SnapshotPage, TextUpdate, VersionVector};
use rapport_server::SyncStore;
use std::collections::BTreeMap;
use uuid::Uuid;
use yrs::updates::decoder::Decode as _;
use yrs::{GetString as _, Text as _, Transact as _};

on_both_backends!(snapshot_then_pull_after_its_cursor_equals_replaying_every_op, a_bad_snapshot_token_names_the_after_field);

/// A record as a device would hold it: each field's winning (hlc, device, value), each text
/// field's updates, the causal length.
#[derive(Default, Debug)]
struct Record {
    fields: BTreeMap<String, (Hlc, Uuid, serde_json::Value)>,
    text: BTreeMap<String, Vec<Vec<u8>>>,
    cl: u32,
}

type Book = BTreeMap<(String, Uuid), Record>;

fn apply_op(book: &mut Book, op: &Op) {
    let r = book.entry((op.table.clone(), op.row)).or_default();
    for (f, v) in &op.set {
        if r.fields.get(f).is_none_or(|(h, d, _)| (op.hlc, op.device) > (*h, *d)) {
            r.fields.insert(f.clone(), (op.hlc, op.device, v.clone()));
        }
    }
    for (f, u) in &op.text {
        r.text.entry(f.clone()).or_default().push(u.0.clone());
    }
    r.cl = r.cl.max(op.cl.unwrap_or(0));
}

/// What the user sees: field values, and each text as its string.
/// Per record: its field values, its texts as strings, its causal length.
type Visible = BTreeMap<(String, Uuid), (BTreeMap<String, serde_json::Value>, BTreeMap<String, String>, u32)>;

fn visible(book: &Book) -> Visible {
    book.iter()
        .map(|(k, r)| {
            let fields = r.fields.iter().map(|(f, (_, _, v))| (f.clone(), v.clone())).collect();
            let text = r
                .text
                .iter()
                .map(|(f, updates)| {
                    let doc = yrs::Doc::new();
                    let t = doc.get_or_insert_text(f.as_str());
                    let mut txn = doc.transact_mut();
                    for u in updates {
                        txn.apply_update(yrs::Update::decode_v1(u).unwrap()).unwrap();
                    }
                    drop(txn);
                    let s = t.get_string(&doc.transact());
                    (f.clone(), s)
                })
                .collect();
            (k.clone(), (fields, text, r.cl))
        })
        .collect()
}

/// Deterministic ops of three devices over a handful of accounts and notes, with concurrent
/// field writes and concurrent text edits.
fn scenario(space: Uuid, devices: &[Uuid]) -> Vec<Vec<Op>> {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rnd = move |n: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let rows: Vec<(String, Uuid)> = (0..6).map(|i| (if i % 2 == 0 { "account" } else { "note" }.to_string(), Uuid::from_u128(1000 + i))).collect();
    let mut docs: BTreeMap<(usize, Uuid), yrs::Doc> = BTreeMap::new();
    let mut out: Vec<Vec<Op>> = vec![Vec::new(); devices.len()];
    for step in 0..60u64 {
        let d = rnd(devices.len() as u64) as usize;
        let (table, row) = rows[rnd(rows.len() as u64) as usize].clone();
        let seq = out[d].len() as u64 + 1;
        // Clocks collide on purpose now and then: the device id breaks the tie.
        let mut op = blank_op(space, devices[d], seq, Hlc::new(1_000 + step / 3, 0), &table, row);
        op.cl = Some(if rnd(10) == 0 { 2 } else { 1 });
        let field = ["name", "tier", "stage"][rnd(3) as usize];
        op.set.insert(field.into(), serde_json::json!(format!("{field} {step} by {d}")));
        if table == "note" {
            let doc = docs.entry((d, row)).or_insert_with(|| yrs::Doc::with_client_id(d as u64 + 1));
            let text = doc.get_or_insert_text("body");
            let mut txn = doc.transact_mut();
            let len = text.len(&txn);
            text.insert(&mut txn, len, &format!("[{d}:{step}]"));
            op.text.insert("body".into(), TextUpdate(txn.encode_update_v1()));
        }
        out[d].push(op);
    }
    out
}

async fn snapshot_then_pull_after_its_cursor_equals_replaying_every_op<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let others = [server.login("ana@example.com", Uuid::now_v7()).await, server.login("ana@example.com", Uuid::now_v7()).await];
    let tokens = [a.token.clone(), others[0].token.clone(), others[1].token.clone()];
    let devices = [a.device, others[0].device, others[1].device];
    let per_device = scenario(a.space, &devices);
    let push = |d: usize, from: usize, to: usize| {
        let req = PushRequest { device: devices[d], ops: per_device[d][from..to].to_vec() };
        let (server, token) = (&server, tokens[d].clone());
        async move {
            let res = server.post("/v1/push", Some(&token), &req).await;
            assert_eq!(res.status(), 200);
        }
    };
    // Half of each device's ops before the snapshot starts...
    for (d, ops) in per_device.iter().enumerate() {
        push(d, 0, ops.len() / 2).await;
    }
    // ...a new device reads the snapshot in small pages while the others keep pushing.
    let mut book = Book::new();
    let (mut after, mut cursor, mut pages) = (None::<String>, None::<VersionVector>, 0);
    loop {
        let q = match &after {
            None => format!("/v1/snapshot?space={}&limit=2", a.space),
            Some(t) => format!("/v1/snapshot?space={}&limit=2&after={t}", a.space),
        };
        let res = server.get(&q, Some(&a.token)).await;
        assert_eq!(res.status(), 200);
        let page: SnapshotPage = res.json().await.unwrap();
        assert!(page.rows.len() <= 2);
        // Every page of one snapshot carries the cursor read with the first page.
        assert_eq!(cursor.get_or_insert_with(|| page.cursor.clone()), &page.cursor);
        for row in page.rows {
            let r = book.entry((row.table, row.row)).or_default();
            r.fields = row.fields.into_iter().map(|(f, s)| (f, (s.hlc, s.device, s.value))).collect();
            r.text = row.text.into_iter().map(|(f, u)| (f, vec![u.0])).collect();
            r.cl = row.cl;
        }
        pages += 1;
        if pages == 1 {
            for (d, ops) in per_device.iter().enumerate() {
                push(d, ops.len() / 2, ops.len()).await;
            }
        }
        match page.next {
            Some(t) => after = Some(t),
            None => break,
        }
    }
    assert!(pages >= 3, "the snapshot spans several pages");
    // Then the ops after the snapshot's cursor.
    let mut cursor = cursor.unwrap();
    loop {
        let res = server.post("/v1/pull", Some(&a.token), &PullRequest { space: a.space, cursor, limit: Some(7) }).await;
        let page: PullResponse = res.json().await.unwrap();
        for op in &page.ops {
            apply_op(&mut book, op);
        }
        cursor = page.cursor;
        if !page.has_more {
            break;
        }
    }
    let mut replay = Book::new();
    for op in per_device.iter().flatten() {
        apply_op(&mut replay, op);
    }
    assert_eq!(visible(&book), visible(&replay));
    // Winning clocks too, not only values.
    for (k, r) in &replay {
        let got: BTreeMap<_, _> = book[k].fields.iter().map(|(f, (h, d, _))| (f.clone(), (*h, *d))).collect();
        let want: BTreeMap<_, _> = r.fields.iter().map(|(f, (h, d, _))| (f.clone(), (*h, *d))).collect();
        assert_eq!(got, want, "{k:?}");
    }
}

async fn a_bad_snapshot_token_names_the_after_field<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let res = server.get(&format!("/v1/snapshot?space={}&after=garbage", a.space), Some(&a.token)).await;
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<ErrorBody>().await.unwrap().field.as_deref(), Some("after"));
    let res = server.get(&format!("/v1/snapshot?space={}", a.space), Some(&a.token)).await;
    let empty: SnapshotPage = res.json().await.unwrap();
    assert!(empty.rows.is_empty() && empty.next.is_none());
}
