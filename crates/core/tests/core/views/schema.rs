//! Books from before the views' tables get them filled in.

use super::*;

// ---- Schema -----------------------------------------------------------------------------------

#[test]
fn a_book_from_schema_3_gets_co_ownership_from_its_existing_holdings() {
    use rapport_core::store::migrate::migrate_to;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.db");
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        let rapport_core::Key::Raw(k) = key() else { unreachable!() };
        let hex: String = k.iter().map(|b| format!("{b:02x}")).collect();
        conn.pragma_update(None, "key", format!("x'{hex}'")).unwrap();
        migrate_to(&mut conn, 3).unwrap();
        let mut sql = String::new();
        let row = |table: &str, id: u32, cols: &str, vals: &str| {
            format!("INSERT INTO {table} (id, space, cl, created_at, updated_at, {cols}) VALUES ('0190a000-0000-7000-8000-{id:012}', '0190a000-0000-7000-8000-0000000000ff', 1, 1700000000000, 1700000000000, {vals});\n")
        };
        sql += &row("products", 1, "name, active, currency", "'CRM', 1, 'USD'");
        sql += &row("products", 2, "name, active, currency", "'BI', 1, 'USD'");
        for (a, products) in [(10, vec![1, 2]), (11, vec![1, 2]), (12, vec![1])] {
            sql += &row("accounts", a, "name, tier, lifecycle, currency, competitors, tags", &format!("'Account {a}', 'B', 'customer', 'USD', '[]', '[]'"));
            for p in products {
                sql += &row("holdings", a * 100 + p, "account_id, product_id", &format!("'0190a000-0000-7000-8000-{a:012}', '0190a000-0000-7000-8000-{p:012}'"));
            }
        }
        sql += &row("notes", 99, "kind, occurred_at, account_id, contact_ids, title, body, pinned", "'call', 1795165200000, '0190a000-0000-7000-8000-000000000010', '[]', 'Call', 'Recent', 0");
        conn.execute_batch(&sql).unwrap();
    }
    let app = rapport_core::App::open(&path, key(), std::sync::Arc::new(FakeClock::at_ymd_hm(2026, 11, 23, 9, 0))).unwrap();
    let account12 = uuid::Uuid::parse_str("0190a000-0000-7000-8000-000000000012").unwrap();
    let s = app.whitespace_suggestions(account12, 5).unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!((s[0].product_name.as_str(), s[0].support, s[0].owners_of_because), ("BI", 2, 3));
    let cold: Vec<String> = app.today().unwrap().going_cold.items.into_iter().map(|c| c.name).collect();
    assert_eq!(cold, ["Account 11", "Account 12"], "Account 10 was called three days ago");
    let names: Vec<String> = app.whitespace(0, 10).unwrap().rows.into_iter().map(|r| r.account_name).collect();
    assert_eq!(names, ["Account 10", "Account 11", "Account 12"]);
}
