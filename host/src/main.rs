//! The `carechain` binary: see [`carechain_host::cli`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = carechain_host::cli::Cli::parse();
    match carechain_host::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
