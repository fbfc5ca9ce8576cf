//! The `carechain` binary: see [`carechain_cli`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = carechain_cli::Cli::parse();
    // Like other Unix tools, a client verb ends quietly when the reader of its output
    // goes away (`carechain block | head`). The node keeps Rust's default (SIGPIPE
    // ignored): a client hanging up must never kill it.
    #[cfg(unix)]
    if !matches!(cli.command, carechain_cli::Command::Node(_)) {
        // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    let json = cli.output == carechain_cli::Format::Json;
    match carechain_cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // In JSON, stdout holds one document: the verb's report, or the error.
            if json && !carechain_cli::reported(&e) {
                println!("{}", carechain_cli::error_document(&e));
            } else {
                eprintln!("error: {e:#}");
            }
            std::process::ExitCode::FAILURE
        }
    }
}
