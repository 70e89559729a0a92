//! Any text as sovscan.toml: parsed or rejected with problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = sovscan::config::Config::parse(text, std::path::Path::new("."), "fuzz.toml");
});
