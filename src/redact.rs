//! Removes secrets from evidence before it reaches a report.
//!
//! Evidence lines come from configs that often hold credentials next to the endpoint that
//! identifies the vendor; the endpoint stays, the secret goes.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// What replaces a secret.
pub const MASK: &str = "[REDACTED]";

/// `key = value` pairs whose key names a secret (password, token, AccountKey, ...).
static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b([a-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|accountkey|sharedaccesskey|signature|credential|auth[_-]?key)[a-z0-9_-]*)(["']?\s*(?:=|:|=>)\s*["']?)([^\s"';,&<>]+)"#,
    )
    .expect("valid redaction regex")
});

/// `scheme://user:password@host`.
static URL_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+):([^@\s/]+)@").expect("valid redaction regex")
});

/// Secrets with a recognisable shape, wherever they stand.
static SHAPED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
        r"|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{40,}\b",
        r"|\bxox[abposr]-[A-Za-z0-9-]{10,}\b",
        r"|\bAIza[0-9A-Za-z_-]{35}\b",
        r"|\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        r"|\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}",
        r"|\bglpat-[A-Za-z0-9_-]{20,}",
        r"|(?i:\b(?:bearer|basic)\s+[A-Za-z0-9._~+/=-]{12,})",
        r"|-----BEGIN [A-Z ]*PRIVATE KEY-----.*",
    ))
    .expect("valid redaction regex")
});

/// Returns `text` with anything that looks like a secret replaced by [`MASK`].
pub fn redact(text: &str) -> Cow<'_, str> {
    let step1 = URL_PASSWORD.replace_all(text, |c: &Captures<'_>| format!("{}:{MASK}@", &c[1]));
    let step2 = KEY_VALUE.replace_all(&step1, |c: &Captures<'_>| {
        let value = &c[3];
        if keeps_value(value) {
            c[0].to_owned()
        } else {
            format!("{}{}{MASK}", &c[1], &c[2])
        }
    });
    let step3 = SHAPED.replace_all(&step2, |c: &Captures<'_>| {
        let m = &c[0];
        match m.split_once(char::is_whitespace) {
            Some((scheme, _)) if !m.starts_with("-----") => format!("{scheme} {MASK}"),
            _ => MASK.to_owned(),
        }
    });
    if step3 == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(step3.into_owned())
    }
}

/// Values that are not secrets: URLs (evidence of the vendor), placeholders, references.
fn keeps_value(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || v.starts_with("${")
        || v.starts_with("$(")
        || v.starts_with("{{")
        || v.starts_with('<')
        || v.starts_with('[')
        || v.starts_with('%')
        || v == MASK
        || v.len() < 3
        || matches!(
            lower.as_str(),
            "true" | "false" | "null" | "none" | "required" | "string"
        )
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redacts_secrets_and_keeps_endpoints() {
        let cases = [
            ("password = hunter2hunter", "password = [REDACTED]"),
            ("DB_PASSWORD=\"s3cr3t!x\"", "DB_PASSWORD=\"[REDACTED]\""),
            (
                "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=abc123==;EndpointSuffix=core.windows.net",
                "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=[REDACTED];EndpointSuffix=core.windows.net",
            ),
            (
                "postgres://app:pa55word@db.eu-west-1.rds.amazonaws.com/app",
                "postgres://app:[REDACTED]@db.eu-west-1.rds.amazonaws.com/app",
            ),
            (
                "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
                "aws_access_key_id = [REDACTED]",
            ),
            ("key: AKIAIOSFODNN7EXAMPLE", "key: [REDACTED]"),
            (
                "Authorization: Bearer abcdefghijklmnop",
                "Authorization: Bearer [REDACTED]",
            ),
            (
                "token_uri = \"https://oauth2.googleapis.com/token\"",
                "token_uri = \"https://oauth2.googleapis.com/token\"",
            ),
            ("-----BEGIN RSA PRIVATE KEY-----MIIEow", "[REDACTED]"),
        ];
        for (input, want) in cases {
            assert_eq!(redact(input), want, "input: {input}");
        }
    }

    #[test]
    fn leaves_plain_config_alone() {
        for s in [
            "provider \"aws\" {",
            "url = https://s3.fr-par.scw.cloud",
            "tokens: 5",
        ] {
            assert_eq!(redact(s), s);
        }
    }
}
