//! The `carechain` command line: `node` runs a dev chain with its RPC server; the
//! client verbs (`upload`, `instantiate`, `call`, `events`, `proof`, `verify-proof`,
//! `block`, `account`, `epcis`, `sentinel`) talk to a running node (`--url`) or open a state
//! directory directly (`--state`). Arguments are written as text and transcoded from
//! the contract's metadata with `contract-transcode`, as `cargo contract` does.

mod contract;
mod decode;
mod dev;
mod epcis;
mod gas_report;
mod node_cmd;
mod output;
mod query;
mod sentinel;
mod shell;
mod storage;
mod trace;

use std::path::PathBuf;

use anyhow::{anyhow, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use carechain_rpc::Client;
pub use output::{cli_codes, error_document, reported};
pub use query::check_proof;

/// Carechain: a smart-contract chain for healthcare data.
#[derive(Debug, Parser)]
#[command(
    name = "carechain",
    version,
    about = "Carechain: run, test and inspect ink! smart contracts on a local chain that \
             behaves as pallet-contracts does, with healthcare contracts (patient consent, \
             DSCSA drug traceability, EHR access) and the sentinel that reviews their events",
    propagate_version = true
)]
pub struct Cli {
    /// Output format; `json` is stable and documented in docs/rpc.md.
    #[arg(long, short = 'o', value_enum, default_value_t = Format::Text, global = true)]
    pub output: Format,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// One JSON document per command, for scripts.
    Json,
}

/// The verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a dev chain (persisted in redb) with its JSON-RPC server.
    Node(node_cmd::NodeArgs),
    /// Upload contract code (a `.contract` bundle or a `.wasm` file).
    Upload(contract::UploadArgs),
    /// Create a contract by running a constructor.
    Instantiate(contract::InstantiateArgs),
    /// Call a contract's message.
    Call(contract::CallArgs),
    /// List recorded contract events, decoded when the contract's bundle is known.
    Events(query::EventsArgs),
    /// Print a storage proof against a block's state root.
    Proof(query::ProofArgs),
    /// Check a proof printed by `proof --output json`, offline.
    VerifyProof(query::VerifyProofArgs),
    /// List a contract's storage, decoded from its bundle's storage layout (every
    /// field and Mapping entry), with `--proof` for a Merkle proof of each cell.
    Storage(storage::StorageArgs),
    /// Print a block and its receipts.
    Block(query::BlockArgs),
    /// Print an account's balance and nonce.
    Account(query::AccountArgs),
    /// Per message min / median / max of gas, storage deposit and fee, from a scenario
    /// run on a fresh chain or from a test run's records; snapshot and `--check`.
    GasReport(gas_report::GasReportArgs),
    /// GS1 EPCIS 2.0 documents in and out of the DSCSA contract.
    #[command(subcommand)]
    Epcis(epcis::EpcisCommand),
    /// The sentinel: explain and score every EHR access and supply-chain event, and
    /// flag what needs review on chain.
    #[command(subcommand)]
    Sentinel(sentinel::SentinelCommand),
    /// A dev node's clock, blocks and snapshots: `dev time set|advance`, `dev blocks N`,
    /// `dev snapshot`, `dev revert ID`.
    #[command(subcommand)]
    Dev(dev::DevCommand),
    /// Print a shell completion script (`carechain completions bash > ~/.local/share/bash-completion/completions/carechain`).
    Completions(shell::CompletionsArgs),
    /// Write man pages for carechain and each verb into a directory.
    Man(shell::ManArgs),
}

/// Where the chain is.
#[derive(Debug, Clone, Args)]
pub(crate) struct Connection {
    /// A running node's WebSocket URL.
    #[arg(long, env = "CARECHAIN_URL", default_value = "ws://127.0.0.1:9944")]
    pub url: String,
    /// Instead of a node, open this state directory directly (no server needed).
    #[arg(long, env = "CARECHAIN_STATE")]
    pub state: Option<PathBuf>,
}

impl Connection {
    /// Connects.
    ///
    /// # Errors
    /// The node is unreachable or the directory cannot be opened.
    pub(crate) fn connect(&self) -> Result<Client> {
        match &self.state {
            // A client verb reads a chain; it never starts one in a mistyped path.
            Some(dir) if !dir.join("chain.redb").is_file() => Err(anyhow!(
                "{}: no chain here (no chain.redb); start one with `carechain node --base-path {}`",
                dir.display(),
                dir.display()
            )),
            Some(dir) => Client::local(dir).map_err(|e| anyhow!(e)),
            None => Client::remote(&self.url)
                .map_err(|e| anyhow::Error::new(carechain_rpc::ClientError::Transport(e))),
        }
    }
}

/// Where contract bundles are looked up by code hash.
#[derive(Debug, Clone, Args)]
pub(crate) struct BundleDirs {
    /// Directories searched (with their subdirectories) for `.contract` bundles.
    #[arg(
        long = "bundle-dir",
        env = "CARECHAIN_BUNDLES",
        default_value = "target/ink",
        value_delimiter = ','
    )]
    pub dirs: Vec<PathBuf>,
}

/// An account from a dev URI (`//Alice`, `ecdsa://Alice`), SS58 or 0x hex.
pub(crate) fn parse_account(text: &str) -> Result<carechain_runtime::AccountId, String> {
    let who = text.trim();
    if who.starts_with("//") || who.contains(":/") {
        Ok(carechain_runtime::Keypair::from_suri(who)
            .map_err(|e| format!("`{who}`: {e}"))?
            .account_id())
    } else {
        Ok(carechain_rpc::Address::parse(who)?.0)
    }
}

impl BundleDirs {
    /// The bundle whose code hash is `hash`: one used before on this machine (the
    /// cache [`remember`] keeps), else the first found under the directories.
    pub(crate) fn find(&self, hash: &carechain_runtime::Hash) -> Option<carechain_bundle::Bundle> {
        let cached = bundle_cache().map(|dir| dir.join(format!("{hash}.contract")));
        cached
            .filter(|path| path.is_file())
            .and_then(|path| carechain_bundle::Bundle::load(&path).ok())
            .filter(|b| b.code_hash() == *hash)
            .or_else(|| carechain_bundle::find_by_code_hash(&self.dirs, hash))
    }
}

/// Where bundles used at upload and instantiate are kept by code hash, so that later
/// verbs decode their contracts from anywhere: `CARECHAIN_BUNDLE_CACHE`, else the
/// platform cache directory's `carechain/bundles`.
fn bundle_cache() -> Option<PathBuf> {
    std::env::var_os("CARECHAIN_BUNDLE_CACHE")
        .map(PathBuf::from)
        .or_else(|| dirs::cache_dir().map(|d| d.join("carechain").join("bundles")))
}

/// Keeps a copy of `bundle` under its code hash (best effort: a cache).
pub(crate) fn remember(bundle: &carechain_bundle::Bundle) {
    let Some(dir) = bundle_cache() else {
        return;
    };
    let target = dir.join(format!("{}.contract", bundle.code_hash()));
    if target.is_file() || std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    // Written beside and renamed, so a reader never sees half a bundle.
    let partial = dir.join(format!("{}.contract.part", bundle.code_hash()));
    if std::fs::copy(bundle.path(), &partial).is_ok() {
        let _ = std::fs::rename(&partial, &target);
    }
}

/// Logs to stderr at `default_filter` (or `RUST_LOG`), coloured only on a terminal
/// and never with `NO_COLOR` set.
pub(crate) fn init_logging(default_filter: &str) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter));
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Runs a parsed command line.
///
/// # Errors
/// Whatever the verb reports; the message says what to do.
pub fn run(cli: Cli) -> Result<()> {
    let out = output::Out::new(cli.output);
    match cli.command {
        Command::Node(args) => node_cmd::run(&args, cli.output),
        Command::Upload(args) => contract::upload(&args, &out),
        Command::Instantiate(args) => contract::instantiate(&args, &out),
        Command::Call(args) => contract::call(&args, &out),
        Command::Events(args) => query::events(&args, &out),
        Command::Proof(args) => query::proof(&args, &out),
        Command::VerifyProof(args) => query::verify_proof(&args, &out),
        Command::Storage(args) => storage::run(&args, &out),
        Command::Block(args) => query::block(&args, &out),
        Command::Account(args) => query::account(&args, &out),
        Command::GasReport(args) => gas_report::run(&args, &out),
        Command::Epcis(cmd) => epcis::run(cmd, &out),
        Command::Sentinel(cmd) => sentinel::run(cmd, &out),
        Command::Dev(cmd) => dev::run(cmd, &out),
        Command::Completions(args) => shell::completions(&args),
        Command::Man(args) => shell::man_pages(&args),
    }
}
