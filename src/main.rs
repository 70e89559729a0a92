//! The `sovscan` binary: parse arguments, run the library, map the result to an exit code.

use std::process::ExitCode;

use clap::Parser;
use sovscan::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match run(cli, &mut std::io::stdout().lock()) {
        Ok(status) => status.code(),
        Err(e) if e.is_broken_pipe() => 0,
        Err(e) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("error: {}", e.to_string().trim_end());
            }
            2
        }
    };
    ExitCode::from(status as u8)
}
