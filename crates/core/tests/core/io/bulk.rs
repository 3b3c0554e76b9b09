//! An import writes in bulk (one outbox entry per run of created records, undo by ranges) and
//! still gives sync exactly what ordinary creates would: one create op per record, gap-free.

use super::import;
use crate::support::*;
use rapport_core::domain::*;
use rapport_core::{Filter, ListQuery};

/// Accounts, then contacts whose managers come both before and after them (a later manager is
/// linked after the file, which changes a record of the run), then deals.
fn files() -> Vec<(&'static str, String)> {
    let mut accounts = String::from("Id,IsDeleted,Name,Website,Industry\n");
    for i in 0..30 {
        accounts.push_str(&format!("0015g0000Acc{i:03}AAA,false,Company {i},company{i}.example.com,Manufacturing\n"));
    }
    let mut contacts = String::from("Id,AccountId,FirstName,LastName,Title,Email,ReportsToId\n");
    for i in 0..200 {
        // Every tenth person's manager is the next tenth's first (later in the file).
        let boss = if i % 10 == 0 { if i + 10 < 200 { format!("0035g0000Con{:03}AAA", i + 10) } else { String::new() } } else { format!("0035g0000Con{:03}AAA", i - i % 10) };
        contacts.push_str(&format!("0035g0000Con{i:03}AAA,0015g0000Acc{:03}AAA,First{i},Last{i},Buyer,p{i}@company{}.example.com,{boss}\n", i % 30, i % 30));
    }
    let mut deals = String::from("Id,AccountId,Name,StageName,Amount,CloseDate\n");
    for i in 0..20 {
        deals.push_str(&format!("0065g0000Opp{i:03}AAA,0015g0000Acc{:03}AAA,Deal {i},Prospecting,{},2027-01-{:02}\n", i % 30, 1000 + i, 1 + i % 28));
    }
    vec![("Contact.csv", contacts), ("Account.csv", accounts), ("Opportunity.csv", deals)]
}

fn import_files(b: &TestBook) -> rapport_core::io::ImportReport {
    let f = files();
    let refs: Vec<(&str, &str)> = f.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let (_, report) = import(&b.app, &refs);
    assert_eq!((report.created, report.errors.len()), (30 + 200 + 20, 0), "{:?}", report.errors.first());
    report
}

fn contact_named(b: &TestBook, last: &str) -> Record<Contact> {
    b.app.contacts().list(&ListQuery::default().filter(Filter::eq("last_name", last))).unwrap().items.remove(0)
}

#[test]
fn an_import_reaches_the_outbox_as_one_create_op_per_record_and_rebuilds_the_book_elsewhere() {
    let a = book();
    import_files(&a);
    let ops = a.app.outbox(0, 100_000).unwrap();
    assert_eq!(ops.iter().map(|o| o.seq).collect::<Vec<_>>(), (1..=ops.len() as u64).collect::<Vec<_>>(), "gap-free seqs");
    let creates: Vec<_> = ops.iter().filter(|o| o.cl == Some(1)).collect();
    assert_eq!(creates.len(), 250);
    assert!(creates.iter().all(|o| o.set.contains_key("created_at") && o.prev.is_empty()));
    // Nineteen later managers are linked after the file: one op each, after its create.
    assert_eq!(ops.len(), 250 + 19);
    let last5 = contact_named(&a, "Last5");
    let create = ops.iter().find(|o| o.row == last5.id).unwrap();
    assert_eq!(create.set["email"], "p5@company5.example.com");
    assert_eq!(create.set["title"], "Buyer");
    let company5 = a.app.accounts().list(&ListQuery::default().filter(Filter::eq("name", "Company 5"))).unwrap().items.remove(0);
    assert_eq!(create.set["account_id"], company5.id.to_string());
    assert_eq!(last5.data.reports_to, Some(contact_named(&a, "Last0").id));

    let b = book();
    b.app.apply_ops(&ops).unwrap();
    assert_eq!(a.app.canonical_dump().unwrap(), b.app.canonical_dump().unwrap());
    // In any order.
    let c = book();
    let reversed: Vec<_> = ops.iter().rev().cloned().collect();
    c.app.apply_ops(&reversed).unwrap();
    assert_eq!(a.app.canonical_dump().unwrap(), c.app.canonical_dump().unwrap());
}

#[test]
fn an_imported_record_edited_before_it_is_pushed_syncs_its_create_as_imported_then_the_edit() {
    let a = book();
    import_files(&a);
    let ana = contact_named(&a, "Last42");
    let mut data = ana.data.clone();
    data.title = Some("VP Operations".into());
    data.personal_notes = "Met at the Chicago expo; two kids.".into();
    a.clock.advance(chrono::Duration::minutes(1));
    a.app.contacts().update(ana.id, data).unwrap();
    let gone = contact_named(&a, "Last43");
    a.app.contacts().delete(gone.id).unwrap();
    let acme = a.app.accounts().list(&ListQuery::default().filter(Filter::eq("name", "Company 3"))).unwrap().items.remove(0);
    let mut ad = acme.data.clone();
    ad.tier = Tier::A;
    a.app.accounts().update(acme.id, ad).unwrap();

    let ops = a.app.outbox(0, 100_000).unwrap();
    assert_eq!(ops.iter().map(|o| o.seq).collect::<Vec<_>>(), (1..=ops.len() as u64).collect::<Vec<_>>());
    let mine: Vec<_> = ops.iter().filter(|o| o.row == ana.id).collect();
    assert_eq!(mine.len(), 2);
    // The create carries what was imported; the edit overwrites it, knowing its clock.
    assert_eq!((mine[0].cl, mine[0].set["title"].as_str()), (Some(1), Some("Buyer")));
    assert!(mine[0].text.is_empty());
    assert_eq!(mine[1].set["title"], "VP Operations");
    assert_eq!(mine[1].prev["title"], mine[0].hlc);
    assert!(mine[1].text.contains_key("personal_notes"));
    // A trashed record's create is unchanged too; the delete follows it.
    let theirs: Vec<_> = ops.iter().filter(|o| o.row == gone.id).map(|o| o.cl).collect();
    assert_eq!(theirs, [Some(1), Some(2)]);

    let b = book();
    b.app.apply_ops(&ops).unwrap();
    assert_eq!(a.app.canonical_dump().unwrap(), b.app.canonical_dump().unwrap());
    assert_eq!(b.app.contacts().get(ana.id).unwrap().data.personal_notes, "Met at the Chicago expo; two kids.");
    // Paged as a push reads it, from any point, the ops are the same.
    let mut paged = Vec::new();
    let mut after = 0;
    loop {
        let page = a.app.outbox(after, 7).unwrap();
        let Some(last) = page.last() else { break };
        after = last.seq;
        paged.extend(page);
    }
    assert_eq!(paged, ops);
}

#[test]
fn an_edit_made_on_another_device_leaves_the_importers_create_op_as_it_was() {
    let a = book();
    import_files(&a);
    let b = book();
    b.app.apply_ops(&a.app.outbox(0, 100_000).unwrap()).unwrap();
    let ana = contact_named(&b, "Last7");
    let mut data = ana.data.clone();
    data.phone = Some("+48 600 100 200".into());
    b.clock.advance(chrono::Duration::minutes(2));
    b.app.contacts().update(ana.id, data).unwrap();
    a.app.apply_ops(&b.app.outbox(0, 100_000).unwrap()).unwrap();
    assert_eq!(a.app.contacts().get(ana.id).unwrap().data.phone.as_deref(), Some("+48 600 100 200"));

    let create = a.app.outbox(0, 100_000).unwrap().into_iter().find(|o| o.row == ana.id).unwrap();
    assert_eq!(create.set["phone"], serde_json::Value::Null);
    // A third device that gets both outboxes ends up with the same book.
    let c = book();
    c.app.apply_ops(&a.app.outbox(0, 100_000).unwrap()).unwrap();
    c.app.apply_ops(&b.app.outbox(0, 100_000).unwrap()).unwrap();
    assert_eq!(a.app.canonical_dump().unwrap(), c.app.canonical_dump().unwrap());
}

#[test]
fn imported_records_are_found_by_a_word_at_once_and_counted_as_waiting_to_sync() {
    let a = book();
    import_files(&a);
    let hits = a.app.search("Last137", &[EntityKind::Contact], 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].title, "First137 Last137");
    assert_eq!(a.app.search("Company 12", &[EntityKind::Account], 10).unwrap()[0].title, "Company 12");
    assert_eq!(a.app.waiting_changes().unwrap(), 250 + 19);
}

#[test]
fn undoing_a_bulk_import_trashes_every_record_it_created() {
    let a = book();
    let report = import_files(&a);
    let undo = a.app.imports().undo(report.batch.unwrap()).unwrap();
    assert_eq!((undo.trashed, undo.reverted), (250, 0));
    assert_eq!(a.app.contacts().count(&ListQuery::default()).unwrap(), 0);
    assert_eq!(a.app.accounts().count(&ListQuery::default()).unwrap(), 0);
    assert!(a.app.search("Last137", &[EntityKind::Contact], 10).unwrap().is_empty());
    // The trashing syncs like any delete.
    let b = book();
    b.app.apply_ops(&a.app.outbox(0, 100_000).unwrap()).unwrap();
    assert_eq!(a.app.canonical_dump().unwrap(), b.app.canonical_dump().unwrap());
}

#[test]
fn running_a_bulk_import_again_queues_nothing() {
    let a = book();
    import_files(&a);
    let before = a.app.outbox(0, 100_000).unwrap();
    let f = files();
    let refs: Vec<(&str, &str)> = f.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let (_, report) = import(&a.app, &refs);
    assert_eq!((report.created, report.updated, report.unchanged), (0, 0, 250));
    assert_eq!(a.app.outbox(0, 100_000).unwrap(), before);
}
