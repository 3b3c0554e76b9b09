//! The import wizard and list export on the real app: a Salesforce Account + Contact export
//! pair (one contact with a bad birthday) dropped on the wizard, previewed with the error's
//! line, imported, found by search, the accounts list exported to CSV, the batch undone.

use crate::harness::{self, tid, Book};
use crate::webdriver::Session;
use serde_json::json;

const ACCOUNTS: &str = "Id,Name,Type,Industry,Website,BillingCity,OwnerId\r\n\
001A000001AbcDeAAA,Acme Robotics,Customer,Manufacturing,https://acme-robotics.example,Austin,005A0000001\r\n\
001A000001AbcDfAAA,\"Borealis Freight, Inc.\",Prospect,Logistics,borealis.example,Oslo,005A0000001\r\n";

/// Line 3 has a birthday that is not a date.
const CONTACTS: &str = "Id,AccountId,FirstName,LastName,Title,Email,Birthdate,MobilePhone\r\n\
003A000001XyZaaAAA,001A000001AbcDeAAA,Ana,Nowak,CFO,ana.nowak@acme-robotics.example,1980-04-02,+1 512 555 0100\r\n\
003A000001XyZabAAA,001A000001AbcDfAAA,Lars,Berg,Head of Ops,lars@borealis.example,31/31/1975,\r\n\
003A000001XyZacAAA,001A000001AbcDeAAA,Mia,Quist,Buyer,mia@acme-robotics.example,,\r\n";

/// Drops files on the wizard's drop zone as a user's drag from the file manager would.
fn drop_files(s: &Session<'_>, files: &[(&str, &str)]) {
    let files: Vec<_> = files.iter().map(|(name, text)| json!([name, text])).collect();
    s.execute(
        "const [files] = arguments; const dt = new DataTransfer(); \
         for (const [name, text] of files) dt.items.add(new File([text], name, {type: 'text/csv'})); \
         const zone = document.querySelector('[data-testid=import-drop]'); \
         let ev; try { ev = new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt}); } catch (e) { ev = new Event('drop', {bubbles: true, cancelable: true}); } \
         if (!ev.dataTransfer) Object.defineProperty(ev, 'dataTransfer', {value: dt}); \
         zone.dispatchEvent(ev);",
        vec![json!(files)],
    )
    .unwrap();
}

/// Clicks `css` once the screen has stopped re-rendering it (a list that loads replaces its
/// empty state, and a reference to the old node goes stale).
fn click_settled(s: &Session<'_>, css: &str) {
    let mut last = String::new();
    for _ in 0..20 {
        match s.wait(css).and_then(|e| s.click(&e)) {
            Ok(()) => return,
            Err(e) => last = e,
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    panic!("cannot click {css}: {last}");
}

fn count(s: &Session<'_>, id: &str) -> i64 {
    let e = s.wait(&tid(id)).unwrap();
    s.attr(&e, "data-count").unwrap().unwrap_or_default().parse().unwrap_or(-1)
}

#[test]
#[ignore = "end to end: needs Xvfb and tauri-driver; run bash scripts/e2e.sh"]
fn an_ae_imports_a_salesforce_export_finds_a_contact_exports_the_accounts_and_undoes_the_import() {
    let exports = tempfile::tempdir().unwrap();
    // The app saves exports here instead of asking (a native dialog is out of WebDriver's reach).
    std::env::set_var("RAPPORT_EXPORT_DIR", exports.path());
    let book = Book::empty();
    std::env::remove_var("RAPPORT_EXPORT_DIR");
    let s = book.launch();
    let mut problems = Vec::new();

    // The empty book offers the import from its empty states.
    s.go("/accounts").unwrap();
    harness::wait_for_screen(&s, "accounts");
    click_settled(&s, &tid("empty-import"));
    harness::wait_for_screen(&s, "import");
    book.screenshot(&s, "import");
    problems.extend(harness::axe(&s).into_iter().map(|v| format!("import, files: {v}")));

    // Both files are recognised as Salesforce exports.
    drop_files(&s, &[("Account.csv", ACCOUNTS), ("Contact.csv", CONTACTS)]);
    let kinds = s
        .wait_until(
            "two recognised files",
            "const r = [...document.querySelectorAll('[data-testid=import-recognised]')].map(e => `${e.dataset.by} ${e.dataset.kind}`); \
             return r.length === 2 ? r : null;",
            vec![],
        )
        .unwrap();
    assert_eq!(kinds, json!(["salesforce account", "salesforce contact"]));

    // The preview: what will be created, and the bad date with its file and line.
    s.click(&s.wait(&tid("import-preview")).unwrap()).unwrap();
    s.wait(&tid("import-preview-panel")).unwrap();
    assert_eq!(count(&s, "import-count-create"), 4, "two accounts and the two good contacts");
    assert_eq!(count(&s, "import-count-errors"), 1);
    let errors = s
        .execute(
            "return [...document.querySelectorAll('[data-testid=import-row-error]')].map(e => [e.dataset.line, e.dataset.field, e.innerText]);",
            vec![],
        )
        .unwrap();
    let errors: Vec<(String, String, String)> = serde_json::from_value(errors).unwrap();
    assert_eq!(errors.len(), 1, "one row error: {errors:?}");
    let (line, field, text) = &errors[0];
    assert_eq!((line.as_str(), field.as_str()), ("3", "birthday"), "{errors:?}");
    assert!(text.contains("Contact.csv") && text.contains('3'), "the error names its file and line: {text:?}");
    book.screenshot(&s, "import-preview");
    problems.extend(harness::axe(&s).into_iter().map(|v| format!("import, preview: {v}")));

    // Import.
    s.click(&s.wait(&tid("import-commit")).unwrap()).unwrap();
    s.wait(&tid("import-result")).unwrap();
    assert_eq!(count(&s, "import-created"), 4);
    book.screenshot(&s, "import-result");
    problems.extend(harness::axe(&s).into_iter().map(|v| format!("import, result: {v}")));

    // An imported contact is found by search, under her account.
    s.go("/search").unwrap();
    s.fill(&s.wait(&tid("search-input")).unwrap(), "Nowak").unwrap();
    let hit = s.wait("[data-testid^=search-hit-]").unwrap();
    assert!(s.text(&hit).unwrap().contains("Ana Nowak"));

    // The accounts list to CSV: a file with both accounts, the comma in a name quoted.
    s.go("/accounts").unwrap();
    harness::wait_for_screen(&s, "accounts");
    s.wait("[data-testid^=account-row-]").unwrap();
    click_settled(&s, &tid("accounts-export"));
    click_settled(&s, &tid("accounts-export-csv"));
    let saved = exports.path().join("accounts.csv");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !saved.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let csv = std::fs::read_to_string(&saved).unwrap_or_else(|e| panic!("{}: {e}", saved.display()));
    let csv = csv.trim_start_matches('\u{feff}');
    let header = csv.lines().next().unwrap_or_default();
    assert!(header.to_lowercase().contains("name"), "a header row: {header:?}");
    assert_eq!(csv.lines().count(), 3, "a header and the two accounts:\n{csv}");
    assert!(csv.contains("Acme Robotics") && csv.contains("\"Borealis Freight, Inc.\""), "{csv}");
    let toast = s.wait(&tid("toast")).unwrap();
    assert!(s.text(&toast).unwrap().contains("accounts.csv"), "the user is told where it went");

    // Undo the batch: the imported people are gone from search.
    s.go("/import").unwrap();
    harness::wait_for_screen(&s, "import");
    click_settled(&s, &tid("import-batch-undo"));
    s.wait("[data-testid=import-batch][data-undone=true]").unwrap();
    s.go("/search?q=Nowak").unwrap();
    s.wait_until(
        "no search hit for the undone contact",
        "return location.hash.startsWith('#/search') && !document.querySelector('[data-testid^=search-hit-]') && !!document.querySelector('.empty');",
        vec![],
    )
    .unwrap();
    assert!(harness::invoke(&s, "contact_list", json!({"query": {}}))["items"].as_array().unwrap().is_empty());

    assert!(problems.is_empty(), "serious or critical accessibility violations:\n{}", problems.join("\n"));
}
