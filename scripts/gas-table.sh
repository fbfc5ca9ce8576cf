#!/usr/bin/env bash
# Regenerates the gas table in contracts/README.md from a real run: the healthcare
# integration test (tests/tests/healthcare.rs) records ref_time and proof_size of the
# first successful call of every message on the Carechain VM and writes the table;
# this script puts it between the README's gas-table markers.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-contracts.sh >/dev/null
table="$(pwd)/target/gas-table.md"
rm -f "$table"
CARECHAIN_GAS_TABLE="$table" cargo test -q -p carechain-tests --test healthcare >/dev/null
python3 - "$table" contracts/README.md <<'PY'
import sys
table, readme = sys.argv[1], sys.argv[2]
start, end = "<!-- gas-table:start -->", "<!-- gas-table:end -->"
text = open(readme).read()
before, rest = text.split(start, 1)
_, after = rest.split(end, 1)
open(readme, "w").write(before + start + "\n" + open(table).read() + end + after)
PY
echo "[gas-table] contracts/README.md updated"
