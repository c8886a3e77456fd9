#!/usr/bin/env bash
# Runs the release `leakls check --format json` over exported source trees and prints, for each tree,
# its findings as markdown tables ready for judging (docs/triage/README.md describes the procedure):
#
#   scripts/triage.sh DIR...
#
# For every DIR: a `## <name>` heading (the directory's base name), the count of Go files checked, a
# table of warning- and error-level findings, then a table of info and hint findings. Columns:
# file:line (relative to DIR), rule, severity, message, and an empty verdict column to fill in with
# true / false (why) / unsure. Paths are walked as `leakls check` walks them (vendor/ and testdata/
# skipped). The binary is $LEAKLS, or target/release/leakls of this checkout (build it with
# `cargo build --release`). Exit code 2 when the binary is missing or a check fails with a usage error.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
leakls=${LEAKLS:-$here/target/release/leakls}
if [[ ! -x $leakls ]]; then
    echo "triage.sh: $leakls not found; run cargo build --release or set LEAKLS" >&2
    exit 2
fi
if [[ $# -eq 0 ]]; then
    echo "usage: scripts/triage.sh DIR..." >&2
    exit 2
fi

for dir in "$@"; do
    dir=${dir%/}
    json=$(mktemp)
    stats=$(mktemp)
    # Exit code 1 only means findings.
    (cd "$dir" && "$leakls" check --format json --stats .) >"$json" 2>"$stats" || [[ $? -eq 1 ]] || {
        cat "$stats" >&2
        exit 2
    }
    python3 - "$(basename "$dir")" "$json" "$stats" <<'PY'
import json, sys

name, json_path, stats_path = sys.argv[1:4]
findings = json.load(open(json_path))
stats = [l for l in open(stats_path) if l.startswith("stats:")]

def cell(text):
    return text.replace("|", "\\|").replace("\n", " ")

def table(rows):
    print("| file:line | rule | severity | message | verdict |")
    print("|---|---|---|---|---|")
    for f in rows:
        print(f"| {cell(f['path'])}:{f['line']} | {f['rule']} | {f['severity']} | {cell(f['message'])} | |")

warnings = [f for f in findings if f["severity"] in ("error", "warning")]
quiet = [f for f in findings if f["severity"] in ("info", "hint")]
print(f"## {name}\n")
if stats:
    print(f"`{stats[0].strip()}`\n")
print(f"### Warnings ({len(warnings)})\n")
table(warnings)
print(f"\n### Information and hints ({len(quiet)})\n")
table(quiet)
print()
PY
    rm -f "$json" "$stats"
done
