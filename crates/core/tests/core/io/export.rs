use crate::support::*;
use calamine::{Data, Reader, Xlsx};
use rapport_core::domain::*;
use rapport_core::io::export::Format;
use rapport_core::{EntityKind, ListQuery};

fn xlsx_sheet(bytes: &[u8]) -> (calamine::Range<Data>, calamine::Range<String>) {
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = wb.sheet_names()[0].clone();
    (wb.worksheet_range(&name).unwrap(), wb.worksheet_formula(&name).unwrap())
}

fn with_deal(b: &TestBook) -> Record<Account> {
    let acme = account(&b.app, "=HYPERLINK(\"http://evil.example/steal\",\"Click\")");
    b.app
        .opportunities()
        .create(Opportunity {
            account_id: Some(acme.id),
            name: "+1 seat upgrade".into(),
            amount_cents: 123_456,
            stage: "Propose".into(),
            close_date: chrono::NaiveDate::from_ymd_opt(2027, 3, 31),
            next_step: Some("@CFO sign-off".into()),
            ..Default::default()
        })
        .unwrap();
    acme
}

#[test]
fn csv_exports_neutralise_formulas_and_write_the_users_locale() {
    let b = book();
    with_deal(&b);
    let out = b.app.exports().list(EntityKind::Opportunity, &ListQuery::default(), Format::Csv).unwrap();
    assert_eq!(out.file_name, "opportunities.csv");
    let text = String::from_utf8(out.bytes).unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(text.contains("'+1 seat upgrade") && text.contains("'@CFO sign-off"), "{text}");
    assert!(text.contains("\"1,234.56\"") && text.contains("03/31/2027"), "{text}");

    let mut s = b.app.settings();
    s.language = "it".into();
    b.app.update_settings(s).unwrap();
    let text = String::from_utf8(b.app.exports().list(EntityKind::Opportunity, &ListQuery::default(), Format::Csv).unwrap().bytes).unwrap();
    let header = text.lines().next().unwrap();
    assert!(header.contains("Account;Name;Kind"), "{header}");
    assert!(text.contains(";1.234,56;") && text.contains("31/03/2027"), "{text}");
}

#[test]
fn xlsx_exports_type_their_cells_and_never_write_formulas() {
    let b = book();
    with_deal(&b);
    let out = b.app.exports().list(EntityKind::Opportunity, &ListQuery::default(), Format::Xlsx).unwrap();
    let (values, formulas) = xlsx_sheet(&out.bytes);
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no cell is a formula");
    let headers: Vec<String> = values.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let col = |h: &str| headers.iter().position(|x| x == h).unwrap();
    let row = values.rows().nth(1).unwrap();
    assert_eq!(row[col("Account")], Data::String("=HYPERLINK(\"http://evil.example/steal\",\"Click\")".into()));
    assert_eq!(row[col("Amount")], Data::Float(1234.56));
    match &row[col("Close date")] {
        Data::DateTime(d) => assert_eq!(d.as_datetime().unwrap().date(), chrono::NaiveDate::from_ymd_opt(2027, 3, 31).unwrap()),
        other => panic!("close date should be a date cell, was {other:?}"),
    }
}

#[test]
fn every_list_exports_to_both_formats() {
    let b = book();
    let acme = with_deal(&b);
    let ana = contact(&b.app, &acme, "Ana", "Nowak", None);
    b.app.tasks().create(Task { title: "Send deck".into(), account_id: Some(acme.id), ..Default::default() }).unwrap();
    b.app.gifts().create(Gift { date: chrono::NaiveDate::from_ymd_opt(2026, 5, 1), recipient_id: Some(ana.id), description: "Book".into(), value_cents: 4_000, ..Default::default() }).unwrap();
    for kind in [EntityKind::Account, EntityKind::Contact, EntityKind::Opportunity, EntityKind::Task, EntityKind::Gift] {
        for format in [Format::Csv, Format::Xlsx] {
            let out = b.app.exports().list(kind, &ListQuery::default(), format).unwrap();
            assert!(!out.bytes.is_empty(), "{kind:?} {format:?}");
        }
        let csv = String::from_utf8(b.app.exports().list(kind, &ListQuery::default(), Format::Csv).unwrap().bytes).unwrap();
        assert_eq!(csv.lines().count(), 2, "{kind:?}: a header and one record\n{csv}");
    }
    let contacts = String::from_utf8(b.app.exports().list(EntityKind::Contact, &ListQuery::default(), Format::Csv).unwrap().bytes).unwrap();
    assert!(contacts.contains("'=HYPERLINK"), "the account is shown by its (neutralised) name");
    let found = String::from_utf8(b.app.exports().search("Ana", &[], 10, Format::Csv).unwrap().bytes).unwrap();
    assert!(found.contains("Ana Nowak"), "{found}");
}

#[test]
fn the_gift_ledger_shows_each_recipients_period_total_against_the_cap() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let ana = contact(&b.app, &acme, "Ana", "Nowak", None);
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d);
    for (date, what, cents, kind) in [(day(2, 1), "Wine", 6_000, GiftKind::Gift), (day(9, 1), "Tickets", 7_000, GiftKind::Gift), (day(10, 1), "Dinner", 20_000, GiftKind::Entertainment)] {
        b.app.gifts().create(Gift { date, recipient_id: Some(ana.id), description: what.into(), value_cents: cents, kind, ..Default::default() }).unwrap();
    }
    let out = b.app.exports().gift_ledger(Format::Csv).unwrap();
    let text = String::from_utf8(out.bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0].trim_start_matches('\u{feff}'), "Recipient,Firm,Date,Description,Kind,Value,Currency,Period start,Period end,Period total,Cap,Over cap");
    assert_eq!(lines[1], "Ana Nowak,Acme,02/01/2026,Wine,gift,60.00,USD,01/01/2026,12/31/2026,130.00,100.00,yes");
    assert!(lines[3].contains("Dinner,entertainment,200.00"), "{}", lines[3]);
    let (values, _) = xlsx_sheet(&b.app.exports().gift_ledger(Format::Xlsx).unwrap().bytes);
    assert_eq!(values.rows().nth(1).unwrap()[9], Data::Float(130.0));
}

#[test]
fn a_meeting_brief_exports_as_markdown() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let start = b.app.now() + chrono::Duration::days(1);
    let m = b.app.meetings().create(Meeting { title: "QBR with Acme".into(), starts_at: start, ends_at: start + chrono::Duration::hours(1), account_id: Some(acme.id), ..Default::default() }).unwrap();
    let out = b.app.exports().meeting_brief(m.id).unwrap();
    assert_eq!(out.file_name, "meeting-brief.md");
    let md = String::from_utf8(out.bytes).unwrap();
    assert!(md.starts_with('#') && md.contains("QBR with Acme"), "{md}");
}

#[test]
fn formula_like_cells_import_as_plain_text_and_round_trip_through_an_export() {
    let b = book();
    let csv = "Name,Website\n\"=HYPERLINK(\"\"http://evil.example\"\",\"\"Click\"\")\",evil.example\n@SUM(A1:A9),sum.example\n";
    let (_, r) = super::import(&b.app, &[("accounts.csv", csv)]);
    assert_eq!(r.created, 2, "{r:?}");
    let names = |app: &rapport_core::App| -> Vec<String> {
        app.accounts().list(&ListQuery::default().sort_by("name", false)).unwrap().items.into_iter().map(|a| a.data.name).collect()
    };
    assert_eq!(names(&b.app), ["=HYPERLINK(\"http://evil.example\",\"Click\")", "@SUM(A1:A9)"]);
    let exported = b.app.exports().list(EntityKind::Account, &ListQuery::default(), Format::Csv).unwrap();
    let text = String::from_utf8(exported.bytes.clone()).unwrap();
    assert!(text.contains("'=HYPERLINK") && text.contains("'@SUM"), "{text}");
    // The exported file imports into another book with the names as they were.
    let other = book();
    let im = other.app.imports();
    let t = im.read("accounts.csv", &exported.bytes).unwrap();
    let mut m = im.recognise(&t).unwrap();
    m.kind = EntityKind::Account;
    let p = im.preview(&[(t, m)]).unwrap();
    im.commit(&p, &mut |_| {}).unwrap();
    assert_eq!(names(&other.app), names(&b.app));
}
