//! Contact cards (vCard 3.0 and 4.0, as phones, Outlook, Google and Apple export them) become
//! contacts: folded lines, several emails (the preferred one kept, the others noted), the
//! organisation matched to an account by name or email domain, photos dropped whatever their
//! size. A card whose email (any of them) is already in the book updates that contact.

use super::contentline::{self, components, Line};
use super::table::RowError;
use super::values;
use crate::app::App;
use crate::domain::{Contact, EntityKind, Id};
use crate::error::{Error, Result};
use crate::repo::{create_in, update_in};
use crate::store::{import as sql, query};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const MAX_BYTES: usize = 50 << 20;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VcardReport {
    /// The import batch, to undo it (`None` when nothing changed).
    pub batch: Option<Id>,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub errors: Vec<RowError>,
}

#[derive(Debug, Default)]
struct Card {
    line: usize,
    uid: Option<String>,
    first: String,
    last: String,
    full: String,
    /// (email, preferred)
    emails: Vec<(String, bool)>,
    phones: Vec<(String, bool)>,
    title: Option<String>,
    org: Option<String>,
    linkedin: Option<String>,
    birthday: Option<chrono::NaiveDate>,
    note: Option<String>,
}

fn preferred(l: &Line) -> bool {
    l.has_type("PREF") || l.param("PREF").is_some()
}

fn cards(text: &str) -> Vec<Card> {
    let mut out = Vec::new();
    let mut cur: Option<Card> = None;
    for l in contentline::parse(text) {
        match (l.name.as_str(), l.value.trim().to_uppercase().as_str()) {
            ("BEGIN", "VCARD") => {
                cur = Some(Card { line: l.line, ..Default::default() });
                continue;
            }
            ("END", "VCARD") => {
                out.extend(cur.take());
                continue;
            }
            _ => {}
        }
        let Some(c) = cur.as_mut() else { continue };
        let text = || contentline::unescape(l.value.trim());
        match l.name.as_str() {
            "UID" => c.uid = Some(l.value.trim().to_string()),
            "FN" => c.full = text(),
            "N" => {
                let parts = components(&l.value, ';');
                c.last = parts.first().cloned().unwrap_or_default().trim().to_string();
                c.first = parts.get(1).cloned().unwrap_or_default().trim().to_string();
            }
            "EMAIL" => {
                let e = text().trim_start_matches("mailto:").trim().to_lowercase();
                if !e.is_empty() {
                    c.emails.push((e, preferred(&l)));
                }
            }
            "TEL" => {
                let t = text().trim_start_matches("tel:").trim().to_string();
                if !t.is_empty() {
                    c.phones.push((t, preferred(&l) || l.has_type("WORK")));
                }
            }
            "TITLE" => c.title = Some(text()).filter(|t| !t.is_empty()),
            "ORG" => c.org = components(&l.value, ';').into_iter().next().map(|o| o.trim().to_string()).filter(|o| !o.is_empty()),
            "URL" | "X-SOCIALPROFILE" => {
                let u = text();
                if u.contains("linkedin.com/") && u.starts_with("http") {
                    c.linkedin = Some(u);
                }
            }
            "BDAY" => {
                let v = l.value.trim();
                c.birthday = values::parse_date(v).or_else(|| chrono::NaiveDate::parse_from_str(v, "%Y%m%d").ok());
            }
            "NOTE" => c.note = Some(text()),
            // PHOTO, LOGO, SOUND, KEY: binary, possibly megabytes; never stored.
            _ => {}
        }
    }
    out
}

impl Card {
    fn contact(&self) -> Contact {
        let (mut first, mut last) = (self.first.clone(), self.last.clone());
        if first.is_empty() && last.is_empty() {
            match self.full.trim().rsplit_once(' ') {
                Some((a, b)) => (first, last) = (a.to_string(), b.to_string()),
                None => last = self.full.trim().to_string(),
            }
        }
        let mut emails = self.emails.clone();
        emails.sort_by_key(|(_, pref)| !pref);
        let mut phones = self.phones.clone();
        phones.sort_by_key(|(_, pref)| !pref);
        let others: Vec<&str> = emails.iter().skip(1).map(|(e, _)| e.as_str()).collect();
        let mut notes = self.note.clone().unwrap_or_default();
        if !others.is_empty() {
            if !notes.is_empty() {
                notes.push('\n');
            }
            notes.push_str(&format!("Other emails: {}", others.join(", ")));
        }
        Contact {
            first_name: first,
            last_name: last,
            email: emails.first().map(|(e, _)| e.clone()),
            phone: phones.first().map(|(p, _)| p.clone()),
            title: self.title.clone(),
            linkedin_url: self.linkedin.clone(),
            birthday: self.birthday,
            personal_notes: notes,
            source_ref: self.uid.as_ref().map(|u| format!("vcard:{u}")).filter(|s| s.len() <= 200),
            ..Default::default()
        }
    }
}

pub fn import(app: &App, bytes: &[u8]) -> Result<VcardReport> {
    if bytes.len() > MAX_BYTES {
        return Err(Error::invalid("file", format!("is larger than {} MB", MAX_BYTES >> 20)));
    }
    let text = match std::str::from_utf8(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)) {
        Ok(t) => t.to_string(),
        // Old Outlook cards are in the ANSI code page.
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    };
    if !text.trim_start().to_uppercase().starts_with("BEGIN:VCARD") {
        return Err(Error::invalid("file", "is not a contact card file (no BEGIN:VCARD)"));
    }
    let cards = cards(&text);
    let settings = app.settings();
    app.write(|w| {
        let mut report = VcardReport::default();
        let mut rec = super::commit::Recorder::new();
        let known = sql::known(w.conn(), EntityKind::Contact)?;
        let mut by_email: HashMap<String, Id> = known.iter().filter_map(|k| k.key.clone().map(|e| (e, k.id))).collect();
        let by_ref: HashMap<String, Id> = known.iter().filter_map(|k| k.source_ref.clone().map(|r| (r, k.id))).collect();
        let accounts = sql::known(w.conn(), EntityKind::Account)?;
        let by_name: HashMap<String, Id> = accounts.iter().map(|a| (values::name_key(&a.name), a.id)).collect();
        let by_domain: HashMap<String, Id> = accounts.iter().filter_map(|a| a.key.clone().map(|d| (d, a.id))).collect();
        for card in &cards {
            let mut c = card.contact();
            c.account_id = card
                .org
                .as_deref()
                .and_then(|o| by_name.get(&values::name_key(o)).copied())
                .or_else(|| card.emails.iter().find_map(|(e, _)| e.rsplit_once('@').and_then(|(_, d)| by_domain.get(d).copied())));
            let existing = c.source_ref.as_ref().and_then(|r| by_ref.get(r)).or_else(|| card.emails.iter().find_map(|(e, _)| by_email.get(e))).copied();
            let res = match existing {
                Some(id) => match query::get::<Contact>(w.conn(), EntityKind::Contact, &id)? {
                    Some(cur) => {
                        let d = cur.data;
                        // The card fills and refreshes; it never blanks what the AE has.
                        let merged = Contact {
                            account_id: d.account_id.or(c.account_id),
                            email: d.email.clone().or(c.email),
                            phone: c.phone.or(d.phone.clone()),
                            title: c.title.or(d.title.clone()),
                            linkedin_url: c.linkedin_url.or(d.linkedin_url.clone()),
                            birthday: c.birthday.or(d.birthday),
                            personal_notes: if d.personal_notes.is_empty() { c.personal_notes } else { d.personal_notes.clone() },
                            source_ref: d.source_ref.clone().or(c.source_ref),
                            first_name: if c.first_name.is_empty() { d.first_name.clone() } else { c.first_name },
                            last_name: if c.last_name.is_empty() { d.last_name.clone() } else { c.last_name },
                            ..d
                        };
                        match update_in(w, &settings, id, merged) {
                            Ok(true) => {
                                report.updated += 1;
                                let prev = super::commit::previous_values(w, id, &d)?;
                                rec.change(w, EntityKind::Contact, id, "updated", Some(prev))
                            }
                            Ok(false) => {
                                report.unchanged += 1;
                                Ok(())
                            }
                            Err(e) => Err(e),
                        }
                    }
                    None => Ok(()),
                },
                None => create_in(w, &settings, c.clone()).and_then(|id| {
                    if let Some(e) = &c.email {
                        by_email.insert(e.clone(), id);
                    }
                    report.created += 1;
                    rec.change(w, EntityKind::Contact, id, "created", None)
                }),
            };
            match res {
                Ok(()) => {}
                Err(e @ Error::Invalid { .. }) => report.errors.push(RowError::new(card.line, e.field(), e.to_string())),
                Err(e) => return Err(e),
            }
        }
        let summary = serde_json::json!({ "created": report.created, "updated": report.updated, "errors": report.errors.len() });
        report.batch = rec.finish(w, "contact cards", &summary)?;
        Ok(report)
    })
}
