//! sovscan: measures how far an organisation depends on vendors outside its trusted
//! jurisdictions.
//!
//! Data flows one way: inputs -> scanners ([`scan`]) -> [`Finding`]s -> scorer ([`score`]) ->
//! reports ([`report`]). The library never prints to the terminal on its own: the CLI entry
//! ([`cli::run`]) writes to the writer it is given, and `main.rs` only maps results to exit
//! codes.

pub mod audit;
pub mod cli;
pub mod config;
pub mod dns;
pub mod error;
pub mod finding;
pub mod gate;
pub mod redact;
pub mod report;
pub mod rules;
pub mod scan;
pub mod score;
pub mod suppress;

pub use error::{Error, ExitStatus};
pub use finding::{ErrorKind, Finding, Location, ScanError};
pub use report::Report;
pub use rules::{RuleSet, Strength};
