//! The JSON report: pretty-printed, sorted, no timestamps, so equal inputs give equal bytes.

use std::io::Write;

use super::Report;

/// Writes the report as pretty JSON followed by a newline.
pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
