//! `import`: a generated Salesforce-style export (an Account file of 2,000 rows and a Contact
//! file of 100,000 rows whose AccountIds point into it), imported end to end: read, recognise,
//! preview (dedupe against the book), commit through the write path (outbox included).
//!
//! The Account file is imported first, untimed; `csv_rows_per_s` times the Contact file alone,
//! so every contact resolves its AccountId against accounts already in the book.
//! `xlsx_rows_per_s` times the same contacts as an .xlsx workbook into a fresh book holding the
//! same accounts.

use super::{open, remove_book, target_dir, Report};
use anyhow::{anyhow, Result};
use chrono::{TimeZone, Utc};
use rapport_core::App;
use serde_json::json;
use std::time::Instant;

const ACCOUNTS: usize = 2_000;

fn sf_id(prefix: &str, i: usize) -> String {
    // 18-character Salesforce ids, as Data Export writes them.
    format!("{prefix}5g0000{i:06}AAA")
}

fn accounts_csv() -> String {
    let mut s = String::from("Id,IsDeleted,Name,Type,Website,Industry,BillingCity\n");
    for i in 0..ACCOUNTS {
        s.push_str(&format!("{},false,Company {i},Customer - Direct,https://company{i}.example.com,Manufacturing,City {}\n", sf_id("001", i), i % 50));
    }
    s
}

fn contact_row(i: usize) -> [String; 8] {
    [
        sf_id("003", i),
        sf_id("001", i % ACCOUNTS),
        format!("First{i}"),
        format!("Last{i}"),
        "Director of Operations".into(),
        format!("person{i}@company{}.example.com", i % ACCOUNTS),
        format!("+1 312 555 {:04}", i % 10_000),
        if i.is_multiple_of(10) || i < 10 { String::new() } else { sf_id("003", i - i % 10) },
    ]
}

const CONTACT_HEADERS: [&str; 8] = ["Id", "AccountId", "FirstName", "LastName", "Title", "Email", "Phone", "ReportsToId"];

fn contacts_csv(n: usize) -> String {
    let mut s = CONTACT_HEADERS.join(",");
    s.push('\n');
    for i in 0..n {
        s.push_str(&contact_row(i).join(","));
        s.push('\n');
    }
    s
}

fn contacts_xlsx(n: usize) -> Result<Vec<u8>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in CONTACT_HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    for i in 0..n {
        for (c, v) in contact_row(i).iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(i as u32 + 1, c as u16, v)?;
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}

fn book_with_accounts(name: &str) -> Result<(App, std::path::PathBuf)> {
    let dir = target_dir().join("bench-data");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(name);
    remove_book(&path)?;
    let app = open(&path, Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).single().ok_or_else(|| anyhow!("date"))?)?;
    let im = app.imports();
    let t = im.read("Account.csv", accounts_csv().as_bytes())?;
    let m = im.recognise(&t)?;
    let p = im.preview(&[(t, m)])?;
    let r = im.commit(&p, &mut |_| {})?;
    if r.created != ACCOUNTS {
        return Err(anyhow!("expected {ACCOUNTS} accounts, created {}", r.created));
    }
    Ok((app, path))
}

/// CPU seconds this process has used (user + system), where the OS tells (Linux): on a
/// machine shared with other builds, what a phase cost whatever the wall clock says.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses): utime and stime are 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Imports one file end to end; returns rows per second and what the phases took.
fn import_once(app: &App, name: &str, bytes: &[u8], rows: usize) -> Result<(f64, serde_json::Value)> {
    let im = app.imports();
    let cpu = || cpu_seconds().unwrap_or(f64::NAN);
    let (t0, c0) = (Instant::now(), cpu());
    let table = im.read(name, bytes)?;
    let (t_read, c_read) = (t0.elapsed().as_secs_f64(), cpu());
    let mapping = im.recognise(&table)?;
    let preview = im.preview(&[(table, mapping)])?;
    let (t_plan, c_plan) = (t0.elapsed().as_secs_f64() - t_read, cpu());
    let report = im.commit(&preview, &mut |_| {})?;
    let (total, c_end) = (t0.elapsed().as_secs_f64(), cpu());
    if report.created != rows {
        return Err(anyhow!("expected {rows} contacts, created {} ({} errors, first: {:?})", report.created, report.errors.len(), report.errors.first()));
    }
    let phases = json!({
        "read_s": round3(t_read), "plan_s": round3(t_plan), "commit_s": round3(total - t_read - t_plan), "rows": rows,
        // CPU time of the same phases (10 ms ticks; null where the OS does not say).
        "cpu_read_s": round3(c_read - c0), "cpu_plan_s": round3(c_plan - c_read), "cpu_commit_s": round3(c_end - c_plan),
    });
    Ok((rows as f64 / total, phases))
}

/// Ops applied per transaction, as a sync pull applies a page.
const APPLY_BATCH: usize = 1_000;

/// Applies `ops` (the import book's outbox: its accounts, then its contacts) to a fresh book
/// in batches of [`APPLY_BATCH`]; returns records per second and how many ops were applied.
fn apply_fresh(ops: &[rapport_core::sync::protocol::Op]) -> Result<(f64, usize)> {
    let dir = target_dir().join("bench-data");
    let path = dir.join("apply-fresh.db");
    remove_book(&path)?;
    let app = open(&path, Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).single().ok_or_else(|| anyhow!("date"))?)?;
    let t0 = Instant::now();
    for batch in ops.chunks(APPLY_BATCH) {
        app.apply_ops(batch)?;
    }
    let took = t0.elapsed().as_secs_f64();
    let n = app.contacts().count(&Default::default())? as usize + app.accounts().count(&Default::default())? as usize;
    let records = ops.iter().map(|op| op.row).collect::<std::collections::HashSet<_>>().len();
    if n != records {
        return Err(anyhow!("applied ops for {records} records but the book holds {n}"));
    }
    drop(app);
    remove_book(&path)?;
    Ok((records as f64 / took, ops.len()))
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

pub fn run(size: &str, report: &mut Report) -> Result<()> {
    let rows = match size {
        "tiny" => 5_000,
        "small" | "large" => 100_000,
        other => return Err(anyhow!("unknown size '{other}' (tiny, small)")),
    };
    let csv = contacts_csv(rows);
    let (app, path) = book_with_accounts("import-csv.db")?;
    let (rate, phases) = import_once(&app, "Contact.csv", csv.as_bytes(), rows)?;
    let ops = app.outbox(0, usize::MAX)?;
    report.add("csv_rows_per_s", rate, "rows/s", vec![("phases", phases), ("accounts_preimported", json!(ACCOUNTS)), ("outbox_nonempty", json!(!ops.is_empty()))]);
    drop(app);
    remove_book(&path)?;

    // The initial-sync case: another device's ops for records this book has never seen.
    let (rate, applied) = apply_fresh(&ops)?;
    report.add("apply_records_per_s", rate, "records/s", vec![("ops", json!(applied)), ("batch", json!(APPLY_BATCH))]);

    let xlsx = contacts_xlsx(rows)?;
    let (app, path) = book_with_accounts("import-xlsx.db")?;
    let (rate, phases) = import_once(&app, "Contact.xlsx", &xlsx, rows)?;
    report.add("xlsx_rows_per_s", rate, "rows/s", vec![("phases", phases), ("accounts_preimported", json!(ACCOUNTS))]);
    drop(app);
    remove_book(&path)?;
    Ok(())
}
