//! A sheet as read from a file: headers, rows with the line they came from, and the rows that
//! could not be read. Both CSV and .xlsx become a [`Table`] before anything else looks at them.

use serde::{Deserialize, Serialize};

/// The largest cell a file may hold. A 10 MB cell is a broken export (or an attack), not data;
/// the row it is in is refused with an error naming the line and column.
pub const MAX_CELL_BYTES: usize = 1 << 20;
/// The largest file read at all.
pub const MAX_FILE_BYTES: usize = 512 << 20;
/// The most rows one file may hold.
pub const MAX_ROWS: usize = 2_000_000;

/// A problem with one row (or the whole file, `line` 0). Good rows still import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RowError {
    /// 1-based line in the file (for .xlsx: the sheet row); 0 for the file as a whole.
    pub line: usize,
    /// The column or field it is about, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

impl RowError {
    pub fn new(line: usize, field: Option<&str>, message: impl Into<String>) -> Self {
        RowError { line, field: field.map(str::to_string), message: message.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// What a file held, as text cells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Table {
    /// The file's name as the user picked it (shown in previews and batch history).
    pub name: String,
    /// What the bytes were read as: `utf-8`, `utf-16le`, `windows-1252`, `xlsx`.
    pub encoding: String,
    /// The delimiter that was sniffed (CSV only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    /// Rows that could not be read (too long a cell, cut short, ...).
    pub errors: Vec<RowError>,
}

impl Table {
    /// The index of a header, compared loosely (case, spaces, underscores).
    pub fn column(&self, header: &str) -> Option<usize> {
        let want = loose(header);
        self.headers.iter().position(|h| loose(h) == want)
    }
}

/// A header compared loosely: `Account Name`, `account_name` and `ACCOUNTNAME` are one.
pub fn loose(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}
