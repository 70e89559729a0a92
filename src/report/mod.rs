//! Reports: one module per output format. A report formats; it never decides.

pub mod json;
pub mod table;

use serde::Serialize;

use crate::finding::{Finding, ScanError};
use crate::scan::Stats;
use crate::score::{Assessment, CategoryScore, VendorSummary};

/// Version of the JSON contract; bumped on every change to the report's shape.
pub const SCHEMA_VERSION: &str = "1.1.0";

/// The whole result of a run: every organisation, every input problem, the counters.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: &'static str,
    pub tool: Tool,
    pub organisations: Vec<OrganisationReport>,
    pub errors: Vec<ScanError>,
    pub stats: Stats,
}

/// Name and version of the tool that wrote the report.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
pub struct OrganisationReport {
    pub name: String,
    pub score: u32,
    pub grade: &'static str,
    pub categories: Vec<CategoryScore>,
    pub vendors: Vec<VendorSummary>,
    pub findings: Vec<Finding>,
}

impl OrganisationReport {
    /// Joins an organisation's name, assessment and findings.
    pub fn new(name: String, assessment: Assessment, findings: Vec<Finding>) -> Self {
        Self {
            name,
            score: assessment.score,
            grade: assessment.grade,
            categories: assessment.categories,
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
        }
    }

    /// The lowest organisation score (100 when there is none).
    pub fn min_score(&self) -> u32 {
        self.organisations
            .iter()
            .map(|o| o.score)
            .min()
            .unwrap_or(100)
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable summary per organisation.
    Table,
    /// The versioned JSON contract (schema_version 1.1.0).
    Json,
}

/// Writes `report` in `format`.
pub fn write(report: &Report, format: Format, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    match format {
        Format::Table => table::write(report, out),
        Format::Json => json::write(report, out),
    }
}
