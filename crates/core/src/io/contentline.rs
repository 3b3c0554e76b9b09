//! The line format iCalendar (RFC 5545) and vCard (RFC 6350, 2426) share: folded lines,
//! `NAME;PARAM=value;PARAM="quoted":value`, and backslash escapes in text.

/// One unfolded content line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line in the file where it starts.
    pub line: usize,
    /// Upper-cased, without a group prefix (`item1.EMAIL` -> `EMAIL`).
    pub name: String,
    /// Parameter names upper-cased; values unquoted.
    pub params: Vec<(String, String)>,
    pub value: String,
}

impl Line {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Whether a `TYPE` parameter (in any of its spellings) lists `t`.
    pub fn has_type(&self, t: &str) -> bool {
        self.params.iter().any(|(k, v)| (k == "TYPE" || k == t) && v.split(',').any(|x| x.eq_ignore_ascii_case(t)))
            || self.params.iter().any(|(k, v)| k.is_empty() && v.eq_ignore_ascii_case(t))
    }
}

/// Unfolds and splits a file into content lines. Lines that are not `NAME:value` are skipped.
pub fn parse(text: &str) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let mut cur: Option<(usize, String)> = None;
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t']) {
            if let Some((_, s)) = cur.as_mut() {
                s.push_str(rest);
                continue;
            }
        }
        if let Some((n, s)) = cur.take() {
            if let Some(l) = split(n, &s) {
                out.push(l);
            }
        }
        if !raw.trim().is_empty() {
            cur = Some((i + 1, raw.to_string()));
        }
    }
    if let Some((n, s)) = cur {
        if let Some(l) = split(n, &s) {
            out.push(l);
        }
    }
    out
}

fn split(line: usize, s: &str) -> Option<Line> {
    // The value starts at the first ':' outside a quoted parameter value.
    let mut in_quote = false;
    let mut colon = None;
    for (i, c) in s.char_indices() {
        match c {
            '"' => in_quote = !in_quote,
            ':' if !in_quote => {
                colon = Some(i);
                break;
            }
            _ => {}
        }
    }
    let colon = colon?;
    let (head, value) = (&s[..colon], &s[colon + 1..]);
    let mut parts = split_unquoted(head, ';').into_iter();
    let name = parts.next()?.trim().to_uppercase();
    let name = name.rsplit('.').next().unwrap_or(&name).to_string();
    if name.is_empty() {
        return None;
    }
    let params = parts
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.trim().to_uppercase(), v.trim().trim_matches('"').to_string()),
            // vCard 2.1 style bare types (`TEL;WORK;VOICE:`).
            None => (String::new(), p.trim().to_string()),
        })
        .collect();
    Some(Line { line, name, params, value: value.to_string() })
}

fn split_unquoted(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut in_quote = false;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c == '"' {
            in_quote = !in_quote;
        } else if c == sep && !in_quote {
            out.push(&s[start..i]);
            start = i + 1;
        }
    }
    out.push(&s[start..]);
    out
}

/// Text with its escapes undone (`\n`, `\,`, `\;`, `\\`).
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(o) => out.push(o),
            None => {}
        }
    }
    out
}

/// Splits a structured value (`N:Nowak;Ana;;;`) at unescaped `sep`.
pub fn components(s: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            cur.push(c);
            if let Some(n) = it.next() {
                cur.push(n);
            }
        } else if c == sep {
            out.push(unescape(&cur));
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    out.push(unescape(&cur));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_lines_quoted_params_and_escapes() {
        let text = "BEGIN:VEVENT\r\nDESCRIPTION:Join: https://zoom.us/j/123\r\n 45?pwd=abc\\, then\\nagenda\r\nATTENDEE;CN=\"Nowak, Ana\";ROLE=REQ-PARTICIPANT:mailto:ana@acme.com\r\nitem1.EMAIL;type=INTERNET:x@y.z\r\n";
        let lines = parse(text);
        assert_eq!(lines[1].value, "Join: https://zoom.us/j/12345?pwd=abc\\, then\\nagenda");
        assert_eq!(unescape(&lines[1].value), "Join: https://zoom.us/j/12345?pwd=abc, then\nagenda");
        assert_eq!(lines[2].param("CN"), Some("Nowak, Ana"));
        assert_eq!(lines[2].value, "mailto:ana@acme.com");
        assert_eq!(lines[3].name, "EMAIL");
        assert_eq!(components("Nowak;Ana\\;Maria;;;", ';'), ["Nowak", "Ana;Maria", "", "", ""]);
    }
}
