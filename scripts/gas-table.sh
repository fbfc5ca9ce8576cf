#!/usr/bin/env bash
# Regenerates the gas table in contracts/README.md and its snapshot,
# contracts/gas-snapshot.json, from a real run: the healthcare integration test
# (tests/tests/healthcare.rs) records every successful call's gas, storage deposit and
# fee on the Carechain VM, and `carechain gas-report --records` turns them into the
# per-message min / median / max table. scripts/test.sh checks every test run against
# the snapshot (`--check`), so a change in gas shows up as a failing test until this
# script is run and the new figures are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-contracts.sh >/dev/null
records="$(pwd)/target/gas-records.jsonl"
rm -f "$records"
CARECHAIN_GAS_RECORDS="$records" cargo test -q -p carechain-tests --test healthcare >/dev/null
cargo run -q -p carechain-cli --bin carechain -- gas-report --records "$records" \
  --snapshot contracts/gas-snapshot.json >target/gas-table.md
python3 - target/gas-table.md contracts/README.md <<'PY'
import sys
table, readme = sys.argv[1], sys.argv[2]
start, end = "<!-- gas-table:start -->", "<!-- gas-table:end -->"
text = open(readme).read()
before, rest = text.split(start, 1)
_, after = rest.split(end, 1)
open(readme, "w").write(before + start + "\n" + open(table).read() + end + after)
PY
echo "[gas-table] contracts/README.md and contracts/gas-snapshot.json updated"
