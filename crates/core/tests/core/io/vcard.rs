use crate::support::*;
use rapport_core::domain::*;
use rapport_core::{Filter, ListQuery};

/// An iPhone-style vCard 3.0: grouped properties, several emails, a folded base64 photo.
fn iphone_card() -> String {
    let photo: String = "/9j/4AAQSkZJRgABAQAAAQABAAD".repeat(20_000);
    let folded: Vec<String> = photo.as_bytes().chunks(74).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.0//EN\r\nN:Nowak;Ana;;;\r\nFN:Ana Nowak\r\nORG:Acme Corporation;Operations\r\nTITLE:VP Operations\r\nitem1.EMAIL;type=INTERNET;type=HOME:ana.home@gmail.com\r\nitem2.EMAIL;type=INTERNET;type=WORK;type=pref:Ana.Nowak@Acme.com\r\nTEL;type=CELL;type=VOICE;type=pref:+48 600 100 200\r\nitem3.URL;type=pref:https://www.linkedin.com/in/ananowak\r\nBDAY:1985-04-12\r\nNOTE:Loves sailing\\, two kids.\r\nPHOTO;ENCODING=b;TYPE=JPEG:{}\r\nEND:VCARD\r\n",
        folded.join("\r\n ")
    )
}

/// A vCard 4.0 from Google Contacts, and one with no name (refused).
const V4: &str = "BEGIN:VCARD
VERSION:4.0
FN:Bob Smith
N:Smith;Bob;;;
EMAIL;TYPE=work;PREF=1:bob@acme.com
TEL;VALUE=uri;TYPE=\"voice,work\":tel:+1-312-555-0199
UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1
END:VCARD
BEGIN:VCARD
VERSION:4.0
EMAIL:nobody@example.com
END:VCARD
";

#[test]
fn vcard_3_from_a_phone_imports_with_the_preferred_email_and_without_the_photo() {
    let b = book();
    let acme = b.app.accounts().create(Account { name: "Acme Corp".into(), domain: Some("acme.com".into()), ..Default::default() }).unwrap();
    let r = b.app.imports().vcard(iphone_card().as_bytes()).unwrap();
    assert_eq!((r.created, r.errors.len()), (1, 0), "{r:?}");
    let ana = &b.app.contacts().list(&ListQuery::default()).unwrap().items[0].data;
    assert_eq!((ana.first_name.as_str(), ana.last_name.as_str()), ("Ana", "Nowak"));
    assert_eq!(ana.email.as_deref(), Some("ana.nowak@acme.com"));
    assert_eq!(ana.phone.as_deref(), Some("+48 600 100 200"));
    assert_eq!(ana.title.as_deref(), Some("VP Operations"));
    assert_eq!(ana.account_id, Some(acme.id), "ORG 'Acme Corporation' is the book's 'Acme Corp'");
    assert_eq!(ana.linkedin_url.as_deref(), Some("https://www.linkedin.com/in/ananowak"));
    assert_eq!(ana.birthday, chrono::NaiveDate::from_ymd_opt(1985, 4, 12));
    assert_eq!(ana.personal_notes, "Loves sailing, two kids.\nOther emails: ana.home@gmail.com");
    assert!(!format!("{ana:?}").contains("/9j/"), "no photo data is kept");

    // Importing the card again changes nothing.
    let r = b.app.imports().vcard(iphone_card().as_bytes()).unwrap();
    assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 1));
}

#[test]
fn vcard_4_updates_the_contact_with_that_email_and_lists_cards_without_a_name() {
    let b = book();
    let acme = b.app.accounts().create(Account { name: "Acme".into(), domain: Some("acme.com".into()), ..Default::default() }).unwrap();
    let bob = b.app.contacts().create(Contact { first_name: "Bob".into(), last_name: "Smith".into(), email: Some("bob@acme.com".into()), ..Default::default() }).unwrap();
    let r = b.app.imports().vcard(V4.as_bytes()).unwrap();
    assert_eq!((r.created, r.updated), (0, 1), "{r:?}");
    assert_eq!(r.errors.len(), 1);
    assert_eq!((r.errors[0].line, r.errors[0].field.as_deref()), (9, Some("last_name")));
    let after = b.app.contacts().get(bob.id).unwrap().data;
    assert_eq!(after.phone.as_deref(), Some("+1-312-555-0199"));
    assert_eq!(after.account_id, Some(acme.id), "matched by the email's domain");
    assert_eq!(b.app.contacts().count(&ListQuery::default().filter(Filter::eq("last_name", "Smith"))).unwrap(), 1);
    let u = b.app.imports().undo(r.batch.unwrap()).unwrap();
    assert_eq!(u.reverted, 1);
    assert_eq!(b.app.contacts().get(bob.id).unwrap().data.phone, None);
}

#[test]
fn a_file_that_is_not_a_vcard_is_refused() {
    let b = book();
    let e = b.app.imports().vcard(b"First Name,Last Name\nAna,Nowak\n").unwrap_err();
    assert_eq!(e.field(), Some("file"));
    assert!(e.to_string().contains("BEGIN:VCARD"), "{e}");
}
