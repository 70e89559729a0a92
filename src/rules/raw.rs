//! The on-disk form of a rule pack: exactly what serde reads from TOML, before any checking.
//!
//! Nothing here is trusted. [`super::validate`] turns these into the compiled form and reports
//! every problem it finds at once.

use serde::Deserialize;

/// One `rules/vendors/<vendor-id>.toml` file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVendorPack {
    pub vendor: RawVendor,
    #[serde(default, rename = "rule")]
    pub rules: Vec<RawRule>,
}

/// The `[vendor]` table: who the vendor is and which jurisdiction it answers to.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVendor {
    pub id: String,
    pub name: String,
    /// ISO 3166-1 alpha-2 country of the vendor's registered office.
    pub legal_seat: String,
    /// The ultimate parent company (the vendor itself when independent).
    pub parent: String,
    /// ISO 3166-1 alpha-2 country of the ultimate parent: this is the vendor's jurisdiction.
    pub parent_country: String,
    /// Date (YYYY-MM-DD) on which the ownership facts were last checked.
    pub as_of: String,
    /// URL of the source for the ownership facts.
    pub source: String,
    #[serde(default)]
    pub notes: Option<String>,
    /// Dated ownership changes, oldest first.
    #[serde(default)]
    pub history: Vec<RawHistory>,
}

/// One `[[vendor.history]]` entry: a dated change of ownership or seat.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHistory {
    /// YYYY-MM or YYYY-MM-DD.
    pub date: String,
    pub event: String,
}

/// One `[[rule]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: String,
    pub service: String,
    pub category: String,
    pub kind: String,
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Required for every kind but `ip`.
    #[serde(default)]
    pub regex: Option<String>,
    /// `kind = "dns"`: which record values the regex applies to (mx, spf, txt, ...).
    #[serde(default)]
    pub records: Vec<String>,
    /// `kind = "binary"`: which extracted features the regex applies to (library, signer, ...).
    #[serde(default)]
    pub features: Vec<String>,
    /// `kind = "ip"`: the name of a `rules/ip-ranges/<name>.txt` file.
    #[serde(default)]
    pub ranges: Option<String>,
    /// File-level veto: when the file also matches this regex, the rule reports nothing there
    /// (e.g. an S3 backend whose `endpoint` points at an EU S3-compatible provider).
    #[serde(default)]
    pub unless: Option<String>,
    pub strength: String,
    pub description: String,
    pub rationale: String,
    pub remediation: String,
    #[serde(default)]
    pub references: Vec<String>,
    pub examples: Option<RawExamples>,
}

/// Examples that every rule carries: lines it must find and look-alikes it must leave alone.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExamples {
    #[serde(rename = "match", default)]
    pub matches: Vec<String>,
    #[serde(default)]
    pub no_match: Vec<String>,
}

/// `rules/categories.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCategories {
    #[serde(default, rename = "category")]
    pub categories: Vec<RawCategory>,
}

/// One `[[category]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    pub id: String,
    pub name: String,
    pub weight: u32,
    pub weight_reason: String,
    #[serde(default)]
    pub objectives: Vec<String>,
    /// Which scanners can see the category (`files`, `dns`).
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default, rename = "alternative")]
    pub alternatives: Vec<RawAlternative>,
}

/// An EU or open-source alternative listed for a category.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlternative {
    pub name: String,
    /// ISO country of the vendor behind the alternative, or "OSS" for a community project.
    pub seat: String,
    #[serde(default)]
    pub caveat: Option<String>,
}
