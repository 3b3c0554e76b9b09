//! Reading the first sheet of an .xlsx workbook (calamine). Cells become text the way a user
//! would type them: whole numbers without `.0`, dates as `YYYY-MM-DD`.

use super::table::{Row, RowError, Table, MAX_CELL_BYTES, MAX_FILE_BYTES, MAX_ROWS};
use crate::error::{Error, Result};
use calamine::{Data, Reader, Xlsx};

pub fn read_xlsx(name: &str, bytes: &[u8]) -> Result<Table> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Error::invalid("file", format!("is {} MB; at most {} MB can be imported at once", bytes.len() >> 20, MAX_FILE_BYTES >> 20)));
    }
    if !bytes.starts_with(b"PK") {
        return Err(Error::invalid("file", "is not an .xlsx workbook (an .xls from old Excel? save it as .xlsx or CSV)"));
    }
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| Error::invalid("file", format!("cannot be opened as .xlsx (is it damaged or cut short?): {e}")))?;
    let range = match book.worksheet_range_at(0) {
        Some(Ok(r)) => r,
        Some(Err(e)) => return Err(Error::invalid("file", format!("its first sheet cannot be read: {e}"))),
        None => return Err(Error::invalid("file", "has no sheets")),
    };
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut rows = range.rows().enumerate();
    let headers: Vec<String> = loop {
        match rows.next() {
            None => return Err(Error::invalid("file", "its first sheet is empty: there is no header row")),
            Some((_, r)) if r.iter().all(|c| cell_text(c).is_empty()) => continue,
            Some((_, r)) => break r.iter().map(cell_text).collect(),
        }
    };
    let mut table = Table { name: name.to_string(), encoding: "xlsx".into(), delimiter: None, headers, rows: Vec::new(), errors: Vec::new() };
    for (i, r) in rows {
        let line = first_row + i + 1;
        let cells: Vec<String> = r.iter().map(cell_text).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if table.rows.len() >= MAX_ROWS {
            table.errors.push(RowError::new(line, None, format!("the sheet has more than {MAX_ROWS} rows; the rest were not read")));
            break;
        }
        if let Some((i, c)) = cells.iter().enumerate().find(|(_, c)| c.len() > MAX_CELL_BYTES) {
            let col = table.headers.get(i).cloned().unwrap_or_else(|| format!("column {}", i + 1));
            table.errors.push(RowError::new(line, Some(&col), format!("a value of {} KB is too long (at most {} KB); the row was skipped", c.len() >> 10, MAX_CELL_BYTES >> 10)));
            continue;
        }
        table.rows.push(Row { line, cells });
    }
    Ok(table)
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().format("%Y-%m-%d").to_string(),
            Some(t) => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}
