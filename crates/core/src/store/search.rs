//! Full-text search across accounts, contacts, notes, opportunities and objections (FTS5 finds,
//! BM25 ranks, with snippets).

use crate::domain::{EntityKind, Id};
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// A piece of a snippet; `hit` marks the words that matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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

/// The words of what the user typed, as the index splits them (letters and digits).
fn words(input: &str) -> impl Iterator<Item = &str> {
    input.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

/// The last word is searched as a prefix once it has this many characters: a one- or
/// two-letter prefix matches most of a large book and says little.
const MIN_PREFIX: usize = 3;

/// Turns what the user typed into an FTS5 query: each word quoted (no operators from input),
/// all words required, the last one as a prefix so results come while typing.
pub fn fts_query(input: &str) -> Option<String> {
    fts_query_with(input, true)
}

fn fts_query_with(input: &str, allow_prefix: bool) -> Option<String> {
    let words: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .map(|w| w.trim_matches(|c| c == '\'' || c == '-'))
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| w.replace('"', ""))
        .collect();
    let last = words.last()?;
    let prefix = allow_prefix && last.chars().filter(|c| c.is_alphanumeric()).count() >= MIN_PREFIX;
    let mut q = words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(" ");
    if prefix {
        q.push('*');
    }
    Some(q)
}

/// How many matches of one kind are ranked. A query matching more (a common word in a book of
/// two million notes) ranks the newest this many.
const CANDIDATES: usize = 150;

/// How many of the newest records are read to find a prefix before asking the index.
const SCAN: usize = 200;

/// The newest `n` matches of `q` in `kind`. FTS5 reads a whole word's postings lazily, newest
/// first, so this stops early however common the word.
fn candidates(conn: &Connection, kind: EntityKind, q: &str, n: usize) -> Result<Vec<i64>> {
    let t = kind.table();
    let sql = format!("SELECT rowid FROM {t}_fts WHERE {t}_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2");
    let rids = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params![q, n as i64], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rids)
}

/// A live record that matched, with what ranking and the snippet need.
struct Found {
    rid: i64,
    id: Id,
    title: Option<String>,
    account: Option<String>,
    texts: Vec<Option<String>>,
    tf: Vec<f64>,
    len: f64,
}

fn select_sql(kind: EntityKind, cols: &[&str], tail: &str) -> String {
    format!(
        "SELECT rid, id, {title}, {acct}, {cols} FROM {t} WHERE cl % 2 = 1 {tail}",
        title = title_expr(kind),
        acct = account_expr(kind),
        cols = cols.join(", "),
        t = kind.table()
    )
}

/// `(rid, id, title, account, indexed texts)` of a read row.
type Row = (i64, String, Option<String>, Option<String>, Vec<Option<String>>);

fn found_from_row(r: &rusqlite::Row<'_>, ncols: usize) -> rusqlite::Result<Row> {
    let texts = (0..ncols).map(|i| r.get::<_, Option<String>>(4 + i)).collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, texts))
}

/// Reads the records `rids` (newest first) and keeps up to `want` of them; with `all`, only
/// those holding every query word (the index has checked all but the prefix).
fn load(conn: &Connection, kind: EntityKind, cols: &[&str], rids: &[i64], terms: &Terms, all: bool, want: usize) -> Result<Vec<Found>> {
    let mut stmt = conn.prepare_cached(&select_sql(kind, cols, "AND rid = ?1"))?;
    let mut out = Vec::new();
    for &rid in rids {
        if out.len() >= want {
            break;
        }
        let Some(row) = stmt.query_row([rid], |r| found_from_row(r, cols.len())).optional()? else { continue };
        if let Some(f) = terms.found(row, all) {
            out.push(f);
        }
    }
    Ok(out)
}

/// Reads the newest [`SCAN`] records and keeps up to `want` holding every query word; says
/// whether that was every record.
fn scan_recent(conn: &Connection, kind: EntityKind, cols: &[&str], terms: &Terms, want: usize) -> Result<(Vec<Found>, bool)> {
    let mut stmt = conn.prepare_cached(&select_sql(kind, cols, "ORDER BY rid DESC LIMIT ?1"))?;
    let mut rows = stmt.query([SCAN as i64])?;
    let mut out = Vec::new();
    let mut read = 0;
    while let Some(r) = rows.next()? {
        read += 1;
        if let Some(f) = terms.found(found_from_row(r, cols.len())?, true) {
            out.push(f);
            if out.len() >= want {
                break;
            }
        }
    }
    Ok((out, read < SCAN))
}

/// Searches the given kinds (all searchable kinds when empty); best first.
///
/// The index finds the newest matches; they are ranked here with BM25 (the query words'
/// frequency in each record, damped by its length, a name or title counting double). FTS5's
/// own `bm25()` first counts every record holding each word, which for a common word in a
/// large book costs more than the whole search should.
///
/// The last word is first taken whole. Only when that finds less than a page is it taken as
/// the prefix of longer words, found without a prefix query where possible: FTS5 reads every
/// posting of every word a prefix matches, tens of milliseconds for a common prefix in a large
/// book. The other words (taken whole, lazily) or, for a single word, the newest records are
/// read and checked for the prefix; the index's prefix query is the last resort, for prefixes
/// so rare that it is cheap.
pub fn search(conn: &Connection, input: &str, kinds: &[EntityKind], limit: usize) -> Result<Vec<SearchHit>> {
    let Some(exact) = fts_query_with(input, false) else { return Ok(Vec::new()) };
    let prefixed = fts_query(input).filter(|p| *p != exact);
    let rest = fts_query_with(&words(input).collect::<Vec<_>>().split_last().map(|(_, r)| r.join(" ")).unwrap_or_default(), false);
    let limit = limit.clamp(1, 200);
    let kinds: Vec<EntityKind> = if kinds.is_empty() { SEARCHABLE.to_vec() } else { kinds.iter().copied().filter(|k| SEARCHABLE.contains(k)).collect() };
    let mut hits = Vec::new();
    for kind in kinds {
        let Some(cols) = fts_columns(kind) else { continue };
        let mut terms = Terms::new(input, false);
        let rids = candidates(conn, kind, &exact, CANDIDATES)?;
        let mut found = load(conn, kind, cols, &rids, &terms, false, CANDIDATES)?;
        if let Some(p) = prefixed.as_deref().filter(|_| found.len() < limit) {
            terms = Terms::new(input, true);
            // `complete`: every record holding the other words (or every record) was read.
            let complete;
            (found, complete) = match &rest {
                Some(rest) => {
                    let rids = candidates(conn, kind, rest, SCAN)?;
                    (load(conn, kind, cols, &rids, &terms, true, CANDIDATES)?, rids.len() < SCAN)
                }
                None => scan_recent(conn, kind, cols, &terms, CANDIDATES)?,
            };
            if found.len() < limit && !complete {
                found = load(conn, kind, cols, &candidates(conn, kind, p, CANDIDATES)?, &terms, false, CANDIDATES)?;
            }
        }
        let avg_len = (found.iter().map(|f| f.len).sum::<f64>() / found.len().max(1) as f64).max(1.0);
        let mut scored: Vec<(f64, usize)> = found.iter().enumerate().map(|(i, f)| (bm25(&f.tf, f.len, avg_len), i)).collect();
        scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(found[b.1].rid.cmp(&found[a.1].rid)));
        for (score, i) in scored.into_iter().take(limit) {
            let f = &found[i];
            hits.push(SearchHit {
                kind,
                id: f.id,
                title: f.title.clone().unwrap_or_default(),
                account_id: f.account.as_deref().and_then(|s| uuid::Uuid::parse_str(s).ok()),
                snippet: terms.snippet(&f.texts),
                score,
            });
        }
    }
    hits.sort_by(|a, b| a.score.partial_cmp(&b.score).unwrap_or(std::cmp::Ordering::Equal));
    hits.truncate(limit);
    Ok(hits)
}

/// BM25 (k1 = 1.2, b = 0.75) of one record, negated so that lower is better like FTS5's; every
/// query word weighs the same (each candidate holds them all).
fn bm25(tf: &[f64], len: f64, avg_len: f64) -> f64 {
    const K1: f64 = 1.2;
    const B: f64 = 0.75;
    -tf.iter().map(|&f| f * (K1 + 1.0) / (f + K1 * (1.0 - B + B * len / avg_len))).sum::<f64>()
}

/// The spans of the words of `s`, as the index splits them (letters and digits).
fn spans(s: &str) -> Vec<(usize, usize)> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 6);
    let mut start = None;
    let mut i = 0;
    while i < bytes.len() {
        let (word_char, width) = match bytes[i] {
            b if b < 0x80 => (b.is_ascii_alphanumeric(), 1),
            _ => match s[i..].chars().next() {
                Some(c) => (c.is_alphanumeric(), c.len_utf8()),
                None => (false, 1),
            },
        };
        match (word_char, start) {
            (true, None) => start = Some(i),
            (false, Some(b)) => {
                out.push((b, i));
                start = None;
            }
            _ => {}
        }
        i += width;
    }
    if let Some(b) = start {
        out.push((b, s.len()));
    }
    out
}

/// Folds a word the way the index does (`unicode61 remove_diacritics`), near enough to mark
/// the matching words in a snippet.
fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(&mut out, word);
    out
}

fn fold_into(out: &mut String, word: &str) {
    out.extend(word.chars().flat_map(char::to_lowercase).map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' | 'ā' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ē' | 'ě' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
            'ñ' | 'ń' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
            'ý' | 'ÿ' => 'y',
            'ś' | 'š' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'ł' => 'l',
            'ř' => 'r',
            c => c,
        }));
}

/// The query's words, for marking them in snippets.
struct Terms {
    whole: Vec<String>,
    /// The last word, matched as a prefix while the user is still typing it.
    prefix: Option<String>,
}

/// Words of context a snippet shows.
const SNIPPET_WORDS: usize = 16;

impl Terms {
    fn new(input: &str, prefix: bool) -> Terms {
        let mut whole: Vec<String> = words(input).take(16).map(fold).collect();
        let prefix = match whole.last() {
            Some(w) if prefix && w.chars().count() >= MIN_PREFIX => whole.pop(),
            _ => None,
        };
        Terms { whole, prefix }
    }

    fn matches(&self, word: &str) -> bool {
        self.which(&fold(word)).is_some()
    }

    /// Which query word a folded word matches (the prefix is the last).
    fn which(&self, w: &str) -> Option<usize> {
        self.whole
            .iter()
            .position(|t| t == w)
            .or_else(|| self.prefix.as_ref().filter(|p| w.starts_with(p.as_str())).map(|_| self.whole.len()))
    }

    /// A read row as a match, unless `all` is asked and it lacks a query word.
    fn found(&self, row: Row, all: bool) -> Option<Found> {
        let (rid, id, title, account, texts) = row;
        let id = uuid::Uuid::parse_str(&id).ok()?;
        let (tf, len) = self.frequencies(&texts);
        if all && tf.contains(&0.0) {
            return None;
        }
        Some(Found { rid, id, title, account, texts, tf, len })
    }

    /// How often each query word occurs (the first column, a name or title, counting double)
    /// and how many words the record has.
    fn frequencies(&self, texts: &[Option<String>]) -> (Vec<f64>, f64) {
        let mut tf = vec![0.0; self.whole.len() + usize::from(self.prefix.is_some())];
        let mut len = 0.0;
        for (col, text) in texts.iter().enumerate() {
            let Some(text) = text else { continue };
            let weight = if col == 0 { 2.0 } else { 1.0 };
            let mut buf = String::new();
            for (a, b) in spans(text) {
                len += 1.0;
                let word = &text[a..b];
                let folded = if word.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) {
                    word
                } else if word.is_ascii() {
                    buf.clear();
                    buf.extend(word.bytes().map(|c| c.to_ascii_lowercase() as char));
                    buf.as_str()
                } else {
                    buf.clear();
                    fold_into(&mut buf, word);
                    buf.as_str()
                };
                if let Some(k) = self.which(folded) {
                    tf[k] += weight;
                }
            }
        }
        (tf, len)
    }

    /// A window of about [`SNIPPET_WORDS`] words around the first match, from the column with
    /// the most matches, with the matching words marked.
    fn snippet(&self, texts: &[Option<String>]) -> Vec<SnippetPart> {
        // (matches, text, word spans, which words match)
        type Column<'t> = (usize, &'t str, Vec<(usize, usize)>, Vec<bool>);
        let mut best: Option<Column<'_>> = None;
        for text in texts.iter().flatten() {
            let words = spans(text);
            let hit: Vec<bool> = words.iter().map(|&(a, b)| self.matches(&text[a..b])).collect();
            let n = hit.iter().filter(|h| **h).count();
            if best.as_ref().is_none_or(|b| n > b.0) {
                best = Some((n, text.as_str(), words, hit));
            }
        }
        let Some((_, text, words, hit)) = best else { return Vec::new() };
        if words.is_empty() {
            return Vec::new();
        }
        let first = hit.iter().position(|h| *h).unwrap_or(0);
        let from = first.saturating_sub(SNIPPET_WORDS / 3);
        let to = (from + SNIPPET_WORDS).min(words.len());
        let mut parts: Vec<SnippetPart> = Vec::new();
        let mut push = |text: &str, is_hit: bool| match parts.last_mut() {
            Some(last) if last.hit == is_hit => last.text.push_str(text),
            _ => parts.push(SnippetPart { text: text.to_string(), hit: is_hit }),
        };
        if from > 0 {
            push("…", false);
        }
        let mut pos = words[from].0;
        for k in from..to {
            let (a, b) = words[k];
            if a > pos {
                push(&text[pos..a], false);
            }
            push(&text[a..b], hit[k]);
            pos = b;
        }
        if to < words.len() {
            push("…", false);
        }
        parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_cannot_inject_fts_operators() {
        assert_eq!(fts_query("price OR \"NEAR(x"), Some("\"price\" \"OR\" \"NEAR\" \"x\"".into()));
        assert_eq!(fts_query("price NEAR(xyz"), Some("\"price\" \"NEAR\" \"xyz\"*".into()));
        assert_eq!(fts_query("  ,,  "), None);
    }

    #[test]
    fn only_a_last_word_of_three_letters_or_more_is_a_prefix() {
        assert_eq!(fts_query("security re"), Some("\"security\" \"re\"".into()));
        assert_eq!(fts_query("security rev"), Some("\"security\" \"rev\"*".into()));
    }

    #[test]
    fn snippets_mark_the_matching_words_in_the_best_column() {
        let terms = Terms::new("budget appro", true);
        let texts = [Some("Call".to_string()), Some("After lunch the Budget was finally approved by the CFO.".to_string())];
        let parts = terms.snippet(&texts);
        let hits: Vec<&str> = parts.iter().filter(|p| p.hit).map(|p| p.text.as_str()).collect();
        assert_eq!(hits, ["Budget", "approved"]);
        let text: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(text, "After lunch the Budget was finally approved by the CFO");
    }

    #[test]
    fn long_text_is_cut_around_the_first_match() {
        let long = format!("{} kubernetes {}", "word ".repeat(40), "tail ".repeat(40));
        let parts = Terms::new("Kubernetes", true).snippet(&[Some(long)]);
        let text: String = parts.iter().map(|p| p.text.as_str()).collect();
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert!(parts.iter().any(|p| p.hit && p.text == "kubernetes"));
        assert!(text.split_whitespace().count() <= SNIPPET_WORDS + 2);
    }

    #[test]
    fn diacritics_are_folded_when_marking() {
        let parts = Terms::new("krakow", true).snippet(&[Some("Fabryka Kraków".to_string())]);
        assert!(parts.iter().any(|p| p.hit && p.text == "Kraków"));
    }
}
