//! The SARIF 2.1.0 objects sovscan writes, as serde shapes: field order is fixed and empty
//! optional members are left out, so equal reports give equal bytes.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

/// The `sarifLog`: one run.
#[derive(Serialize)]
pub struct Log {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: [Run; 1],
}

/// The `run`: the tool, its invocation and every result.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub tool: Tool,
    pub invocations: [Invocation; 1],
    pub original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    pub results: Vec<SarifResult>,
    /// Columns count bytes in sovscan; for ASCII lines that equals UTF-16 code units.
    pub column_kind: &'static str,
}

/// The `tool`: only its driver.
#[derive(Serialize)]
pub struct Tool {
    pub driver: Driver,
}

/// The driver `toolComponent`: sovscan and the rules that fired.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    pub name: &'static str,
    pub version: &'static str,
    pub semantic_version: &'static str,
    pub rules: Vec<Descriptor>,
}

/// A `reportingDescriptor`: one rule.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    pub id: String,
    pub name: String,
    pub short_description: Text,
    pub full_description: Text,
    pub help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_uri: Option<String>,
    pub default_configuration: Configuration,
    pub properties: BTreeMap<&'static str, Value>,
}

/// A `message` or `multiformatMessageString` with plain text.
#[derive(Serialize)]
pub struct Text {
    pub text: String,
}

/// A rule's help, in text and Markdown.
#[derive(Serialize)]
pub struct Help {
    pub text: String,
    pub markdown: String,
}

/// A `reportingConfiguration`: the rule's default level.
#[derive(Serialize)]
pub struct Configuration {
    pub level: &'static str,
}

/// A `result`: one finding.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: String,
    pub rule_index: usize,
    pub level: &'static str,
    pub message: Text,
    pub locations: [SarifLocation; 1],
    pub partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<SarifSuppression>,
    pub properties: BTreeMap<&'static str, Value>,
}

/// A `location`: physical, logical or both.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub logical_locations: Vec<LogicalLocation>,
}

/// A `physicalLocation`: an artifact and a region in it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
}

/// An `artifactLocation`: a URI reference and its base.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri_base_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

/// A `region`: a start line, with a column, a byte offset or a snippet.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_column: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byte_offset: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<Text>,
}

/// A `logicalLocation`: an archive member, a DNS record or a domain.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogicalLocation {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fully_qualified_name: Option<String>,
    pub kind: &'static str,
}

/// A `suppression`: why a finding no longer counts.
#[derive(Serialize)]
pub struct SarifSuppression {
    pub kind: &'static str,
    pub status: &'static str,
    pub justification: String,
    pub properties: BTreeMap<&'static str, Value>,
}

/// The `invocation`, with the inputs that could not be read.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invocation {
    pub execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_execution_notifications: Vec<Notification>,
}

/// A `notification`: one input problem.
#[derive(Serialize)]
pub struct Notification {
    pub level: &'static str,
    pub message: Text,
    pub descriptor: DescriptorReference,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<SarifLocation>,
}

/// A `reportingDescriptorReference`: the problem's kind.
#[derive(Serialize)]
pub struct DescriptorReference {
    pub id: &'static str,
}

/// A [`Text`] from anything stringy.
pub fn text(s: impl Into<String>) -> Text {
    Text { text: s.into() }
}
