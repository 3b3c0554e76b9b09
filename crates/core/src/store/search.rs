//! Full-text search across accounts, contacts, notes, opportunities and objections (FTS5,
//! ranked by bm25, with snippets).

use crate::domain::{EntityKind, Id};
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// A piece of a snippet; `hit` marks the words that matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub kind: EntityKind,
    pub id: Id,
    pub title: String,
    /// The account the hit belongs to, to jump there.
    pub account_id: Option<Id>,
    pub snippet: Vec<SnippetPart>,
    /// bm25: lower is better.
    pub score: f64,
}

pub const SEARCHABLE: [EntityKind; 5] =
    [EntityKind::Account, EntityKind::Contact, EntityKind::Note, EntityKind::Opportunity, EntityKind::Objection];

/// The columns of a kind's full-text index, in the order of its `<table>_fts` table; `None` for
/// kinds that are not searchable. The write path keeps the index (see [`super::write`]).
pub(crate) fn fts_columns(kind: EntityKind) -> Option<&'static [&'static str]> {
    Some(match kind {
        EntityKind::Account => &["name", "domain", "industry", "tags"],
        EntityKind::Contact => &["first_name", "last_name", "title", "email", "personal_notes"],
        EntityKind::Note => &["title", "body"],
        EntityKind::Opportunity => &["name", "next_step", "competitor"],
        EntityKind::Objection => &["statement", "response"],
        _ => return None,
    })
}

fn title_expr(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Account => "name",
        EntityKind::Contact => "trim(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))",
        EntityKind::Note => "coalesce(nullif(title, ''), substr(body, 1, 80))",
        EntityKind::Opportunity => "name",
        _ => "statement",
    }
}

fn account_expr(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Account => "id",
        EntityKind::Objection | EntityKind::Note | EntityKind::Contact | EntityKind::Opportunity => "account_id",
        _ => "NULL",
    }
}

/// Turns what the user typed into an FTS5 query: each word quoted (no operators from input),
/// all words required, the last one as a prefix so results come while typing.
pub fn fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .map(|w| w.trim_matches(|c| c == '\'' || c == '-'))
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect();
    if words.is_empty() {
        return None;
    }
    let mut q = words.join(" ");
    q.push('*');
    Some(q)
}

const START: char = '\u{1}';
const END: char = '\u{2}';

fn split_snippet(s: &str) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut hit = false;
    for c in s.chars() {
        if c == START || c == END {
            if !cur.is_empty() {
                parts.push(SnippetPart { text: std::mem::take(&mut cur), hit });
            }
            hit = c == START;
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        parts.push(SnippetPart { text: cur, hit });
    }
    parts
}

/// Searches the given kinds (all searchable kinds when empty); best first.
pub fn search(conn: &Connection, input: &str, kinds: &[EntityKind], limit: usize) -> Result<Vec<SearchHit>> {
    let Some(q) = fts_query(input) else { return Ok(Vec::new()) };
    let limit = limit.clamp(1, 200);
    let kinds: Vec<EntityKind> = if kinds.is_empty() { SEARCHABLE.to_vec() } else { kinds.iter().copied().filter(|k| SEARCHABLE.contains(k)).collect() };
    let mut hits = Vec::new();
    for kind in kinds {
        let t = kind.table();
        // Rank first (cheap), then build snippets for the few rows that made the cut.
        let top_sql = format!("SELECT rowid, rank FROM {t}_fts WHERE {t}_fts MATCH ?1 ORDER BY rank LIMIT ?2");
        let mut top = conn.prepare_cached(&top_sql)?;
        let ranked: Vec<(i64, f64)> = top
            .query_map(rusqlite::params![q, (limit + 16) as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let row_sql = format!(
            "SELECT id, {title}, {acct} FROM {t} WHERE rid = ?1 AND cl % 2 = 1",
            title = title_expr(kind),
            acct = account_expr(kind)
        );
        let snip_sql = format!("SELECT snippet({t}_fts, -1, char(1), char(2), '…', 16) FROM {t}_fts WHERE {t}_fts MATCH ?1 AND rowid = ?2");
        let mut row_stmt = conn.prepare_cached(&row_sql)?;
        let mut snip_stmt = conn.prepare_cached(&snip_sql)?;
        let mut n = 0;
        for (rid, score) in ranked {
            if n >= limit {
                break;
            }
            let row: Option<(String, Option<String>, Option<String>)> =
                row_stmt.query_row([rid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()?;
            let Some((id, title, account)) = row else { continue };
            let snippet: String = snip_stmt.query_row(rusqlite::params![q, rid], |r| r.get(0)).optional()?.unwrap_or_default();
            let parse = |s: &str| uuid::Uuid::parse_str(s).ok();
            let Some(id) = parse(&id) else { continue };
            hits.push(SearchHit {
                kind,
                id,
                title: title.unwrap_or_default(),
                account_id: account.as_deref().and_then(parse),
                snippet: split_snippet(&snippet),
                score,
            });
            n += 1;
        }
    }
    hits.sort_by(|a, b| a.score.partial_cmp(&b.score).unwrap_or(std::cmp::Ordering::Equal));
    hits.truncate(limit);
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_cannot_inject_fts_operators() {
        assert_eq!(fts_query("price OR \"NEAR(x"), Some("\"price\" \"OR\" \"NEAR\" \"x\"*".into()));
        assert_eq!(fts_query("  ,,  "), None);
    }

    #[test]
    fn snippets_split_into_hits_and_context() {
        let parts = split_snippet("the \u{1}budget\u{2} was approved");
        assert_eq!(parts.len(), 3);
        assert!(parts[1].hit && parts[1].text == "budget");
    }
}
