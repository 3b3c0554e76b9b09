//! A sheet to export and its two encodings: CSV in the user's locale, and .xlsx with typed
//! cells. Text that a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+`, `-`, `@`, a
//! leading tab or CR) never becomes one: CSV prefixes it with `'`, .xlsx stores it as text.

use crate::error::{Error, Result};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// Minor units of money (cents).
    Money(i64),
    Date(NaiveDate),
    /// An instant, shown in the user's zone.
    DateTime(DateTime<Utc>),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// How dates and numbers are written for a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locale {
    pub date: &'static str,
    pub datetime: &'static str,
    pub decimal: char,
    pub group: char,
    /// Where the decimal mark is a comma, Excel expects `;` between values.
    pub delimiter: u8,
}

impl Locale {
    pub fn for_language(lang: &str) -> Locale {
        match lang {
            "es" | "it" => Locale { date: "%d/%m/%Y", datetime: "%d/%m/%Y %H:%M", decimal: ',', group: '.', delimiter: b';' },
            "pl" => Locale { date: "%d.%m.%Y", datetime: "%d.%m.%Y %H:%M", decimal: ',', group: ' ', delimiter: b';' },
            _ => Locale { date: "%m/%d/%Y", datetime: "%m/%d/%Y %H:%M", decimal: '.', group: ',', delimiter: b',' },
        }
    }

    pub fn money(&self, cents: i64) -> String {
        let sign = if cents < 0 { "-" } else { "" };
        let c = cents.unsigned_abs();
        format!("{sign}{}{}{:02}", self.group_digits(c / 100), self.decimal, c % 100)
    }

    pub fn number(&self, v: f64) -> String {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            let sign = if v < 0.0 { "-" } else { "" };
            return format!("{sign}{}", self.group_digits(v.abs() as u64));
        }
        v.to_string().replace('.', &self.decimal.to_string())
    }

    fn group_digits(&self, n: u64) -> String {
        let s = n.to_string();
        let mut out = String::new();
        for (i, ch) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(self.group);
            }
            out.push(ch);
        }
        out
    }
}

/// Whether a spreadsheet would read this text as a formula.
pub fn looks_like_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

fn csv_text(s: &str) -> String {
    if looks_like_formula(s) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// The sheet as CSV (UTF-8 with a BOM so Excel reads the letters right), in `locale`, times in
/// `zone`.
pub fn to_csv(sheet: &Sheet, locale: Locale, zone: chrono_tz::Tz) -> Result<Vec<u8>> {
    let mut w = ::csv::WriterBuilder::new().delimiter(locale.delimiter).from_writer(vec![0xEF, 0xBB, 0xBF]);
    let err = |e: ::csv::Error| Error::Storage(format!("writing CSV: {e}"));
    w.write_record(sheet.headers.iter().map(|h| csv_text(h))).map_err(err)?;
    for row in &sheet.rows {
        let cells = row.iter().map(|c| match c {
            Cell::Empty => String::new(),
            Cell::Text(s) => csv_text(s),
            Cell::Number(v) => locale.number(*v),
            Cell::Money(c) => locale.money(*c),
            Cell::Date(d) => d.format(locale.date).to_string(),
            Cell::DateTime(t) => t.with_timezone(&zone).format(locale.datetime).to_string(),
            Cell::Bool(b) => if *b { "yes".into() } else { "no".into() },
        });
        w.write_record(cells).map_err(err)?;
    }
    w.into_inner().map_err(|e| Error::Storage(format!("writing CSV: {e}")))
}

/// The sheet as .xlsx: numbers as numbers, money with two decimals, dates as dates (shown in
/// the reader's own Excel locale), text always as text.
pub fn to_xlsx(sheets: &[Sheet], zone: chrono_tz::Tz) -> Result<Vec<u8>> {
    let err = |e: rust_xlsxwriter::XlsxError| Error::Storage(format!("writing .xlsx: {e}"));
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    // Excel's built-in short date and date-time: each reader sees their own locale's order.
    let date = Format::new().set_num_format_index(14);
    let datetime = Format::new().set_num_format_index(22);
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&sheet.name)).map_err(err)?;
        for (c, h) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(0, col(c)?, h, &bold).map_err(err)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|_| Error::invalid("rows", "too many rows for one sheet"))?;
            for (c, cell) in row.iter().enumerate() {
                let c = col(c)?;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) => {
                        ws.write_string(r, c, s).map_err(err)?;
                    }
                    Cell::Number(v) => {
                        ws.write_number(r, c, *v).map_err(err)?;
                    }
                    Cell::Money(cents) => {
                        ws.write_number_with_format(r, c, *cents as f64 / 100.0, &money).map_err(err)?;
                    }
                    Cell::Bool(b) => {
                        ws.write_boolean(r, c, *b).map_err(err)?;
                    }
                    Cell::Date(d) => {
                        let year = u16::try_from(d.year()).map_err(|_| Error::invalid("date", format!("{d} cannot be written to Excel")))?;
                        let x = ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).map_err(err)?;
                        ws.write_datetime_with_format(r, c, &x, &date).map_err(err)?;
                    }
                    Cell::DateTime(t) => {
                        let l = t.with_timezone(&zone).naive_local();
                        let s = l.format("%Y-%m-%dT%H:%M:%S").to_string();
                        let x = ExcelDateTime::parse_from_str(&s).map_err(err)?;
                        ws.write_datetime_with_format(r, c, &x, &datetime).map_err(err)?;
                    }
                }
            }
        }
        ws.autofit();
    }
    wb.save_to_buffer().map_err(err)
}

fn col(c: usize) -> Result<u16> {
    u16::try_from(c).map_err(|_| Error::invalid("columns", "too many columns for one sheet"))
}

/// Excel sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(s: &str) -> String {
    let clean: String = s.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if clean.trim().is_empty() { "Sheet1".into() } else { clean }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_numbers_in_each_locale() {
        assert_eq!(Locale::for_language("en").money(12_345_678), "123,456.78");
        assert_eq!(Locale::for_language("it").money(12_345_678), "123.456,78");
        assert_eq!(Locale::for_language("pl").money(-5), "-0,05");
        assert_eq!(Locale::for_language("es").number(1234.5), "1234,5");
    }

    #[test]
    fn formula_like_text_is_recognised() {
        for s in ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert!(looks_like_formula(s), "{s}");
        }
        assert!(!looks_like_formula("Acme"));
    }
}
