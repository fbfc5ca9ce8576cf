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
}

/// Runs the node until Ctrl-C or SIGTERM.
///
/// # Errors
/// The directory, database or address cannot be used.
pub(super) fn run(args: &NodeArgs) -> Result<()> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                "carechain_node=info,carechain_rpc=info,carechain_vm=info,carechain_cli=info".into()
            }),
        )
        .with_writer(std::io::stderr)
        .try_init();
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
    let node = Arc::new(Node::open(&base, sealing).map_err(|e| anyhow!(e))?);
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
        println!("carechain node {}", env!("CARGO_PKG_VERSION"));
        println!(
            "  chain    {} (genesis {})",
            base.display(),
            info.genesis_hash
        );
        println!("  head     #{} {}", info.head.number, info.head.hash());
        println!(
            "  sealing  {}",
            match sealing {
                Sealing::Instant => "instant".to_string(),
                Sealing::Interval(d) => format!("every {} ms", d.as_millis()),
            }
        );
        println!("  rpc      ws://{addr} (and http://{addr})");
        stop_signal().await;
        println!("stopping after the current block");
        let _ = handle.stop();
        handle.stopped().await;
        anyhow::Ok(())
    })?;
    node.stop();
    let head = node.info().head;
    println!("stopped at #{} {}", head.number, head.hash());
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
