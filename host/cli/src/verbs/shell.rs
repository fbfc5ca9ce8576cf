//! What clap generates from the command line's own definition: shell completions and
//! man pages, so they never drift from the verbs.

use std::path::Path;

use anyhow::{Context, Result};
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::Cli;

/// `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Directory to write `carechain.1` and one page per verb (`carechain-call.1`, ...)
    /// into; created if missing.
    pub dir: std::path::PathBuf,
}

/// Prints the completion script for `args.shell` on stdout.
pub(super) fn completions(args: &CompletionsArgs) -> Result<()> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "carechain", &mut std::io::stdout());
    Ok(())
}

/// Writes the man pages into `args.dir` and lists them.
///
/// # Errors
/// The directory cannot be created or written.
pub(super) fn man_pages(args: &ManArgs) -> Result<()> {
    let dir: &Path = &args.dir;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    clap_mangen::generate_to(Cli::command(), dir)
        .with_context(|| format!("writing man pages into {}", dir.display()))?;
    let mut pages: Vec<String> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("carechain") && n.ends_with(".1"))
        .collect();
    pages.sort();
    for page in pages {
        println!("{}", dir.join(page).display());
    }
    Ok(())
}
