//! Reports: one module per output format. A report formats; it never decides.

pub mod csv;
pub mod explain;
pub mod html;
pub mod json;
pub mod sarif;
pub mod table;

use serde::Serialize;

use crate::dns::DomainSummary;
use crate::finding::{Finding, ScanError};
use crate::gate::BaselineDiff;
use crate::rules::RuleSet;
use crate::scan::Stats;
use crate::score::{
    Assessed, Assessment, CategoryScore, Dependency, ObjectiveScore, VendorSummary,
};

/// Version of the JSON contract; bumped on every change to the report's shape.
pub const SCHEMA_VERSION: &str = "1.4.0";

/// The whole result of a run: every organisation, every input problem, the counters.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    pub schema_version: &'static str,
    pub tool: Tool,
    pub organisations: Vec<OrganisationReport>,
    pub errors: Vec<ScanError>,
    pub stats: Stats,
    /// With `--baseline`: the findings that are new and those that are fixed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineDiff>,
    /// With `--fail-under` or `--fail-on`: whether the run passes, and why not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<Gate>,
}

/// The verdict of the CI gate.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Gate {
    pub passed: bool,
    /// One line per failed condition.
    pub failures: Vec<String>,
}

/// Name and version of the tool that wrote the report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Default for Tool {
    fn default() -> Self {
        Self {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// One organisation: its score and all its evidence.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OrganisationReport {
    pub name: String,
    /// 0-100; `null` when no category could be assessed.
    pub score: Option<u32>,
    pub grade: &'static str,
    /// Estimated SEAL level (0-4): the lowest of the assessed categories.
    pub seal: Option<u8>,
    /// How the overall score was reached.
    pub explanation: OverallExplanation,
    pub categories: Vec<CategoryScore>,
    pub assessed: Assessed,
    pub objectives: Vec<ObjectiveScore>,
    pub dependencies: Vec<Dependency>,
    /// Per scanned domain: mail provider, gateway, senders, DNS and web hosting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<DomainSummary>,
    pub vendors: Vec<VendorSummary>,
    pub findings: Vec<Finding>,
}

/// The overall score spelled out: the weakest link scaled by the weighted mean.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OverallExplanation {
    /// Weighted mean of the assessed categories (those without evidence count as 100).
    pub mean: Option<u32>,
    /// The category that caps the score, and its cap (absent when no category caps it).
    pub weakest_link: Option<WeakestLink>,
    pub summary: String,
}

/// The category that caps the overall score.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WeakestLink {
    pub category: String,
    pub cap: u32,
}

impl OrganisationReport {
    /// Joins an organisation's name, assessment and findings.
    pub fn new(name: String, assessment: Assessment, findings: Vec<Finding>) -> Self {
        let summary = match (assessment.score, assessment.mean, &assessment.cap) {
            (None, _, _) => {
                "no category could be assessed: nothing in scope can see them".to_owned()
            }
            (Some(s), Some(m), Some((cap, cat))) => {
                format!("score {s} = weakest link {cap} ({cat}) × weighted mean {m} %")
            }
            (Some(s), _, _) => format!(
                "score {s} = weighted mean of the {} assessed categories",
                assessment.assessed.categories.len()
            ),
        };
        Self {
            name,
            score: assessment.score,
            grade: assessment.grade,
            seal: assessment.seal,
            explanation: OverallExplanation {
                mean: assessment.mean,
                weakest_link: assessment
                    .cap
                    .map(|(cap, category)| WeakestLink { category, cap }),
                summary,
            },
            categories: assessment.categories,
            assessed: assessment.assessed,
            objectives: assessment.objectives,
            dependencies: assessment.dependencies,
            domains: Vec::new(),
            vendors: assessment.vendors,
            findings,
        }
    }
}

impl Report {
    /// A report over the given organisations; errors are sorted for determinism.
    pub fn new(
        organisations: Vec<OrganisationReport>,
        mut errors: Vec<ScanError>,
        stats: Stats,
    ) -> Self {
        errors.sort();
        errors.dedup();
        Self {
            schema_version: SCHEMA_VERSION,
            tool: Tool::default(),
            organisations,
            errors,
            stats,
            baseline: None,
            gate: None,
        }
    }

    /// The lowest organisation score (100 when there is none); an organisation that could not
    /// be assessed counts as 0, so a gate never passes on nothing.
    pub fn min_score(&self) -> u32 {
        self.organisations
            .iter()
            .map(|o| o.score.unwrap_or(0))
            .min()
            .unwrap_or(100)
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable summary per organisation.
    Table,
    /// The versioned JSON contract (schema_version 1.4.0).
    Json,
    /// How every score was reached, with the findings behind each deduction.
    Explain,
    /// SARIF 2.1.0 for code scanning (GitHub, GitLab).
    Sarif,
    /// A self-contained HTML report for people.
    Html,
    /// One row per organisation × vendor × service, for spreadsheets.
    Csv,
}

/// The JSON Schema of the report (committed as `schemas/report.schema.json`).
pub fn schema() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Report)).unwrap_or_default();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$id".to_owned(),
            serde_json::Value::String(format!(
                "https://sovscan.invalid/schemas/report-{SCHEMA_VERSION}.schema.json"
            )),
        );
        obj.insert(
            "description".to_owned(),
            serde_json::Value::String(format!(
                "A sovscan report, schema_version {SCHEMA_VERSION}. Generated from the Rust types; see README.md."
            )),
        );
    }
    schema
}

/// Writes `report` in `format`; `rules` supplies rule texts for formats that carry them.
pub fn write(
    report: &Report,
    rules: &RuleSet,
    format: Format,
    style: table::TableStyle,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Csv => csv::write(report, out),
        Format::Sarif => sarif::write(report, rules, out),
        Format::Html => html::write(report, out),
        Format::Table => table::write(report, style, out),
        Format::Json => json::write(report, out),
        Format::Explain => explain::write(&serde_json::to_value(report)?, None, out),
    }
}
