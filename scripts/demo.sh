#!/usr/bin/env bash
# The main job: set up, build the contracts and the `carechain` binary, start a dev
# node on a temporary directory, deploy the three healthcare contracts and run a
# realistic scenario through the CLI, then print the final block, its state root and
# a verified proof. CARECHAIN_PROFILE=debug uses the debug build (the test script
# does, to check this scenario without a release build, with CARECHAIN_SKIP_SETUP and
# CARECHAIN_SKIP_BUILD because it has just done both).
set -euo pipefail
cd "$(dirname "$0")/.."
# GS1's EPCIS 2.0 JSON schema is not part of the repository; `epcis import` validates
# against it where the shared data has it (the CLI itself has no default path).
if [ -z "${CARECHAIN_EPCIS_SCHEMA:-}" ] && [ -f ../shared/data/epcis/EPCIS-JSON-Schema.json ]; then
  export CARECHAIN_EPCIS_SCHEMA=../shared/data/epcis/EPCIS-JSON-Schema.json
fi
root=$(pwd)

profile=${CARECHAIN_PROFILE:-release}
if [ -z "${CARECHAIN_SKIP_SETUP:-}" ]; then
  ./scripts/setup.sh
  ./scripts/build-contracts.sh
fi
if [ -n "${CARECHAIN_SKIP_BUILD:-}" ]; then
  : # test.sh: `cargo test --workspace` has just built target/debug/carechain
elif [ "$profile" = release ]; then
  cargo build --release --locked --quiet -p carechain-cli --bin carechain
else
  cargo build --locked --quiet -p carechain-cli --bin carechain
fi
cc="$root/target/$profile/carechain"

work=$(mktemp -d "${TMPDIR:-/tmp}/carechain-demo.XXXXXX")
node_pid=
cleanup() {
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null && wait "$node_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The trading partners and the sentinel pay the storage deposits of what they record:
# the genesis endows them besides the dev accounts (the same flags on every start).
endow=()
for who in //PharmaCo //Wholesaler //Pharmacy //Pharmacy2 //Sentinel; do
  endow+=(--endow "$who=1152921504606846976")
done

start_node() {
  "$cc" node --base-path "$work/chain" --rpc-addr 127.0.0.1:0 "${endow[@]}" > "$work/node.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^  rpc      \(ws:[^ ]*\).*/\1/p' "$work/node.log")
    [ -n "$url" ] && break
    kill -0 "$node_pid" 2>/dev/null || { cat "$work/node.log"; exit 1; }
    sleep 0.1
  done
  [ -n "$url" ] || { echo "the node did not start:"; cat "$work/node.log"; exit 1; }
  export CARECHAIN_URL=$url
}

say() { printf '\n== %s\n' "$*"; }
# Runs a verb and indents what it prints.
cc() { "$cc" "$@" 2>&1 | sed 's/^/   /'; return "${PIPESTATUS[0]}"; }
# A verb that must be refused: show why, fail the demo if it went through.
refused() {
  if "$cc" "$@" > "$work/out" 2>&1; then
    echo "   UNEXPECTED: this was accepted"; sed 's/^/   /' "$work/out"; exit 1
  fi
  grep -E 'result:|error:' "$work/out" | sed 's/^/   refused: /'
}
# The value of a top-level JSON string field in a command's --output json.
field() { sed -n "s/^  \"$1\": \"\(.*\)\",\{0,1\}$/\1/p"; }
address() { "$cc" account "$1" -o json | field address; }
# A salted commitment to text that stays off chain (the hospital keeps salt and text):
# only its SHA-256 goes on chain.
commit() { printf '%s%s' "$1" "$2" | sha256sum | cut -c1-64 | sed 's/^/0x/'; }
# The 32-byte id an `Ok(Ok(id))` message output holds, from a submitted call's
# --output json (MessageResult Ok, Result Ok, then the id).
returned_id() { sed -n 's/^    "output": "0x0000\([0-9a-f]\{64\}\)",\{0,1\}$/0x\1/p'; }
deploy() { # bundle suri args...
  local bundle=$1 suri=$2; shift 2
  "$cc" instantiate "target/ink/$bundle/$bundle.contract" --suri "$suri" -x -o json --args "$@" | field contract
}

start_node
say "A dev node at $CARECHAIN_URL (chain in $work/chain)"
sed 's/^/   /' "$work/node.log"

alice=$(address //Alice) bob=$(address //Bob) charlie=$(address //Charlie) dave=$(address //Dave)
pharmaco=$(address //PharmaCo) wholesaler=$(address //Wholesaler) pharmacy=$(address //Pharmacy)
say "Cast: Alice runs the contracts; Bob is a physician; Charlie his patient; Dave the privacy officer"
echo "   PharmaCo manufactures, Wholesaler distributes, Pharmacy dispenses"

say "Deploying consent, ehr_access and dscsa (code uploaded on first use)"
consent=$(deploy consent //Alice)
ehr=$(deploy ehr_access //Alice "$consent" "$dave")
dscsa=$(deploy dscsa //Alice)
# Only a reader contract registered by consent's deployer hears a patient's consent.
"$cc" call "$consent" --message add_reader --args "$ehr" -x > /dev/null
echo "   consent    $consent"
echo "   ehr_access $ehr"
echo "   dscsa      $dscsa"

say "EHR: Alice registers Bob as a provider and his care of Charlie; Bob, now Charlie's custodian, registers his lab result"
cc call "$ehr" --message add_provider --args "$bob" -x | grep -E 'outcome|event'
cc call "$ehr" --message register_care_relation --args "$charlie" "$bob" 0 99999999999999 -x | grep -E 'outcome|event'
content=0x$(printf 'HbA1c 6.1%% (2026-11-20), fasting glucose 5.4 mmol/L' | sha256sum | cut -c1-64)
# The record's location (a FHIR URL) stays in the hospital; the chain holds its commitment.
location=$(commit 's4lt-a1c' 'fhir://hospital.example/Observation/a1c-2611')
record=$("$cc" call "$ehr" --suri //Bob --message register_record \
  --args "$charlie" Labs "$content" "$location" -x -o json | tee "$work/out" | returned_id)
[ -n "$record" ] || { echo "   no record id"; cat "$work/out"; exit 1; }
echo "   the contract assigned the record id $record"
say "Eve, no custodian of Charlie's, cannot write into his registry"
refused call "$ehr" --suri //Eve --message register_record \
  --args "$charlie" Labs "$content" "$location" -x

say "Bob asks to read it for treatment, with no consent yet: denied (and audited)"
cc call "$ehr" --suri //Bob --message request_access --args "$record" Treatment -x | grep -E 'result|event'

say "Charlie grants Bob treatment access to his lab results (a FHIR Consent, permit)"
cc call "$consent" --suri //Charlie --message record \
  --args "$charlie" "$bob" Permit '[Treatment]' '[Labs]' 0 None -x | grep -E 'result|event'

say "Bob asks again: granted, the EHR contract checking the consent contract"
cc call "$ehr" --suri //Bob --message request_access --args "$record" Treatment -x | grep -E 'result|event'

say "Charlie revokes; Bob is denied again"
cc call "$consent" --suri //Charlie --message revoke --args 0 -x | grep -E 'result|event'
cc call "$ehr" --suri //Bob --message request_access --args "$record" Treatment -x | grep -E 'result|event'

say "Emergency: Charlie arrives unconscious; Bob breaks the glass"
# The justification stays in the hospital's record; its salted commitment goes on chain.
why=$(commit 's4lt-bg1' 'unconscious in the ED, known diabetic; glucose history needed')
entry=$("$cc" call "$ehr" --suri //Bob --message break_glass -x -o json \
  --args "$record" "$why" | field result)
echo "   result: $entry (the audit entry)"
entry=$(echo "$entry" | grep -o '[0-9]\+' | head -1)
say "The break-glass waits for review; Dave, the privacy officer, accepts it"
cc call "$ehr" --suri //Dave --message pending_reviews --args "$charlie" 0 10 | grep result
say "A stranger reads neither the review list nor the audit trail"
refused call "$ehr" --suri //Ferdie --message pending_reviews --args "$charlie" 0 10
refused call "$ehr" --suri //Ferdie --message audit_entry --args "$entry"
cc call "$ehr" --suri //Dave --message review --args "$entry" true -x | grep -E 'outcome|event'
say "Charlie's accounting of disclosures (HIPAA): who was granted his records"
cc call "$ehr" --suri //Charlie --message accounting_of_disclosures --args "$charlie" 0 99999999999999 0 10 | grep result

say "DSCSA: Alice registers the trading partners with their GLNs, and PharmaCo's GS1 company prefix"
for p in "$pharmaco Manufacturer 0312345000011" "$wholesaler WholesaleDistributor 0614141000029" "$pharmacy Dispenser 0987654000030"; do
  set -- $p
  cc call "$dscsa" --message add_partner --args "$1" "$2" "\"$3\"" '"NJ-WDP-0001"' -x | grep outcome
done
cc call "$dscsa" --message add_prefix --args "$pharmaco" '"0312345"' -x | grep -E 'outcome|event'
say "Wholesaler tries to commission a pack under PharmaCo's GTIN: refused, identity is the brand owner's"
refused call "$dscsa" --suri //Wholesaler --message commission --args '"00312345678906"' '"SN666"' '"LOT1"' 1845936000000 -x

say "PharmaCo imports its EPCIS events: commissions 3 packs, packs them into a case, ships it to Wholesaler"
cc epcis import examples/epcis/pharmaco-shipment.jsonld --contract "$dscsa" --suri //PharmaCo
gtin=00312345678906 sscc=003123450000001230

say "Importing the same document again commissions duplicate serials: refused, nothing applied"
refused epcis import examples/epcis/pharmaco-shipment.jsonld --contract "$dscsa" --suri //PharmaCo

say "Wholesaler receives the case and ships it on to Pharmacy"
cc call "$dscsa" --suri //Wholesaler --message receive --args "Container(\"$sscc\")" -x | grep outcome
cc call "$dscsa" --suri //Wholesaler --message ship \
  --args "Container(\"$sscc\")" "$pharmacy" None 0x$(printf 'PO-9917/ASN-551' | sha256sum | cut -c1-64) true -x | grep outcome

say "Pharmacy receives it, unpacks it, verifies a pack and dispenses it"
cc call "$dscsa" --suri //Pharmacy --message receive --args "Container(\"$sscc\")" -x | grep outcome
cc call "$dscsa" --suri //Pharmacy --message unpack --args "\"$sscc\"" -x | grep outcome
cc call "$dscsa" --suri //Pharmacy --message verify --args "\"$gtin\"" '"SN1001"' '"LOT2611A"' 1845936000000 | grep result
say "A stranger reads nothing about the pack (lot, expiry and owner are for parties with a DSCSA reason)"
refused call "$dscsa" --suri //Ferdie --message package --args "\"$gtin\"" '"SN1001"'
cc call "$dscsa" --suri //Pharmacy --message dispense --args "\"$gtin\"" '"SN1001"' -x | grep -E 'outcome|event'

say "Wholesaler, no longer the owner, tries to ship a pack: refused"
refused call "$dscsa" --suri //Wholesaler --message ship \
  --args "Package(\"$gtin\", \"SN1002\")" "$pharmacy" None 0x$(printf 'x' | sha256sum | cut -c1-64) true -x

say "Pharmacy finds a torn seal on SN1003 and quarantines it as suspect"
cc call "$dscsa" --suri //Pharmacy --message quarantine --args "\"$gtin\"" '"SN1003"' '"torn tamper-evident seal: suspect product"' -x | grep outcome
cc call "$dscsa" --message verify --args "\"$gtin\"" '"SN1003"' '"LOT2611A"' 1845936000000 | grep result

say "SN1001's history as EPCIS 2.0, with a Merkle proof of its current state"
cc epcis export --serial "urn:epc:id:sgtin:0312345.067890.SN1001" --contract "$dscsa" --suri //Pharmacy --out "$work/sn1001.epcis.json"
grep -c '"eventTime"' "$work/sn1001.epcis.json" | sed 's/^/   events in the document: /'
cc verify-proof "$work/sn1001.epcis.json"

say "Events of the EHR contract, decoded with its metadata"
cc events --contract "$ehr" --name AccessDecided

say "The final block"
cc block latest | head -6
head_before=$("$cc" block latest -o json | sed -n 's/^    "hash": "\(.*\)",$/\1/p' | head -1)

say "Stopping the node (Ctrl-C) and starting it again: it resumes at the same head"
kill -INT "$node_pid"; wait "$node_pid" || true; node_pid=
start_node
head_after=$("$cc" block latest -o json | sed -n 's/^    "hash": "\(.*\)",$/\1/p' | head -1)
echo "   head before $head_before"
echo "   head after  $head_after"
[ "$head_before" = "$head_after" ] || { echo "   the head changed across the restart"; exit 1; }
say "The sentinel learns what normal looks like: a small generated hospital and supply chain run through the contracts"
cc sentinel train --simulate 3 --small --out "$work/model.json"

say "Alice names the sentinel as oracle of both contracts; Charlie and Ferdie consent to treatment by the hospital (Alice)"
sentinel=$(address //Sentinel)
cc call "$ehr" --message set_oracle --args "Some($sentinel)" -x | grep outcome
cc call "$dscsa" --message set_oracle --args "Some($sentinel)" -x | grep outcome
ferdie=$(address //Ferdie)
for who in "//Charlie $charlie" "//Ferdie $ferdie"; do
  set -- $who
  cc call "$consent" --suri "$1" --message record --args "$2" "$alice" Permit '[Treatment]' '[Labs]' 0 None -x | grep result
done
say "The hospital (Alice, its administrator) registers Ferdie's lab result, and Eve, a nurse in another ward"
lipids=0x$(printf 'LDL 3.1 mmol/L (2026-11-21)' | sha256sum | cut -c1-64)
ferdie_record=$("$cc" call "$ehr" --message register_record -x -o json \
  --args "$ferdie" Labs "$lipids" "$(commit 's4lt-ldl' 'fhir://hospital.example/Observation/lipids-2611')" | tee "$work/out" | returned_id)
[ -n "$ferdie_record" ] || { echo "   no record id"; cat "$work/out"; exit 1; }
cc call "$ehr" --message add_provider --args "$(address //Eve)" -x | grep outcome
say "Bob reads Charlie's lab result (explained: his care relation); Eve reads Ferdie's, her neighbour, who is in no one's care"
cc call "$ehr" --suri //Bob --message request_access --args "$record" Treatment -x | grep result
cc call "$ehr" --suri //Eve --message request_access --args "$ferdie_record" Treatment -x | grep result

say "A second pharmacy is presented SN1999, a serial never commissioned (a counterfeit), and SN1002, which Pharmacy holds"
pharmacy2=$(address //Pharmacy2)
cc call "$dscsa" --message add_partner --args "$pharmacy2" Dispenser '"0614141000036"' '"NY-PH-0042"' -x | grep outcome
# Each request names who presented the pack and why; Pharmacy2 never held SN1002, so
# its request is no evidence against Pharmacy, the holder (requests cannot frame one).
for serial in SN1999 SN1002; do
  cc call "$dscsa" --suri //Pharmacy2 --message request_verification \
    --args "\"$gtin\"" "\"$serial\"" '"LOT2611A"' 1845936000000 "$(address //Zoe)" Dispensing -x | grep -E 'result'
done

say "sentinel scan: the ranked list, each with its reasons"
# The scenario plays days of trade in seconds: no shipment here is "too fast".
cc sentinel scan --model "$work/model.json" --limit 5 --min-transit 0 --report "$work/sentinel.html"
say "sentinel watch (once): the oracle registers its model's hash and flags what scores high"
# A lone access on a near-empty chain has little history to be compared with; the
# model's own threshold is tuned on a hospital's worth of data, so the demo sets 0.3.
cc sentinel watch --once --suri //Sentinel --model "$work/model.json" --threshold 0.3 --min-transit 0
say "On chain: the flag on Ferdie's review list, and the counterfeit serial's flag (no owner to notify)"
flags=$("$cc" call "$ehr" --suri //Dave --message open_flags --args "$ferdie" -o json | field result)
echo "   Ferdie's open flags: $flags"
flag=$(echo "$flags" | tr -cd '0-9,' | cut -d, -f1)
[ -n "$flag" ] || { echo "   the snoop was not flagged"; exit 1; }
cc call "$ehr" --suri //Dave --message flag --args "$flag" | grep result
serial_flag=$("$cc" call "$dscsa" --message serial_flag --args 0 | grep result)
echo "   $serial_flag"
case "$serial_flag" in *Some*) ;; *) echo "   the counterfeit was not flagged"; exit 1 ;; esac
say "Dave, the privacy officer, confirms the snoop: the outcome is a label for the next training"
cc call "$ehr" --suri //Dave --message close_flag --args "$flag" true -x | grep -E 'outcome|event'
say "The flags as the chain recorded them, decoded"
cc events --contract "$ehr" --name AccessFlagged
cc events --contract "$dscsa" --name SerialFlagged

say "Done"
