#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each (default 60), seeded from the
# project's fixtures and dumps. Needs a nightly toolchain and cargo-fuzz
# (`rustup toolchain install nightly && cargo install cargo-fuzz`).
#   scripts/fuzz.sh 600          # ten minutes per target
#   scripts/fuzz.sh 20 analyze   # one target
set -euo pipefail

cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-60}"
shift || true
TARGETS=("${@:-analyze edits reanalysis traceback counted proto}")
read -r -a TARGETS <<< "${TARGETS[*]}"

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: NOT RUN: needs a nightly toolchain with cargo-fuzz (see the README, Fuzzing)" >&2
    exit 0
fi

# Extra read-only seed directories per target (libFuzzer writes only to the first).
seeds() {
    case "$1" in
        analyze | reanalysis) ls -d "$PWD"/testdata/rules/*/ "$PWD"/examples/leaky-service ;;
        traceback) echo "$PWD/testdata/dumps/crash" ;;
        counted) echo "$PWD/testdata/dumps/timeseries" ;;
        *) ;;
    esac
}

for target in "${TARGETS[@]}"; do
    corpus="$PWD/fuzz/corpus/$target"
    mkdir -p "$corpus"
    echo "fuzz.sh: $target for ${SECONDS_PER_TARGET}s"
    read -r -a seed_dirs <<< "$(seeds "$target" | tr '\n' ' ')"
    (cd fuzz && cargo +nightly fuzz run "$target" "$corpus" "${seed_dirs[@]}" -- \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -max_len=65536 -print_final_stats=1 2>&1 |
        grep -E "^(Done|stat::number_of_executed_units|==[0-9]+== ERROR|SUMMARY)|panicked" || true)
    if compgen -G "fuzz/artifacts/$target/crash-*" >/dev/null || compgen -G "fuzz/artifacts/$target/timeout-*" >/dev/null; then
        echo "fuzz.sh: $target found a crash or timeout, see fuzz/artifacts/$target/" >&2
        exit 1
    fi
done
