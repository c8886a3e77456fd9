#!/usr/bin/env bash
# Packages the extension as a platform VSIX with the given leakls binary bundled.
#
#   editors/vscode/package-vsix.sh LEAKLS_BINARY OUTPUT.vsix [TARGET]
#
# TARGET is a VS Code platform (linux-x64, darwin-arm64, win32-x64, ...); the
# default is this machine's. Run `npm ci` here first.
set -euo pipefail

if [ $# -lt 2 ]; then
    sed -n '2,8p' "$0" >&2
    exit 2
fi
binary="$(realpath "$1")"
output="$(realpath -m "$2")"
cd "$(dirname "$0")"
target="${3:-$(node -p 'process.platform + "-" + process.arch')}"
name=leakls
case "$target" in win32-*) name=leakls.exe ;; esac

# One binary per VSIX: the extension looks in server/<platform>-<arch>/.
rm -rf server
mkdir -p "server/$target"
cp "$binary" "server/$target/$name"
chmod 755 "server/$target/$name"
# The license is in the repository root (MIT OR Apache-2.0, as Cargo.toml says).
npx vsce package --target "$target" --no-dependencies --skip-license --allow-missing-repository \
    --out "$output" >/dev/null
echo "package-vsix.sh: $output ($target)"
