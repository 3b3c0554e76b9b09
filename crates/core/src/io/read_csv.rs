//! Reading CSV the way real exports come: any of `,` `;` tab `|`, quoted values with line
//! breaks, a BOM, UTF-8, UTF-16 (Excel's "Unicode text") or Windows-1252.

use super::table::{RowError, Table, Row, MAX_CELL_BYTES, MAX_FILE_BYTES, MAX_ROWS};
use crate::error::{Error, Result};

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Turns the file's bytes into text, saying which encoding it was.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str)> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok((s.to_string(), "utf-8")),
            Err(e) => Err(Error::invalid("file", format!("starts as UTF-8 but byte {} is not UTF-8; save it again as CSV UTF-8", e.valid_up_to() + 3))),
        };
    }
    for (bom, enc, name) in [(&[0xFF, 0xFE][..], encoding_rs::UTF_16LE, "utf-16le"), (&[0xFE, 0xFF][..], encoding_rs::UTF_16BE, "utf-16be")] {
        if bytes.starts_with(bom) {
            let (text, _, had_errors) = enc.decode(bytes);
            if had_errors {
                return Err(Error::invalid("file", format!("is not valid {name} text")));
            }
            return Ok((text.into_owned(), name));
        }
    }
    // Spreadsheets, PDFs and zip files hold NUL bytes; text files never do.
    if bytes.iter().take(64 * 1024).any(|b| *b == 0) {
        let what = if bytes.starts_with(b"PK") { " (it looks like an .xlsx or zip file)" } else { "" };
        return Err(Error::invalid("file", format!("is not a text file{what}; export it as CSV")));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), "utf-8")),
        // Not UTF-8: Excel on Windows saves "CSV" in the ANSI code page, Windows-1252 in the
        // West. Every byte means something there, so decoding cannot fail.
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok((text.into_owned(), "windows-1252"))
        }
    }
}

/// Picks the delimiter that splits the first lines into the most columns, consistently.
pub fn sniff(text: &str) -> u8 {
    let sample: String = text.lines().take(50).collect::<Vec<_>>().join("\n");
    let mut best = (b',', 0usize);
    for d in DELIMITERS {
        let mut rdr = ::csv::ReaderBuilder::new().delimiter(d).has_headers(false).flexible(true).from_reader(sample.as_bytes());
        let counts: Vec<usize> = rdr.byte_records().take(20).filter_map(|r| r.ok()).map(|r| r.len()).collect();
        let Some(&first) = counts.first() else { continue };
        if first < 2 {
            continue;
        }
        let same = counts.iter().filter(|c| **c == first).count();
        let score = same * first;
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

/// Reads a CSV file into a table. Whole-file problems (not text, no header) are errors; a row
/// that cannot be read is listed in `errors` and the rest still come through.
pub fn read_csv(name: &str, bytes: &[u8]) -> Result<Table> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Error::invalid("file", format!("is {} MB; at most {} MB can be imported at once", bytes.len() >> 20, MAX_FILE_BYTES >> 20)));
    }
    let (text, encoding) = decode(bytes)?;
    let delimiter = sniff(&text);
    let mut rdr = ::csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = rdr.byte_records();
    let headers: Vec<String> = loop {
        match records.next() {
            None => return Err(Error::invalid("file", "is empty: there is no header row")),
            Some(Err(e)) => return Err(Error::invalid("file", format!("the header row cannot be read: {e}"))),
            Some(Ok(r)) if r.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) => continue,
            Some(Ok(r)) => break r.iter().map(|c| String::from_utf8_lossy(c).trim().to_string()).collect(),
        }
    };
    let mut table = Table { name: name.to_string(), encoding: encoding.into(), delimiter: Some(delimiter as char), headers, rows: Vec::new(), errors: Vec::new() };
    let mut last_start = None;
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = line_of(&text, e.position());
                table.errors.push(RowError::new(line, None, format!("cannot be read: {e}")));
                continue;
            }
        };
        let line = line_of(&text, rec.position());
        last_start = rec.position().map(|p| p.byte() as usize);
        if rec.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        if table.rows.len() >= MAX_ROWS {
            table.errors.push(RowError::new(line, None, format!("the file has more than {MAX_ROWS} rows; the rest were not read")));
            break;
        }
        if let Some((i, c)) = rec.iter().enumerate().find(|(_, c)| c.len() > MAX_CELL_BYTES) {
            let col = table.headers.get(i).cloned().unwrap_or_else(|| format!("column {}", i + 1));
            table.errors.push(RowError::new(line, Some(&col), format!("a value of {} KB is too long (at most {} KB); the row was skipped", c.len() >> 10, MAX_CELL_BYTES >> 10)));
            continue;
        }
        let cells: Vec<String> = rec.iter().map(|c| unguard(String::from_utf8_lossy(c).trim())).collect();
        table.rows.push(Row { line, cells });
    }
    check_truncated(&text, last_start, &mut table);
    Ok(table)
}

/// The line a record starts on. With CRLF line ends (Salesforce and Excel exports) the csv
/// reader takes a record's position on the `\n` that ends the line before, one line early.
fn line_of(text: &str, pos: Option<&::csv::Position>) -> usize {
    let Some(p) = pos else { return 0 };
    let on_lf = text.as_bytes().get(p.byte() as usize) == Some(&b'\n');
    p.line() as usize + usize::from(on_lf)
}

/// A file cut off inside a quoted value: its quotes do not pair up, and the last row (which
/// holds the unpaired quote) swallowed the rest of the file. That row is dropped and reported
/// rather than imported half-read.
fn check_truncated(text: &str, last_start: Option<usize>, table: &mut Table) {
    let odd = |s: &str| s.bytes().filter(|b| *b == b'"').count() % 2 == 1;
    let Some(start) = last_start else { return };
    if !odd(text) || !text.get(start..).is_some_and(odd) {
        return;
    }
    if let Some(last) = table.rows.last() {
        let line = last.line;
        table.rows.pop();
        table.errors.push(RowError::new(line, None, "the file ends inside a quoted value that starts on this line; it may have been cut short"));
    }
}

/// Undoes the `'` that exports (ours, and spreadsheet users by hand) put before text that
/// would otherwise run as a formula, so an exported list imports back as it was. The text is
/// only ever stored as text.
fn unguard(s: &str) -> String {
    match s.strip_prefix('\'') {
        Some(rest) if crate::io::sheet::looks_like_formula(rest) => rest.to_string(),
        _ => s.to_string(),
    }
}
