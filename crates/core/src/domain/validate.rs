//! Field checks shared by entities. Each returns an error naming the field and saying why.

use crate::error::{Error, Result};

pub fn max_len(field: &str, value: &str, max: usize) -> Result<()> {
    let n = value.chars().count();
    if n > max {
        return Err(Error::invalid(field, format!("is too long ({n} characters; at most {max})")));
    }
    Ok(())
}

pub fn opt_max_len(field: &str, value: &Option<String>, max: usize) -> Result<()> {
    match value {
        Some(v) => max_len(field, v, max),
        None => Ok(()),
    }
}

pub fn email(field: &str, value: &str) -> Result<()> {
    let v = value.trim();
    let ok = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
                && domain.matches('@').count() == 0
        }
        None => false,
    };
    if !ok {
        return Err(Error::invalid(field, format!("'{v}' is not an email address")));
    }
    max_len(field, v, 254)
}

/// A URL the user can click: http(s) only (no javascript:, file:).
pub fn url(field: &str, value: &str) -> Result<()> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !v.chars().any(char::is_whitespace) => max_len(field, v, 2048),
        _ => Err(Error::invalid(field, format!("'{v}' is not a web address (it must start with https://)"))),
    }
}

/// A bare domain such as `acme.com` (the caller normalises URLs to it first).
pub fn domain(field: &str, value: &str) -> Result<()> {
    let ok = value.len() <= 253
        && value.contains('.')
        && value.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(field, format!("'{value}' is not a domain such as example.com")))
    }
}

/// Turns `https://www.Acme.com/about` into `acme.com`.
pub fn normalize_domain(value: &str) -> String {
    let v = value.trim().to_lowercase();
    let v = v.strip_prefix("https://").or_else(|| v.strip_prefix("http://")).unwrap_or(&v).to_string();
    let v = v.split(['/', '?', '#']).next().unwrap_or("").to_string();
    let v = v.strip_prefix("www.").unwrap_or(&v).to_string();
    v.trim_end_matches('.').to_string()
}

pub fn phone(field: &str, value: &str) -> Result<()> {
    let v = value.trim();
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let allowed = v.chars().all(|c| c.is_ascii_digit() || " +-().x/".contains(c));
    if !allowed || !(5..=20).contains(&digits) {
        return Err(Error::invalid(field, format!("'{v}' is not a phone number")));
    }
    Ok(())
}

/// ISO 4217-shaped: three upper-case letters.
pub fn currency(field: &str, value: &str) -> Result<()> {
    if value.len() == 3 && value.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(Error::invalid(field, format!("'{value}' is not a currency code such as USD or EUR")))
    }
}

pub fn time_zone(field: &str, value: &str) -> Result<()> {
    value
        .parse::<chrono_tz::Tz>()
        .map(|_| ())
        .map_err(|_| Error::invalid(field, format!("'{value}' is not a time zone such as Europe/Warsaw")))
}

pub fn non_negative(field: &str, value: i64) -> Result<()> {
    if value < 0 {
        return Err(Error::invalid(field, "must not be negative"));
    }
    Ok(())
}

pub fn range(field: &str, value: i64, lo: i64, hi: i64) -> Result<()> {
    if value < lo || value > hi {
        return Err(Error::invalid(field, format!("must be between {lo} and {hi}")));
    }
    Ok(())
}

pub fn tags(field: &str, values: &[String]) -> Result<()> {
    if values.len() > 50 {
        return Err(Error::invalid(field, "has more than 50 entries"));
    }
    for v in values {
        if v.trim().is_empty() {
            return Err(Error::invalid(field, "has an empty entry"));
        }
        max_len(field, v, 64)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_for_shape() {
        assert!(email("email", "ana@acme.com").is_ok());
        for bad in ["ana", "ana@", "@acme.com", "ana@acme", "a b@acme.com", "ana@@acme.com"] {
            assert!(email("email", bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn urls_must_be_http_and_never_script() {
        assert!(url("link", "https://zoom.us/j/123").is_ok());
        assert!(url("link", "javascript:alert(1)").is_err());
        assert!(url("link", "file:///etc/passwd").is_err());
    }

    #[test]
    fn domains_are_normalised_from_urls() {
        assert_eq!(normalize_domain("https://www.Acme.com/about?x"), "acme.com");
        assert!(domain("domain", "acme.com").is_ok());
        assert!(domain("domain", "acme").is_err());
        assert!(domain("domain", "ac me.com").is_err());
    }

    #[test]
    fn phones_and_currencies() {
        assert!(phone("phone", "+48 (22) 555-0100").is_ok());
        assert!(phone("phone", "call me").is_err());
        assert!(currency("currency", "EUR").is_ok());
        assert!(currency("currency", "eur").is_err());
    }
}
