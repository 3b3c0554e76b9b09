//! Taking the book out: any list (accounts, contacts, opportunities, tasks, gifts, search
//! results) as CSV or .xlsx, the gift ledger as a compliance report, a meeting brief as
//! Markdown.

use super::sheet::{to_csv, to_xlsx, Cell, Locale, Sheet};
use crate::app::App;
use crate::domain::{Account, Contact, Entity, EntityKind, FieldTy, Gift, GiftKind, Id, Record};
use crate::error::{Error, Result};
use crate::store::query::{ListQuery, MAX_PAGE};
use crate::views::gifts::gift_period;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Format {
    Csv,
    Xlsx,
}

/// A finished export: the bytes and a file name to offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Export {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The export facade (`app.exports()`).
pub struct Exports<'a> {
    app: &'a App,
}

/// The names records are shown by, so a list shows "Acme", not an id.
struct Labels(HashMap<Id, String>);

impl Labels {
    fn load(app: &App) -> Result<Labels> {
        let mut m = HashMap::new();
        for a in all::<Account>(app, &ListQuery::default())? {
            m.insert(a.id, a.data.name);
        }
        for c in all::<Contact>(app, &ListQuery::default())? {
            m.insert(c.id, c.data.full_name());
        }
        Ok(Labels(m))
    }

    fn of(&self, id: &str) -> String {
        Id::parse_str(id).ok().and_then(|i| self.0.get(&i).cloned()).unwrap_or_else(|| id.to_string())
    }
}

/// Every record a query matches (its page size ignored).
fn all<T: Entity>(app: &App, q: &ListQuery) -> Result<Vec<Record<T>>> {
    let mut q = q.clone();
    q.offset = 0;
    q.limit = MAX_PAGE;
    let mut out = Vec::new();
    loop {
        let page = app.repo::<T>().list(&q)?;
        out.extend(page.items);
        match page.next_offset {
            Some(o) => q.offset = o,
            None => return Ok(out),
        }
    }
}

/// `amount_cents` -> `Amount`, `account_id` -> `Account`.
fn header(name: &str) -> String {
    let base = name.trim_end_matches("_cents").trim_end_matches("_ids").trim_end_matches("_id");
    let mut s = base.replace('_', " ");
    if let Some(first) = s.get(0..1) {
        s = first.to_uppercase() + &s[1..];
    }
    s
}

fn cell_of(ty: FieldTy, name: &str, v: &Value, labels: &Labels) -> Cell {
    match (ty, v) {
        (_, Value::Null) => Cell::Empty,
        (FieldTy::Int, Value::Number(n)) if name.ends_with("_cents") => Cell::Money(n.as_i64().unwrap_or(0)),
        (FieldTy::Int, Value::Number(n)) => Cell::Number(n.as_f64().unwrap_or(0.0)),
        (FieldTy::Bool, Value::Bool(b)) => Cell::Bool(*b),
        (FieldTy::Date, Value::String(s)) => s.parse::<NaiveDate>().map(Cell::Date).unwrap_or_else(|_| Cell::Text(s.clone())),
        (FieldTy::Instant, Value::String(s)) => s.parse().map(Cell::DateTime).unwrap_or_else(|_| Cell::Text(s.clone())),
        (FieldTy::Ref(_), Value::String(s)) => Cell::Text(labels.of(s)),
        (FieldTy::Json, Value::Array(items)) => Cell::Text(
            items
                .iter()
                .map(|i| match i {
                    Value::String(s) => labels.of(s),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (_, Value::String(s)) => Cell::Text(s.clone()),
        (_, other) => Cell::Text(other.to_string()),
    }
}

fn records_sheet<T: Entity>(name: &str, records: &[Record<T>], labels: &Labels) -> Result<Sheet> {
    let fields = T::KIND.fields();
    let mut headers: Vec<String> = fields.iter().map(|f| header(f.name)).collect();
    headers.extend(["Created".to_string(), "Updated".to_string()]);
    let mut rows = Vec::with_capacity(records.len());
    for r in records {
        let v = serde_json::to_value(&r.data)?;
        let mut row: Vec<Cell> = fields.iter().map(|f| cell_of(f.ty, f.name, v.get(f.name).unwrap_or(&Value::Null), labels)).collect();
        row.push(Cell::DateTime(r.created_at));
        row.push(Cell::DateTime(r.updated_at));
        rows.push(row);
    }
    Ok(Sheet { name: name.to_string(), headers, rows })
}

impl<'a> Exports<'a> {
    pub fn new(app: &'a App) -> Self {
        Exports { app }
    }

    fn encode(&self, sheet: Sheet, format: Format, stem: &str) -> Result<Export> {
        let zone = self.app.clock().local_zone();
        Ok(match format {
            Format::Csv => Export { file_name: format!("{stem}.csv"), bytes: to_csv(&sheet, Locale::for_language(&self.app.settings().language), zone)? },
            Format::Xlsx => Export { file_name: format!("{stem}.xlsx"), bytes: to_xlsx(&[sheet], zone)? },
        })
    }

    /// A list as the user filtered it (all pages), every field a column.
    pub fn list(&self, kind: EntityKind, query: &ListQuery, format: Format) -> Result<Export> {
        let labels = Labels::load(self.app)?;
        let stem = kind.table();
        let sheet = match kind {
            EntityKind::Account => records_sheet(stem, &all::<Account>(self.app, query)?, &labels)?,
            EntityKind::Contact => records_sheet(stem, &all::<Contact>(self.app, query)?, &labels)?,
            EntityKind::Opportunity => records_sheet(stem, &all::<crate::domain::Opportunity>(self.app, query)?, &labels)?,
            EntityKind::Task => records_sheet(stem, &all::<crate::domain::Task>(self.app, query)?, &labels)?,
            EntityKind::Gift => records_sheet(stem, &all::<Gift>(self.app, query)?, &labels)?,
            EntityKind::Meeting => records_sheet(stem, &all::<crate::domain::Meeting>(self.app, query)?, &labels)?,
            EntityKind::Contract => records_sheet(stem, &all::<crate::domain::Contract>(self.app, query)?, &labels)?,
            EntityKind::Note => records_sheet(stem, &all::<crate::domain::Note>(self.app, query)?, &labels)?,
            other => return Err(Error::invalid("kind", format!("{} lists are not exported", other.name()))),
        };
        self.encode(sheet, format, stem)
    }

    /// Search results as the search box shows them: kind, title, account, snippet.
    pub fn search(&self, query: &str, kinds: &[EntityKind], limit: usize, format: Format) -> Result<Export> {
        let hits = self.app.search(query, kinds, limit)?;
        let labels = Labels::load(self.app)?;
        let rows = hits
            .iter()
            .map(|h| {
                let snippet: String = h.snippet.iter().map(|p| p.text.as_str()).collect();
                vec![
                    Cell::Text(h.kind.name().into()),
                    Cell::Text(h.title.clone()),
                    h.account_id.map(|a| Cell::Text(labels.of(&a.to_string()))).unwrap_or(Cell::Empty),
                    Cell::Text(snippet),
                ]
            })
            .collect();
        let sheet = Sheet { name: "search".into(), headers: vec!["Kind".into(), "Title".into(), "Account".into(), "Match".into()], rows };
        self.encode(sheet, format, "search")
    }

    /// The gift and entertainment log for compliance: recipient, firm, date, description,
    /// kind, value, and the recipient's total in that gift's period against the cap.
    pub fn gift_ledger(&self, format: Format) -> Result<Export> {
        let settings = self.app.settings();
        let gifts = all::<Gift>(self.app, &ListQuery::default().sort_by("date", false))?;
        let contacts: HashMap<Id, Record<Contact>> = all::<Contact>(self.app, &ListQuery::default())?.into_iter().map(|c| (c.id, c)).collect();
        let labels = Labels::load(self.app)?;
        let lines = ledger(&gifts, &settings);
        let rows = lines
            .into_iter()
            .map(|l| {
                let g = &l.gift.data;
                let who = g.recipient_id.and_then(|r| contacts.get(&r));
                vec![
                    who.map(|c| Cell::Text(c.data.full_name())).unwrap_or(Cell::Empty),
                    who.and_then(|c| c.data.account_id).map(|a| Cell::Text(labels.of(&a.to_string()))).unwrap_or(Cell::Empty),
                    g.date.map(Cell::Date).unwrap_or(Cell::Empty),
                    Cell::Text(g.description.clone()),
                    Cell::Text(match g.kind {
                        GiftKind::Gift => "gift".into(),
                        GiftKind::Entertainment => "entertainment".into(),
                    }),
                    Cell::Money(g.value_cents),
                    Cell::Text(g.currency.clone()),
                    Cell::Date(l.period.0),
                    Cell::Date(l.period.1),
                    Cell::Money(l.period_total),
                    Cell::Money(settings.gift_cap_cents),
                    Cell::Bool(l.period_total > settings.gift_cap_cents),
                ]
            })
            .collect();
        let headers = ["Recipient", "Firm", "Date", "Description", "Kind", "Value", "Currency", "Period start", "Period end", "Period total", "Cap", "Over cap"];
        let sheet = Sheet { name: "gift ledger".into(), headers: headers.iter().map(|h| h.to_string()).collect(), rows };
        self.encode(sheet, format, "gift-ledger")
    }

    /// The whole book as a portable archive in `dir` (see [`super::archive`]).
    pub fn archive(&self, dir: &std::path::Path) -> Result<super::archive::Manifest> {
        super::archive::export(self.app, dir)
    }

    /// The prep brief of a meeting as Markdown.
    pub fn meeting_brief(&self, meeting: Id) -> Result<Export> {
        let brief = self.app.meeting_brief(meeting)?;
        Ok(Export { file_name: "meeting-brief.md".into(), bytes: brief.to_markdown().into_bytes() })
    }
}

/// One gift with its recipient's total (gifts only; entertainment is logged, not counted) in
/// the gift period it falls in.
pub struct LedgerLine<'g> {
    pub gift: &'g Record<Gift>,
    pub period: (NaiveDate, NaiveDate),
    pub period_total: i64,
}

pub fn ledger<'g>(gifts: &'g [Record<Gift>], settings: &crate::settings::Settings) -> Vec<LedgerLine<'g>> {
    let mut by_recipient: HashMap<Option<Id>, Vec<(NaiveDate, i64)>> = HashMap::new();
    for g in gifts {
        if let (Some(d), GiftKind::Gift) = (g.data.date, g.data.kind) {
            by_recipient.entry(g.data.recipient_id).or_default().push((d, g.data.value_cents));
        }
    }
    gifts
        .iter()
        .filter_map(|g| {
            let d = g.data.date?;
            let period = gift_period(settings.gift_period, settings.fiscal_year_start_month, d);
            let total = by_recipient
                .get(&g.data.recipient_id)
                .map(|v| v.iter().filter(|(day, _)| *day >= period.0 && *day <= period.1).map(|(_, c)| c).sum())
                .unwrap_or(0);
            Some(LedgerLine { gift: g, period, period_total: total })
        })
        .collect()
}
