//! The preview: what an import would do, row by row, before anything is written.
//!
//! Each row becomes a planned record: its fields, its links to other records (by source id or
//! account name), the record in the book it matches (by source id, email, domain or name, with
//! the reason), and the action the user can change: create, update or skip.

use super::source::{Mapping, Target};
use super::table::{RowError, Table};
use super::values;
use crate::domain::{Account, Contact, Entity, EntityKind, Id, Opportunity, ValidationCtx};
use crate::error::{Error, Result};
use crate::settings::Settings;
use crate::store::import::Known;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// What to do with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Action {
    Create,
    Update,
    Skip,
    /// Matches a record that already holds these values: nothing to write.
    Unchanged,
}

/// Why a row matches a record in the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum MatchReason {
    /// Imported before from the same source record.
    SourceId,
    SameEmail,
    SameDomain,
    SameName,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Match {
    pub id: Id,
    pub reason: MatchReason,
    /// The matched record as the user knows it (`Acme Corp (acme.com)`).
    pub label: String,
}

/// Links to other records, resolved when the row is written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Links {
    pub account_ref: Option<String>,
    pub account_name: Option<String>,
    pub reports_to_ref: Option<String>,
    pub parent_ref: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlannedRow {
    pub line: usize,
    /// What the user sees for the row (`Ana Nowak <ana@acme.com>`).
    pub label: String,
    pub action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched: Option<Match>,
    pub source_ref: Option<String>,
    /// The entity fields this row sets (as the entity serialises them).
    pub fields: Map<String, Value>,
    pub links: Links,
    /// Things worth knowing that do not stop the row (an account id not found).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FilePreview {
    pub file: String,
    pub mapping: Mapping,
    /// `Salesforce contacts`, `HubSpot deals`, `Spreadsheet accounts`.
    pub recognised_as: String,
    pub rows: Vec<PlannedRow>,
    /// Rows that will not import, with their line and why.
    pub errors: Vec<RowError>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Counts {
    pub create: usize,
    pub update: usize,
    pub skip: usize,
    pub unchanged: usize,
    pub errors: usize,
}

/// The whole preview; the wizard may change any row's `action` and pass it to commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Preview {
    pub files: Vec<FilePreview>,
}

impl Preview {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for f in &self.files {
            c.errors += f.errors.len();
            for r in &f.rows {
                match r.action {
                    Action::Create => c.create += 1,
                    Action::Update => c.update += 1,
                    Action::Skip => c.skip += 1,
                    Action::Unchanged => c.unchanged += 1,
                }
            }
        }
        c
    }
}

/// What the book holds, indexed for dedupe.
#[derive(Default)]
pub(crate) struct Index {
    pub by_ref: HashMap<String, (EntityKind, Id)>,
    pub email: HashMap<String, (Id, String)>,
    pub domain: HashMap<String, (Id, String)>,
    pub account_name: HashMap<String, (Id, String)>,
}

impl Index {
    pub fn add(&mut self, kind: EntityKind, known: Vec<Known>) {
        for k in known {
            if let Some(r) = &k.source_ref {
                self.by_ref.insert(r.clone(), (kind, k.id));
            }
            match kind {
                EntityKind::Contact => {
                    if let Some(e) = &k.key {
                        self.email.entry(e.to_lowercase()).or_insert((k.id, k.name.clone()));
                    }
                }
                EntityKind::Account => {
                    if let Some(d) = &k.key {
                        self.domain.entry(d.clone()).or_insert((k.id, k.name.clone()));
                    }
                    self.account_name.entry(values::name_key(&k.name)).or_insert((k.id, k.name.clone()));
                }
                _ => {}
            }
        }
    }
}

/// Plans one file. `index` is what the book holds plus what earlier files in this import will
/// create (so a Contact file's AccountId finds the Account file's rows).
pub(crate) fn plan_file(table: &Table, mapping: &Mapping, settings: &Settings, index: &mut Index, book: &dyn Fn(EntityKind, Id) -> Result<Option<Value>>) -> Result<FilePreview> {
    if !matches!(mapping.kind, EntityKind::Account | EntityKind::Contact | EntityKind::Opportunity) {
        return Err(Error::invalid("kind", "a file imports as accounts, contacts or opportunities"));
    }
    let cols: Vec<(usize, Target, &str)> = mapping
        .columns
        .iter()
        .filter(|c| c.target != Target::Ignore)
        .filter_map(|c| table.column(&c.column).map(|i| (i, c.target, c.column.as_str())))
        .collect();
    let mut out = FilePreview { file: table.name.clone(), recognised_as: mapping.describe(), mapping: mapping.clone(), rows: Vec::new(), errors: table.errors.clone() };
    let mut seen_in_file: HashMap<String, usize> = HashMap::new();
    for row in &table.rows {
        let cell = |t: Target| cols.iter().find(|c| c.1 == t).and_then(|c| row.cells.get(c.0)).map(String::as_str).filter(|s| !s.is_empty());
        let planned = match plan_row(mapping, settings, index, &cell) {
            Ok(p) => p,
            Err(e) => {
                out.errors.push(RowError::new(row.line, e.field(), e.to_string()));
                continue;
            }
        };
        let mut planned = PlannedRow { line: row.line, ..planned };
        // The same person or company twice in one file: the first row wins.
        let dup_key = planned.source_ref.clone().or_else(|| dedupe_key(mapping.kind, &planned.fields));
        if let Some(k) = dup_key {
            if let Some(first) = seen_in_file.get(&k) {
                planned.action = Action::Skip;
                planned.warnings.push(format!("same record as line {first}"));
                out.rows.push(planned);
                continue;
            }
            seen_in_file.insert(k, row.line);
        }
        match check(mapping.kind, &planned, settings, book) {
            Ok(normalized) => planned.fields = normalized,
            Err(e) => {
                out.errors.push(RowError::new(row.line, e.field(), e.to_string()));
                continue;
            }
        }
        if planned.action == Action::Update {
            if let Some(m) = &planned.matched {
                if unchanged(mapping.kind, m.id, &planned, book)? {
                    planned.action = Action::Unchanged;
                }
            }
        }
        // Later files resolve their links against what this one will create.
        if planned.action == Action::Create {
            if let Some(r) = &planned.source_ref {
                index.by_ref.insert(r.clone(), (mapping.kind, Id::nil()));
            }
            if mapping.kind == EntityKind::Account {
                if let Some(Value::String(n)) = planned.fields.get("name") {
                    index.account_name.entry(values::name_key(n)).or_insert((Id::nil(), n.clone()));
                }
            }
        }
        out.rows.push(planned);
    }
    Ok(out)
}

fn dedupe_key(kind: EntityKind, fields: &Map<String, Value>) -> Option<String> {
    let s = |k: &str| fields.get(k).and_then(Value::as_str).map(str::to_lowercase);
    match kind {
        EntityKind::Contact => s("email").map(|e| format!("email:{e}")),
        EntityKind::Account => s("domain").map(|d| format!("domain:{d}")).or_else(|| s("name").map(|n| format!("name:{}", values::name_key(&n)))),
        _ => None,
    }
}

type Cell<'a> = dyn Fn(Target) -> Option<&'a str> + 'a;

fn plan_row<'a>(mapping: &Mapping, settings: &Settings, index: &Index, cell: &Cell<'a>) -> Result<PlannedRow> {
    let mut f = Map::new();
    let mut links = Links::default();
    let mut warnings = Vec::new();
    let mut put = |k: &str, v: Value| {
        f.insert(k.into(), v);
    };
    let source_ref = cell(Target::SourceId).and_then(|s| mapping.source_ref(s));
    match mapping.kind {
        EntityKind::Account => {
            let name = cell(Target::Name).ok_or_else(|| Error::invalid("name", "a company name is required"))?;
            put("name", name.into());
            if let Some(w) = cell(Target::Website) {
                put("domain", crate::domain::validate::normalize_domain(w).into());
            }
            if let Some(v) = cell(Target::Industry) {
                put("industry", v.into());
            }
            if let Some(v) = cell(Target::Owner) {
                put("owner", v.into());
            }
            if let Some(l) = cell(Target::Lifecycle).and_then(values::lifecycle) {
                put("lifecycle", serde_json::to_value(l)?);
            }
            if let Some(c) = cell(Target::Currency) {
                put("currency", c.to_uppercase().into());
            }
            if let Some(t) = cell(Target::Tags) {
                put("tags", tags(t));
            }
            links.parent_ref = cell(Target::ParentRef).and_then(|p| mapping.ref_to(EntityKind::Account, p));
        }
        EntityKind::Contact => {
            let (mut first, mut last) = (cell(Target::FirstName).unwrap_or("").to_string(), cell(Target::LastName).unwrap_or("").to_string());
            if first.is_empty() && last.is_empty() {
                if let Some(full) = cell(Target::FullName) {
                    match full.rsplit_once(' ') {
                        Some((a, b)) => (first, last) = (a.to_string(), b.to_string()),
                        None => last = full.to_string(),
                    }
                }
            }
            if first.is_empty() && last.is_empty() {
                return Err(Error::invalid("last_name", "a first or last name is required"));
            }
            put("first_name", first.into());
            put("last_name", last.into());
            for (t, k) in [(Target::Title, "title"), (Target::Email, "email"), (Target::LinkedIn, "linkedin_url")] {
                if let Some(v) = cell(t) {
                    put(k, v.into());
                }
            }
            if let Some(p) = cell(Target::Phone).or_else(|| cell(Target::Mobile)) {
                put("phone", p.into());
            }
            if let Some(b) = cell(Target::Birthday) {
                let d = values::parse_date(b).ok_or_else(|| Error::invalid("birthday", format!("'{b}' is not a date")))?;
                put("birthday", d.to_string().into());
            }
            links.account_ref = cell(Target::AccountRef).and_then(|a| mapping.ref_to(EntityKind::Account, a));
            links.account_name = cell(Target::AccountName).map(str::to_string);
            links.reports_to_ref = cell(Target::ReportsToRef).and_then(|a| mapping.ref_to(EntityKind::Contact, a));
        }
        EntityKind::Opportunity => {
            let name = cell(Target::Name).ok_or_else(|| Error::invalid("name", "an opportunity name is required"))?;
            put("name", name.into());
            let raw_stage = cell(Target::Stage).ok_or_else(|| Error::invalid("stage", "a stage is required"))?;
            let stage = settings
                .stages
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(raw_stage))
                .map(|s| s.name.clone())
                .or_else(|| values::stage_alias(raw_stage).filter(|a| settings.stage(a).is_some()).map(str::to_string))
                .ok_or_else(|| Error::invalid("stage", format!("'{raw_stage}' is not one of your pipeline stages")))?;
            if settings.stage(&stage).map(|s| s.outcome) == Some(crate::settings::StageOutcome::Lost) && cell(Target::LostReason).is_none() {
                put("lost_reason", format!("not recorded in {}", mapping.system.prefix()).into());
            }
            put("stage", stage.into());
            if let Some(a) = cell(Target::Amount) {
                let cents = values::parse_amount(a).ok_or_else(|| Error::invalid("amount_cents", format!("'{a}' is not an amount")))?;
                put("amount_cents", cents.into());
            }
            if let Some(d) = cell(Target::CloseDate) {
                let d = values::parse_date(d).ok_or_else(|| Error::invalid("close_date", format!("'{d}' is not a date")))?;
                put("close_date", d.to_string().into());
            }
            if let Some(p) = cell(Target::Probability) {
                let p = values::parse_percent(p).ok_or_else(|| Error::invalid("probability", format!("'{p}' is not a percentage")))?;
                put("probability", p.into());
            }
            if let Some(t) = cell(Target::OppType) {
                put("kind", serde_json::to_value(values::opp_kind(t))?);
            }
            for (t, k) in [(Target::NextStep, "next_step"), (Target::LostReason, "lost_reason"), (Target::Competitor, "competitor")] {
                if let Some(v) = cell(t) {
                    put(k, v.into());
                }
            }
            if let Some(c) = cell(Target::Currency) {
                put("currency", c.to_uppercase().into());
            }
            links.account_ref = cell(Target::AccountRef).and_then(|a| mapping.ref_to(EntityKind::Account, a));
            links.account_name = cell(Target::AccountName).map(str::to_string);
        }
        _ => {}
    }
    if let Some(r) = &source_ref {
        put("source_ref", r.clone().into());
    }
    // Links that resolve neither in the book nor in this import.
    if let Some(a) = &links.account_ref {
        if !index.by_ref.contains_key(a) {
            let by_name = links.account_name.as_deref().map(values::name_key).and_then(|n| index.account_name.get(&n));
            if by_name.is_none() {
                warnings.push(format!("account {} is neither in the book nor in this import", a.rsplit(':').next().unwrap_or(a)));
            }
        }
    } else if let Some(n) = &links.account_name {
        if !index.account_name.contains_key(&values::name_key(n)) {
            warnings.push(format!("no account named '{n}' in the book or in this import"));
        }
    }
    let (action, matched) = find_match(mapping.kind, source_ref.as_deref(), &f, index);
    let label = label(mapping.kind, &f);
    Ok(PlannedRow { line: 0, label, action, matched, source_ref, fields: f, links, warnings })
}

fn tags(s: &str) -> Value {
    Value::Array(s.split([';', ',']).map(str::trim).filter(|t| !t.is_empty()).map(|t| Value::String(t.into())).collect())
}

fn label(kind: EntityKind, f: &Map<String, Value>) -> String {
    let s = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("");
    match kind {
        EntityKind::Contact => {
            let name = format!("{} {}", s("first_name"), s("last_name")).trim().to_string();
            if s("email").is_empty() { name } else { format!("{name} <{}>", s("email")) }
        }
        EntityKind::Account if !s("domain").is_empty() => format!("{} ({})", s("name"), s("domain")),
        _ => s("name").to_string(),
    }
}

fn find_match(kind: EntityKind, source_ref: Option<&str>, f: &Map<String, Value>, index: &Index) -> (Action, Option<Match>) {
    let found = |id: Id, reason: MatchReason, label: &str| (Action::Update, Some(Match { id, reason, label: label.to_string() }));
    if let Some((k, id)) = source_ref.and_then(|r| index.by_ref.get(r)) {
        if *k == kind && !id.is_nil() {
            return found(*id, MatchReason::SourceId, "imported before");
        }
    }
    let s = |k: &str| f.get(k).and_then(Value::as_str);
    match kind {
        EntityKind::Contact => {
            if let Some((id, name)) = s("email").and_then(|e| index.email.get(&e.trim().to_lowercase())) {
                return found(*id, MatchReason::SameEmail, name);
            }
        }
        EntityKind::Account => {
            if let Some((id, name)) = s("domain").and_then(|d| index.domain.get(d)).filter(|(id, _)| !id.is_nil()) {
                return found(*id, MatchReason::SameDomain, name);
            }
            if let Some((id, name)) = s("name").and_then(|n| index.account_name.get(&values::name_key(n))).filter(|(id, _)| !id.is_nil()) {
                return found(*id, MatchReason::SameName, name);
            }
        }
        _ => {}
    }
    (Action::Create, None)
}

/// Merges a row's fields over a base record (or defaults) into an entity.
pub(crate) fn build<T: Entity>(base: Option<Value>, fields: &Map<String, Value>, links: &[(&str, Option<Id>)]) -> Result<T> {
    let mut m = match base {
        Some(Value::Object(m)) => m,
        _ => default_object::<T>()?,
    };
    for (k, v) in fields {
        m.insert(k.clone(), v.clone());
    }
    for (k, id) in links {
        if let Some(id) = id {
            m.insert((*k).to_string(), Value::String(id.to_string()));
        }
    }
    serde_json::from_value(Value::Object(m)).map_err(|e| Error::invalid("record", format!("cannot be read: {e}")))
}

/// A new record's fields before the row's: the entity's defaults, serialised once per kind
/// and thread (an import builds every row twice, in the preview and in the commit).
fn default_object<T: Entity>() -> Result<Map<String, Value>> {
    thread_local! {
        static DEFAULTS: std::cell::RefCell<HashMap<std::any::TypeId, Map<String, Value>>> = Default::default();
    }
    let key = std::any::TypeId::of::<T>();
    if let Some(m) = DEFAULTS.with(|d| d.borrow().get(&key).cloned()) {
        return Ok(m);
    }
    let m = match serde_json::to_value(T::default())? {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    DEFAULTS.with(|d| d.borrow_mut().insert(key, m.clone()));
    Ok(m)
}

/// Validates what the row would become, so the preview lists the rows that will fail; returns
/// the row's fields in their stored form (trimmed, emails lowercased, domains bare).
fn check(kind: EntityKind, row: &PlannedRow, settings: &Settings, book: &dyn Fn(EntityKind, Id) -> Result<Option<Value>>) -> Result<Map<String, Value>> {
    let base = match (&row.matched, row.action) {
        (Some(m), Action::Update) => book(kind, m.id)?,
        _ => None,
    };
    // Placeholder links: an opportunity needs an account, and the preview only knows it will
    // have one.
    let placeholder = Id::nil();
    let has_account = row.links.account_ref.is_some() || row.links.account_name.is_some();
    let ctx = ValidationCtx { settings };
    fn go<T: Entity>(base: Option<Value>, row: &PlannedRow, links: &[(&str, Option<Id>)], ctx: &ValidationCtx<'_>) -> Result<Map<String, Value>> {
        let mut e: T = build(base, &row.fields, links)?;
        e.normalize();
        e.validate(ctx)?;
        let all = serde_json::to_value(&e)?;
        Ok(row.fields.keys().filter_map(|k| all.get(k).map(|v| (k.clone(), v.clone()))).collect())
    }
    match kind {
        EntityKind::Account => go::<Account>(base, row, &[], &ctx),
        EntityKind::Contact => go::<Contact>(base, row, &[], &ctx),
        EntityKind::Opportunity => {
            let had = base.as_ref().and_then(|b| b.get("account_id")).is_some_and(|v| !v.is_null());
            if !has_account && !had {
                return Err(Error::invalid("account_id", "the opportunity's account is missing (no account id or name)"));
            }
            go::<Opportunity>(base, row, &[("account_id", Some(placeholder))], &ctx)
        }
        _ => Ok(row.fields.clone()),
    }
}

/// Whether updating the matched record with this row would change nothing.
fn unchanged(kind: EntityKind, id: Id, row: &PlannedRow, book: &dyn Fn(EntityKind, Id) -> Result<Option<Value>>) -> Result<bool> {
    let Some(Value::Object(current)) = book(kind, id)? else { return Ok(false) };
    Ok(row.fields.iter().all(|(k, v)| current.get(k) == Some(v)) && links_unchanged(&current, row))
}

fn links_unchanged(current: &Map<String, Value>, row: &PlannedRow) -> bool {
    // A link that is set now and named again is assumed to be the same; a new link is a change.
    let set = |k: &str| current.get(k).is_some_and(|v| !v.is_null());
    (row.links.account_ref.is_none() && row.links.account_name.is_none() || set("account_id"))
        && (row.links.reports_to_ref.is_none() || set("reports_to"))
        && (row.links.parent_ref.is_none() || set("parent_id"))
}
