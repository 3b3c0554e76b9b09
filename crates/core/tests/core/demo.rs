//! The demo book: deterministic from a seed, complete, written through the one write path.

use crate::support::{book, TestBook};
use chrono::Datelike;
use rapport_core::demo::{generate, sample_queries, DemoSize, DemoStats};
use rapport_core::domain::*;
use rapport_core::settings::StageOutcome;
use rapport_core::{App, EntityKind, Filter, ListQuery};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// The book's content without what is made at write time (ids, clocks, references by id):
/// one sorted line per record.
fn summary(app: &App) -> Vec<String> {
    let dump = app.canonical_dump().expect("dump");
    let mut lines: Vec<String> = dump
        .lines()
        .map(|line| {
            let mut rec: Value = serde_json::from_str(line).expect("dump line is JSON");
            let obj = rec.as_object_mut().expect("record");
            for k in ["id", "space", "clocks", "created_at", "updated_at"] {
                obj.remove(k);
            }
            let kind = EntityKind::from_name(obj["kind"].as_str().unwrap_or("")).expect("kind");
            if let Some(Value::Object(fields)) = obj.get_mut("fields") {
                for f in kind.fields() {
                    if matches!(f.ty, FieldTy::Ref(_)) || f.name.ends_with("_ids") || f.name == "about_id" {
                        fields.remove(f.name);
                    }
                }
            }
            rec.to_string()
        })
        .collect();
    lines.sort();
    lines
}

fn all<T: Entity>(app: &App) -> Vec<Record<T>> {
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let page = app.repo::<T>().list(&ListQuery::default().page(offset, 1_000)).expect("list");
        out.extend(page.items);
        match page.next_offset {
            Some(o) => offset = o,
            None => return out,
        }
    }
}

fn tiny_book(seed: u64) -> (TestBook, DemoStats) {
    let b = book();
    let stats = generate(&b.app, &DemoSize::tiny(), seed, |_| {}).expect("generate");
    (b, stats)
}

#[test]
fn the_same_seed_makes_the_same_book_and_another_seed_another() {
    let (a, stats_a) = tiny_book(7);
    let (b, stats_b) = tiny_book(7);
    let (c, _) = tiny_book(8);
    assert_eq!(stats_a, stats_b);
    let sa = summary(&a.app);
    assert_eq!(sa.len() as u64, stats_a.rows);
    assert_eq!(sa, summary(&b.app));
    assert_ne!(sa, summary(&c.app));
}

#[test]
fn every_record_is_in_the_outbox_and_counted() {
    let (b, stats) = tiny_book(1);
    assert_eq!(b.app.outbox(0, 1_000_000).expect("outbox").len() as u64, stats.rows);
    for kind in EntityKind::ALL {
        assert!(stats.by_kind.get(&kind).copied().unwrap_or(0) > 0, "the tiny book has no {}", kind.name());
    }
    let counted: BTreeMap<EntityKind, u64> = stats.by_kind.clone();
    assert_eq!(b.app.accounts().count(&ListQuery::default()).expect("count"), counted[&EntityKind::Account]);
    assert_eq!(b.app.notes().count(&ListQuery::default()).expect("count"), counted[&EntityKind::Note]);
}

#[test]
fn a_tiny_book_shows_every_case_an_ae_meets() {
    let (b, _) = tiny_book(3);
    let app = &b.app;
    let now = app.now();
    let today = now.date_naive();
    let settings = app.settings();

    let opps = all::<Opportunity>(app);
    let kinds: HashSet<_> = opps.iter().map(|o| o.data.kind).collect();
    assert_eq!(kinds.len(), OppKind::ALL.len(), "every kind of opportunity");
    let stages: HashSet<_> = opps.iter().map(|o| o.data.stage.as_str()).collect();
    for s in &settings.stages {
        assert!(stages.contains(s.name.as_str()), "an opportunity in {}", s.name);
    }
    for o in opps.iter().filter(|o| settings.stage(&o.data.stage).map(|s| s.outcome) == Some(StageOutcome::Lost)) {
        assert!(o.data.lost_reason.as_deref().is_some_and(|r| !r.is_empty()));
    }

    let contracts = all::<Contract>(app);
    assert!(contracts.iter().any(|c| c.data.end_date.is_some_and(|e| e >= today && e <= today + chrono::Duration::days(120))));
    let tasks = all::<Task>(app);
    assert!(tasks.iter().any(|t| !t.data.done && t.data.due_date.is_some_and(|d| d < today)), "an overdue task");
    let meetings = all::<Meeting>(app);
    assert!(meetings.iter().filter(|m| m.data.starts_at.date_naive() == today).count() >= 4, "meetings today");
    assert!(all::<Quota>(app).iter().any(|q| q.data.period_start.is_some_and(|s| s <= today) && q.data.period_end.is_some_and(|e| e >= today)));

    let mut per_recipient: BTreeMap<Id, i64> = BTreeMap::new();
    for g in all::<Gift>(app).iter().filter(|g| g.data.kind == GiftKind::Gift && g.data.date.is_some_and(|d| d.year() == today.year())) {
        *per_recipient.entry(g.data.recipient_id.expect("recipient")).or_default() += g.data.value_cents;
    }
    assert!(per_recipient.values().any(|&v| v > settings.gift_cap_cents), "someone over the gift cap");
    assert!(per_recipient.values().any(|&v| v <= settings.gift_cap_cents && v >= settings.gift_cap_cents * 9 / 10), "someone near it");

    let contacts = all::<Contact>(app);
    assert!(contacts.iter().any(|c| c.data.reports_to.is_some()), "an org chart");
    assert!(contacts.iter().any(|c| !c.data.personal_notes.is_empty()));
    let notes = all::<Note>(app);
    assert!(notes.iter().all(|n| n.data.body.len() >= 200 && n.data.body.len() <= 2_000));
    assert!(notes.iter().any(|n| n.data.meeting_id.is_some()), "a meeting's notes");
    assert!(notes.iter().any(|n| n.data.pinned));
    assert!(!all::<Objection>(app).is_empty() && !all::<Holding>(app).is_empty() && !all::<Reminder>(app).is_empty());
    let tier_a = app.accounts().count(&ListQuery::default().filter(Filter::eq("tier", "A"))).expect("count");
    assert!(tier_a >= 3);
}

#[test]
fn totals_are_exact_across_many_small_batches() {
    let b = book();
    let size = DemoSize { accounts: 31, contacts_per_account: 3, notes_per_account: 4, batch_rows: 40, ..DemoSize::tiny() };
    let mut seen = Vec::new();
    let stats = generate(&b.app, &size, 11, |rows| seen.push(rows)).expect("generate");
    assert_eq!(stats.by_kind[&EntityKind::Account], 31);
    assert_eq!(stats.by_kind[&EntityKind::Contact], 93);
    assert_eq!(stats.by_kind[&EntityKind::Note], 124);
    assert!(seen.len() > 3, "written in several transactions");
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(seen.last().copied(), Some(stats.rows));
    let names: HashSet<String> = all::<Account>(&b.app).into_iter().map(|a| a.data.name).collect();
    assert_eq!(names.len(), 31, "account names are unique");
}

#[test]
fn search_finds_what_the_generator_wrote() {
    let (b, _) = tiny_book(5);
    let app = &b.app;
    let hits = app.search("security review", &[EntityKind::Note], 20).expect("search");
    assert!(!hits.is_empty());
    // A rare word: the codename or account name in one generated note.
    let account = &all::<Account>(app)[7];
    let short = account.data.name.split(' ').next().expect("name").to_string();
    let hits = app.search(&short, &[EntityKind::Account], 20).expect("search");
    assert!(hits.iter().any(|h| h.id == account.id));
    let note = all::<Note>(app).into_iter().find(|n| n.data.body.contains("Project ")).expect("a note naming a codename");
    let code: String = note.data.body.split("Project ").nth(1).expect("codename").split(['.', ',', '\n', ';']).next().expect("words").to_string();
    let hits = app.search(&code, &[EntityKind::Note], 50).expect("search");
    assert!(hits.iter().any(|h| h.id == note.id), "searching '{code}' finds the note");
    assert_eq!(sample_queries(1, 200).len(), 200);
    assert_eq!(sample_queries(1, 5), sample_queries(1, 5));
}

/// FTS5's own check that an external-content index matches its table, for every indexed kind.
fn assert_index_in_step(b: &TestBook) {
    let conn = rusqlite::Connection::open(b.dir.path().join("book.db")).expect("open");
    let rapport_core::Key::Raw(k) = crate::support::key() else { unreachable!() };
    let hex: String = k.iter().map(|b| format!("{b:02x}")).collect();
    conn.pragma_update(None, "key", format!("x'{hex}'")).expect("key");
    for t in ["accounts", "contacts", "notes", "opportunities", "objections"] {
        conn.execute_batch(&format!("INSERT INTO {t}_fts ({t}_fts, rank) VALUES ('integrity-check', 1)"))
            .unwrap_or_else(|e| panic!("{t}_fts is out of step: {e}"));
    }
}

#[test]
fn the_search_index_stays_in_step_through_bulk_loads_edits_and_replays() {
    let (b, _) = tiny_book(9);
    let app = &b.app;
    assert_index_in_step(&b);
    // Edits: a generated note (its text CRDT is rebuilt from the plain copy), a rename, and a
    // record created and edited in one transaction.
    let note = all::<Note>(app).remove(3);
    let mut data = note.data.clone();
    data.body = data.body.replacen("###", "### Zanzibar", 1) + "\nAlso: zanzibar pricing.";
    app.notes().update(note.id, data).expect("edit note");
    let acct = all::<Account>(app).remove(2);
    app.accounts().patch(acct.id, serde_json::json!({"name": "Quixotic Holdings", "domain": "quixotic.com"}).as_object().cloned().unwrap_or_default()).expect("rename");
    app.batch(|bt| {
        let id = bt.create(Note { account_id: Some(acct.id), body: "draft about ferrets".into(), occurred_at: app.now(), ..Default::default() })?;
        bt.update(id, Note { account_id: Some(acct.id), body: "final about otters".into(), occurred_at: app.now(), ..Default::default() })?;
        Ok(())
    })
    .expect("batch");
    assert_index_in_step(&b);
    let hits = |q: &str, kind| app.search(q, &[kind], 10).expect("search").len();
    assert_eq!(hits("zanzibar", EntityKind::Note), 1);
    assert_eq!(hits("ferrets", EntityKind::Note), 0);
    assert_eq!(hits("otters", EntityKind::Note), 1);
    assert_eq!(hits("Quixotic", EntityKind::Account), 1);
    assert_eq!(hits(acct.data.name.split(' ').next().unwrap_or(""), EntityKind::Account), 0);

    // The whole history replayed into an empty book: same book, same index.
    let other = book();
    other.app.apply_ops(&app.outbox(0, 1_000_000).expect("outbox")).expect("replay");
    assert_eq!(other.app.canonical_dump().expect("dump"), app.canonical_dump().expect("dump"));
    assert_index_in_step(&other);
    assert_eq!(other.app.search("zanzibar", &[EntityKind::Note], 10).expect("search").len(), 1);
}

#[test]
fn a_generated_note_edited_on_two_devices_keeps_both_edits() {
    // A local create stores its text CRDT implicitly (rebuilt from the plain text); edits on
    // top of it must still merge with edits made elsewhere.
    let (a, _) = tiny_book(4);
    let b = book();
    let ops = a.app.outbox(0, 1_000_000).expect("outbox");
    b.app.apply_ops(&ops).expect("replay");
    let note = all::<Note>(&a.app).remove(0);
    let base = note.data.body.clone();
    let mut on_a = note.data.clone();
    on_a.body = format!("Edited on the laptop.\n{base}");
    a.app.notes().update(note.id, on_a).expect("edit on a");
    let mut on_b = b.app.notes().get(note.id).expect("note on b").data;
    on_b.body = format!("{base}\nEdited on the desktop.");
    b.app.notes().update(note.id, on_b).expect("edit on b");
    let seen = ops.len() as u64;
    let from_a: Vec<_> = a.app.outbox(0, 1_000_000).expect("outbox").into_iter().filter(|o| o.seq > seen).collect();
    let from_b = b.app.outbox(0, 1_000_000).expect("outbox");
    a.app.apply_ops(&from_b).expect("b to a");
    b.app.apply_ops(&from_a).expect("a to b");
    let merged = a.app.notes().get(note.id).expect("note").data.body;
    assert_eq!(merged, format!("Edited on the laptop.\n{base}\nEdited on the desktop."));
    assert_eq!(b.app.notes().get(note.id).expect("note").data.body, merged);
}
