//! Import and export: every format with real-shaped samples, malformed ones included.

mod archive;
mod bulk;
mod crm;
mod export;
mod ics;
mod read;
mod vcard;

use rapport_core::io::{ImportReport, Mapping, Preview, Table};
use rapport_core::App;

/// Reads, recognises and previews files the way the wizard does.
pub fn preview(app: &App, files: &[(&str, &str)]) -> (Vec<(Table, Mapping)>, Preview) {
    let im = app.imports();
    let tables: Vec<(Table, Mapping)> = files
        .iter()
        .map(|(name, text)| {
            let t = im.read(name, text.as_bytes()).expect("read");
            let m = im.recognise(&t).expect("recognise");
            (t, m)
        })
        .collect();
    let p = im.preview(&tables).expect("preview");
    (tables, p)
}

pub fn import(app: &App, files: &[(&str, &str)]) -> (Preview, ImportReport) {
    let (_, p) = preview(app, files);
    let r = app.imports().commit(&p, &mut |_| {}).expect("commit");
    (p, r)
}
