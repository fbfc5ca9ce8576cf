//! `carechain node`: a dev chain in redb with the JSON-RPC server, `//Alice` to
//! `//Ferdie` endowed at genesis, instant sealing unless `--block-time` is given. It
//! restarts where it stopped; Ctrl-C (or SIGTERM) stops it after the current block.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use clap::Args;

use carechain_node::{Node, Sealing};
use carechain_runtime::{AccountId, Genesis};

/// `node` arguments.
#[derive(Debug, Args)]
pub struct NodeArgs {
    /// Where the chain lives (default: the platform data directory, carechain/dev).
    #[arg(long, conflicts_with = "tmp")]
    pub base_path: Option<PathBuf>,
    /// A throwaway chain in a temporary directory, deleted on exit.
    #[arg(long)]
    pub tmp: bool,
    /// Address of the JSON-RPC server (HTTP and WebSocket); port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:9944")]
    pub rpc_addr: SocketAddr,
    /// Seal a block every this many milliseconds, empty or not.
    #[arg(long, conflicts_with = "instant")]
    pub block_time: Option<u64>,
    /// Seal a block as soon as transactions arrive (the default).
    #[arg(long)]
    pub instant: bool,
    /// A dev node: `carechain dev` (and the RPC's `carechain_dev*` methods) may move
    /// its clock, seal blocks on request and revert it to snapshots.
    #[arg(long)]
    pub dev: bool,
    #[command(flatten)]
    pub genesis: GenesisArgs,
}

/// How a new chain starts: the dev genesis, changed by these flags (shared by `node`
/// and `gas-report`).
#[derive(Debug, Clone, Args)]
pub struct GenesisArgs {
    /// The existential deposit of a new chain (default 10^9; ink_sandbox: 1).
    #[arg(long)]
    pub existential_deposit: Option<u128>,
    /// Endow an account at genesis, `ACCOUNT=AMOUNT` (a dev URI such as `//Alice` or
    /// `ecdsa://Alice`, SS58 or 0x hex), besides the dev accounts; repeatable.
    #[arg(long = "endow", value_parser = parse_endowment)]
    pub endowments: Vec<(AccountId, u128)>,
    /// ink_sandbox's `DefaultSandbox` genesis, so balances and deposits compare
    /// exactly: existential deposit 1, storage deposits of 1 per byte and per item,
    /// default deposit limit 10^7, and its account `0x0101..01` endowed with 10^15
    /// (the dev accounts stay funded).
    #[arg(long)]
    pub sandbox_compatible: bool,
}

/// ink_sandbox's default actor, endowed by its `DefaultSandbox`.
const SANDBOX_ACCOUNT: AccountId = AccountId([1; 32]);
/// What ink_sandbox endows it with.
const SANDBOX_ENDOWMENT: u128 = 1_000_000_000_000_000;

fn parse_endowment(text: &str) -> Result<(AccountId, u128), String> {
    let (who, amount) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: expected ACCOUNT=AMOUNT"))?;
    let amount: u128 = amount
        .trim()
        .replace('_', "")
        .parse()
        .map_err(|e| format!("`{amount}`: not an amount: {e}"))?;
    Ok((super::parse_account(who)?, amount))
}

/// The genesis the flags ask for: the dev genesis, changed by them.
pub(super) fn genesis(args: &GenesisArgs) -> Result<Genesis> {
    let mut genesis = Genesis::dev().map_err(|e| anyhow!("{e}"))?;
    if args.sandbox_compatible {
        genesis.config = carechain_runtime::ChainConfig::sandbox_compatible();
        genesis.endowed.push((SANDBOX_ACCOUNT, SANDBOX_ENDOWMENT));
    }
    if let Some(ed) = args.existential_deposit {
        genesis.config.existential_deposit = ed;
    }
    for (who, amount) in &args.endowments {
        match genesis.endowed.iter_mut().find(|(a, _)| a == who) {
            Some(entry) => entry.1 = *amount,
            None => genesis.endowed.push((*who, *amount)),
        }
    }
    if let Some((who, amount)) = genesis
        .endowed
        .iter()
        .find(|(_, amount)| *amount < genesis.config.existential_deposit)
    {
        return Err(anyhow!(
            "{who} would be endowed with {amount}, below the existential deposit {}",
            genesis.config.existential_deposit
        ));
    }
    Ok(genesis)
}

/// Runs the node until Ctrl-C or SIGTERM. With `--output json`, stdout is JSON
/// Lines: a `started` object once the server listens, a `stopped` one at the end.
///
/// # Errors
/// The directory, database or address cannot be used.
pub(super) fn run(args: &NodeArgs, format: super::Format) -> Result<()> {
    let json = format == super::Format::Json;
    super::init_logging(
        "carechain_node=info,carechain_rpc=info,carechain_vm=info,carechain_cli=info",
    );
    let tmp = if args.tmp {
        Some(tempfile::Builder::new().prefix("carechain-").tempdir()?)
    } else {
        None
    };
    let base = match (&tmp, &args.base_path) {
        (Some(t), _) => t.path().to_path_buf(),
        (None, Some(p)) => p.clone(),
        (None, None) => dirs::data_dir()
            .ok_or_else(|| anyhow!("no platform data directory: pass --base-path"))?
            .join("carechain")
            .join("dev"),
    };
    let sealing = match args.block_time {
        Some(0) => return Err(anyhow!("--block-time must be at least 1 ms")),
        Some(ms) => Sealing::Interval(Duration::from_millis(ms)),
        None => Sealing::Instant,
    };
    let genesis = genesis(&args.genesis)?;
    let node = Arc::new(Node::open_with(&base, sealing, &genesis).map_err(|e| anyhow!(e))?);
    if args.dev {
        node.enable_dev();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(64)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (handle, addr) = carechain_rpc::serve(Arc::clone(&node), args.rpc_addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.rpc_addr))?;
        let info = node.info();
        let sealing_text = match sealing {
            Sealing::Instant => "instant".to_string(),
            Sealing::Interval(d) => format!("every {} ms", d.as_millis()),
        };
        if json {
            let started = serde_json::json!({ "started": {
                "version": env!("CARGO_PKG_VERSION"),
                "chain": base.display().to_string(),
                "genesisHash": info.genesis_hash.to_string(),
                "head": { "number": info.head.number, "hash": info.head.hash().to_string() },
                "sealing": sealing_text,
                "rpc": format!("ws://{addr}"),
                "dev": args.dev,
            }});
            println!("{started}");
            stop_signal().await;
            let _ = handle.stop();
            handle.stopped().await;
            return anyhow::Ok(());
        }
        println!("carechain node {}", env!("CARGO_PKG_VERSION"));
        println!(
            "  chain    {} (genesis {})",
            base.display(),
            info.genesis_hash
        );
        println!("  head     #{} {}", info.head.number, info.head.hash());
        println!("  sealing  {sealing_text}");
        println!("  rpc      ws://{addr} (and http://{addr})");
        if args.dev {
            println!("  dev      time, blocks and snapshots on request (`carechain dev`)");
        }
        stop_signal().await;
        println!("stopping after the current block");
        let _ = handle.stop();
        handle.stopped().await;
        anyhow::Ok(())
    })?;
    node.stop();
    let head = node.info().head;
    if json {
        let stopped = serde_json::json!({ "stopped": {
            "head": { "number": head.number, "hash": head.hash().to_string() },
        }});
        println!("{stopped}");
    } else {
        println!("stopped at #{} {}", head.number, head.hash());
    }
    Ok(())
}

/// Ctrl-C or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
