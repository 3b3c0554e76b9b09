use super::{import, preview};
use crate::support::*;
use rapport_core::domain::*;
use rapport_core::io::{Action, MatchReason, System, Target};
use rapport_core::{Filter, ListQuery};

/// Salesforce Data Export files (API names, 18-character ids).
const SF_ACCOUNTS: &str = "\"Id\",\"IsDeleted\",\"Name\",\"Type\",\"ParentId\",\"BillingCity\",\"Website\",\"Industry\",\"AnnualRevenue\",\"OwnerId\"
\"0015g00000AcmeHAAR\",\"false\",\"Acme Corporation\",\"Customer - Direct\",\"\",\"Chicago\",\"https://www.acme.com/\",\"Manufacturing\",\"350000000\",\"0055g00000OwnerAAA\"
\"0015g00000AcmeEUAA\",\"false\",\"Acme Europe\",\"Customer - Channel\",\"0015g00000AcmeHAAR\",\"Berlin\",\"acme.eu\",\"Manufacturing\",\"\",\"0055g00000OwnerAAA\"
\"0015g00000GlobxAAA\",\"false\",\"Globex\",\"Prospect\",\"\",\"Springfield\",\"globex.com\",\"Energy\",\"\",\"0055g00000OwnerAAA\"
";
const SF_CONTACTS: &str = "Id,AccountId,FirstName,LastName,Title,Email,Phone,MobilePhone,ReportsToId,Birthdate
0035g00000Ana00AAA,0015g00000AcmeHAAR,Ana,Nowak,VP Operations,Ana.Nowak@Acme.com,+1 312 555 0100,,0035g00000Bob00AAA,
0035g00000Bob00AAA,0015g00000AcmeHAAR,Bob,Smith,COO,bob@acme.com,,+1 312 555 0199,,1970-05-01
0035g00000Cat00AAA,0015g00000GlobxAAA,Cat,Lee,Buyer,cat@globex.com,,,,
";
/// A Salesforce opportunity *report* (labels, 15-character ids, US dates).
const SF_OPPS: &str = "Opportunity ID,Opportunity Name,Account ID,Account Name,Stage,Amount,Close Date,Probability (%),Type,Next Step
0065g00000Opp01,Acme platform renewal,0015g00000AcmeH,Acme Corporation,Negotiation/Review,\"$120,000.00\",3/31/2027,75,Existing Customer - Upgrade,Send MSA
0065g00000Opp02,Globex pilot,0015g00000GlobxA,Globex,Prospecting,\"15,000\",12/15/2026,10%,New Customer,
0065g00000Opp03,Broken deal,0015g00000GlobxA,Globex,Prospecting,twelve,12/15/2026,10,New Customer,
0065g00000Opp04,Bad date deal,0015g00000GlobxA,Globex,Prospecting,100,someday,10,New Customer,
";

fn sf_files() -> Vec<(&'static str, &'static str)> {
    // Given in the "wrong" order: the contacts' AccountIds still resolve.
    vec![("Contact.csv", SF_CONTACTS), ("Opportunity report.csv", SF_OPPS), ("Account.csv", SF_ACCOUNTS)]
}

#[test]
fn salesforce_exports_are_recognised_and_mapped_without_questions() {
    let b = book();
    let (tables, p) = preview(&b.app, &sf_files());
    let kinds: Vec<_> = tables.iter().map(|(_, m)| (m.system, m.kind)).collect();
    assert_eq!(kinds, [(System::Salesforce, EntityKind::Contact), (System::Salesforce, EntityKind::Opportunity), (System::Salesforce, EntityKind::Account)]);
    let opp_map = &tables[1].1;
    let target = |col: &str| opp_map.columns.iter().find(|c| c.column == col).map(|c| c.target);
    assert_eq!(target("Opportunity Name"), Some(Target::Name));
    assert_eq!(target("Account ID"), Some(Target::AccountRef));
    assert_eq!(target("Type"), Some(Target::OppType));
    // Accounts are planned first so the others can link to them.
    assert_eq!(p.files.iter().map(|f| f.recognised_as.as_str()).collect::<Vec<_>>(), ["Salesforce accounts", "Salesforce contacts", "Salesforce opportunitys"]);
    let opps = &p.files[2];
    let errors: Vec<(usize, Option<&str>)> = opps.errors.iter().map(|e| (e.line, e.field.as_deref())).collect();
    assert_eq!(errors, [(4, Some("amount_cents")), (5, Some("close_date"))]);
    assert!(p.files.iter().flat_map(|f| &f.rows).all(|r| r.action == Action::Create && r.warnings.is_empty()), "{p:#?}");
}

#[test]
fn a_salesforce_import_links_accounts_contacts_managers_and_deals_and_reaches_the_outbox() {
    let b = book();
    let (_, report) = import(&b.app, &sf_files());
    assert_eq!((report.created, report.updated), (3 + 3 + 2, 0));
    assert_eq!(report.errors.len(), 2);
    assert_eq!(report.errors[0].file, "Opportunity report.csv");

    let acme = &b.app.accounts().list(&ListQuery::default().filter(Filter::eq("name", "Acme Corporation"))).unwrap().items[0];
    assert_eq!(acme.data.domain.as_deref(), Some("acme.com"));
    assert_eq!(acme.data.lifecycle, Lifecycle::Customer);
    assert_eq!(acme.data.source_ref.as_deref(), Some("salesforce:0015g00000AcmeH"));
    let eu = &b.app.accounts().list(&ListQuery::default().filter(Filter::eq("name", "Acme Europe"))).unwrap().items[0];
    assert_eq!(eu.data.parent_id, Some(acme.id));

    let contacts = b.app.contacts().list(&ListQuery::default().sort_by("first_name", false)).unwrap().items;
    let (ana, bob) = (&contacts[0], &contacts[1]);
    assert_eq!(ana.data.email.as_deref(), Some("ana.nowak@acme.com"));
    assert_eq!(ana.data.account_id, Some(acme.id));
    // Ana's manager comes after her in the file.
    assert_eq!(ana.data.reports_to, Some(bob.id));
    assert_eq!(bob.data.phone.as_deref(), Some("+1 312 555 0199"));
    assert_eq!(bob.data.birthday, chrono::NaiveDate::from_ymd_opt(1970, 5, 1));

    let opps = b.app.opportunities().list(&ListQuery::default().sort_by("name", false)).unwrap().items;
    let renewal = &opps[0].data;
    assert_eq!((renewal.name.as_str(), renewal.account_id), ("Acme platform renewal", Some(acme.id)));
    assert_eq!((renewal.kind, renewal.stage.as_str(), renewal.amount_cents), (OppKind::Upsell, "Negotiate", 12_000_000));
    assert_eq!(renewal.close_date, chrono::NaiveDate::from_ymd_opt(2027, 3, 31));
    assert_eq!((opps[1].data.stage.as_str(), opps[1].data.probability, opps[1].data.kind), ("Qualify", Some(10), OppKind::NewBusiness));

    let ops = b.app.outbox(0, 1_000).unwrap();
    assert_eq!(ops.iter().filter(|o| o.table == "contact").count(), 3 + 1, "three creates and Ana's manager link");
    assert_eq!(b.app.imports().batches().unwrap().len(), 1);
}

#[test]
fn running_the_same_import_again_changes_nothing() {
    let b = book();
    import(&b.app, &sf_files());
    let ops_before = b.app.outbox(0, 10_000).unwrap().len();
    let dump_before = b.app.canonical_dump().unwrap();
    let (p, report) = import(&b.app, &sf_files());
    assert!(p.files.iter().flat_map(|f| &f.rows).all(|r| r.action == Action::Unchanged), "{p:#?}");
    assert_eq!((report.created, report.updated, report.unchanged), (0, 0, 8));
    assert_eq!(b.app.outbox(0, 10_000).unwrap().len(), ops_before);
    assert_eq!(b.app.canonical_dump().unwrap(), dump_before);
}

#[test]
fn rows_matching_the_book_say_why_and_the_user_chooses_update_skip_or_create() {
    let b = book();
    let existing = b.app.accounts().create(Account { name: "ACME Corp.".into(), domain: Some("acme.com".into()), ..Default::default() }).unwrap();
    let globex = account(&b.app, "Globex, Inc.");
    let ana = contact(&b.app, &existing, "Ana", "Nowak", None);
    let mut ad = ana.data.clone();
    ad.email = Some("ana.nowak@acme.com".into());
    ad.title = Some("Director".into());
    b.app.contacts().update(ana.id, ad).unwrap();

    let (_, mut p) = preview(&b.app, &[("Account.csv", SF_ACCOUNTS), ("Contact.csv", SF_CONTACTS)]);
    let accounts = &p.files[0].rows;
    let m = accounts[0].matched.as_ref().unwrap();
    assert_eq!((m.id, m.reason, accounts[0].action), (existing.id, MatchReason::SameDomain, Action::Update));
    let m = accounts[2].matched.as_ref().unwrap();
    assert_eq!((m.id, m.reason), (globex.id, MatchReason::SameName));
    let m = p.files[1].rows[0].matched.as_ref().unwrap();
    assert_eq!((m.id, m.reason), (ana.id, MatchReason::SameEmail));

    // The user keeps their own Globex and imports Ana's new title.
    p.files[0].rows[2].action = Action::Skip;
    let report = b.app.imports().commit(&p, &mut |_| {}).unwrap();
    assert_eq!((report.created, report.updated, report.skipped), (1 + 2, 1 + 1, 1));
    assert_eq!(b.app.contacts().get(ana.id).unwrap().data.title.as_deref(), Some("VP Operations"));
    assert_eq!(b.app.accounts().get(globex.id).unwrap().data.source_ref, None);
    // Cat's AccountId points to the skipped Globex row: she imports without an account.
    let cat = &b.app.contacts().list(&ListQuery::default().filter(Filter::eq("first_name", "Cat"))).unwrap().items[0];
    assert_eq!(cat.data.account_id, None);
}

#[test]
fn undoing_an_import_trashes_what_it_created_and_restores_what_it_changed() {
    let b = book();
    let acme = b.app.accounts().create(Account { name: "Acme".into(), domain: Some("acme.com".into()), industry: Some("Robots".into()), ..Default::default() }).unwrap();
    let (_, report) = import(&b.app, &[("Account.csv", SF_ACCOUNTS)]);
    assert_eq!((report.created, report.updated), (2, 1));
    assert_eq!(b.app.accounts().get(acme.id).unwrap().data.industry.as_deref(), Some("Manufacturing"));

    let undo = b.app.imports().undo(report.batch.unwrap()).unwrap();
    assert_eq!((undo.trashed, undo.reverted), (2, 1));
    let after = b.app.accounts().get(acme.id).unwrap().data;
    assert_eq!((after.industry.as_deref(), after.source_ref.as_deref()), (Some("Robots"), None));
    let alive = b.app.accounts().list(&ListQuery::default()).unwrap().items;
    assert_eq!(alive.len(), 1);
    let e = b.app.imports().undo(report.batch.unwrap()).unwrap_err();
    assert_eq!(e.code(), "conflict");
    assert!(b.app.imports().batches().unwrap()[0].undone_at.is_some());
}

const HS_COMPANIES: &str = "Record ID,Company name,Company Domain Name,Industry,Lifecycle Stage,Company owner
5001,Initech,initech.com,COMPUTER_SOFTWARE,customer,Jane Rep
5002,Hooli,hooli.xyz,INTERNET,lead,Jane Rep
";
const HS_CONTACTS: &str = "Record ID,First Name,Last Name,Email,Job Title,Phone Number,Lifecycle Stage,Associated Company IDs,Associated Company
901,Peter,Gibbons,peter@initech.com,Engineer,,customer,5001,Initech
902,Gavin,Belson,gavin@hooli.xyz,CEO,,lead,,Hooli
903,,,nobody@nowhere.com,,,lead,,
";
const HS_DEALS: &str = "Record ID,Deal Name,Deal Stage,Amount,Close Date,Pipeline,Deal Type,Associated Company
7001,Initech expansion,contractsent,4500.50,2026-12-20 17:00,Sales Pipeline,existingbusiness,Initech
7002,Hooli lost,closedlost,9000,2026-10-01,Sales Pipeline,newbusiness,Hooli
";

#[test]
fn hubspot_exports_link_by_record_id_or_company_name() {
    let b = book();
    let (p, report) = import(&b.app, &[("hubspot-crm-exports-all-deals.csv", HS_DEALS), ("contacts.csv", HS_CONTACTS), ("companies.csv", HS_COMPANIES)]);
    assert!(p.files.iter().all(|f| f.mapping.system == System::Hubspot));
    assert_eq!(report.created, 2 + 2 + 2);
    assert_eq!(report.errors.len(), 1);
    assert_eq!((report.errors[0].error.line, report.errors[0].error.field.as_deref()), (4, Some("last_name")));
    let initech = &b.app.accounts().list(&ListQuery::default().filter(Filter::eq("name", "Initech"))).unwrap().items[0];
    assert_eq!((initech.data.lifecycle, initech.data.owner.as_deref()), (Lifecycle::Customer, Some("Jane Rep")));
    assert_eq!(initech.data.source_ref.as_deref(), Some("hubspot:company:5001"));
    let gavin = &b.app.contacts().list(&ListQuery::default().filter(Filter::eq("first_name", "Gavin"))).unwrap().items[0];
    let hooli = &b.app.accounts().list(&ListQuery::default().filter(Filter::eq("name", "Hooli"))).unwrap().items[0];
    assert_eq!(gavin.data.account_id, Some(hooli.id));
    let deals = b.app.opportunities().list(&ListQuery::default().sort_by("name", false)).unwrap().items;
    assert_eq!((deals[0].data.stage.as_str(), deals[0].data.amount_cents, deals[0].data.kind), ("Closed Lost", 900_000, OppKind::NewBusiness));
    assert!(deals[0].data.lost_reason.is_some());
    assert_eq!((deals[1].data.stage.as_str(), deals[1].data.amount_cents, deals[1].data.kind), ("Negotiate", 450_050, OppKind::Upsell));
    assert_eq!(deals[1].data.account_id, Some(initech.id));
}

#[test]
fn a_hand_made_sheet_gets_a_guessed_mapping_that_can_be_saved_for_next_time() {
    let b = book();
    let sheet = "Person,Mail,Firm,Role\nMaria Rossi,maria@ferrari.it,Ferrari,Buyer\n";
    let im = b.app.imports();
    let t = im.read("zoho.csv", sheet.as_bytes()).unwrap();
    let mut m = im.recognise(&t).unwrap();
    assert_eq!(m.system, System::Other);
    // The email column is recognised from its cells; the user names the rest.
    assert_eq!(m.kind, EntityKind::Account);
    m.kind = EntityKind::Contact;
    m.columns = rapport_core::io::source::mapping_for(&t, System::Other, EntityKind::Contact).columns;
    assert_eq!(m.columns[1].target, Target::Email);
    m.columns[0].target = Target::FullName;
    m.columns[2].target = Target::AccountName;
    m.columns[3].target = Target::Title;
    im.save_mapping("Zoho contacts", &m).unwrap();

    let again = im.recognise(&im.read("zoho-2.csv", sheet.as_bytes()).unwrap()).unwrap();
    assert_eq!(again.name.as_deref(), Some("Zoho contacts"));
    assert_eq!(again.columns[0].target, Target::FullName);
    let p = im.preview(&[(t, again)]).unwrap();
    let row = &p.files[0].rows[0];
    assert_eq!(row.label, "Maria Rossi <maria@ferrari.it>");
    assert_eq!(row.warnings, ["no account named 'Ferrari' in the book or in this import"]);
    let r = im.commit(&p, &mut |_| {}).unwrap();
    assert_eq!(r.created, 1);
}

#[test]
fn commit_reports_progress_up_to_the_total() {
    let b = book();
    let mut csv = String::from("Id,LastName,Email\n");
    for i in 0..2_500 {
        csv.push_str(&format!("0035g0000{i:06},Person{i},p{i}@example.com\n"));
    }
    let (_, p) = preview(&b.app, &[("Contact.csv", &csv)]);
    let mut seen = Vec::new();
    let r = b.app.imports().commit(&p, &mut |pr| seen.push(pr.done)).unwrap();
    assert_eq!(r.created, 2_500);
    assert_eq!(seen, [1_000, 2_000, 2_500]);
}

#[test]
fn a_reporting_loop_in_the_file_is_reported_on_its_line_and_undo_restores_old_managers() {
    let b = book();
    let acme = account(&b.app, "Acme");
    let boss = contact(&b.app, &acme, "Old", "Boss", None);
    let mut d = contact(&b.app, &acme, "Ana", "Nowak", None);
    d.data.reports_to = Some(boss.id);
    b.app.contacts().update(d.id, d.data.clone()).unwrap();
    // Ana (matched by email) now reports to Zed, who comes later; Zed and Yan report to each other.
    let csv = "Id,LastName,FirstName,Email,ReportsToId
0035g00000Ana00AAA,Nowak,Ana,ana.nowak@example.com,0035g00000Zed00AAA
0035g00000Zed00AAA,Zed,Zoe,zed@acme.com,0035g00000Yan00AAA
0035g00000Yan00AAA,Yan,Yo,yan@acme.com,0035g00000Zed00AAA
";
    let (_, r) = import(&b.app, &[("Contact.csv", csv)]);
    assert_eq!((r.created, r.updated), (2, 1), "{r:?}");
    assert_eq!(r.errors.len(), 1, "{r:?}");
    assert_eq!((r.errors[0].file.as_str(), r.errors[0].error.line, r.errors[0].error.field.as_deref()), ("Contact.csv", 3, Some("reports_to")));
    let zed = &b.app.contacts().list(&ListQuery::default().filter(Filter::eq("last_name", "Zed"))).unwrap().items[0];
    assert_eq!(b.app.contacts().get(d.id).unwrap().data.reports_to, Some(zed.id));
    b.app.imports().undo(r.batch.unwrap()).unwrap();
    assert_eq!(b.app.contacts().get(d.id).unwrap().data.reports_to, Some(boss.id));
}
