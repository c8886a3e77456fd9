#!/usr/bin/env bash
# The VS Code extension inside a real VS Code: code-server (VS Code's workbench
# served over HTTP) in headless Chromium, driven like a user by
# editors/vscode/e2e/workbench.ts on a temp copy of examples/leaky-service.
#
#   scripts/vscode-e2e.sh [VSIX]
#
# Without VSIX it builds the release binary and the VSIX with it bundled (as the
# README says). scripts/test.sh passes the VSIX it has just built and checked,
# with the driver already compiled. Installs what is missing: Debian's chromium,
# libkrb5-dev, pkg-config and ripgrep (apt-get, as root), Go (scripts/go-env.sh),
# and code-server into .tools/code-server-<version>/. A screenshot of each step
# goes to target/vscode-e2e/, kept on failure too.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
# The last code-server that runs on Node 20; newer ones need Node 22+.
CODE_SERVER_VERSION=4.100.3
CODE_SERVER_DIR="$ROOT/.tools/code-server-$CODE_SERVER_VERSION"
CODE_SERVER="$CODE_SERVER_DIR/node_modules/code-server"
SHOTS="$ROOT/target/vscode-e2e"
# The browser binary of Debian's chromium package (/usr/bin/chromium is a wrapper script).
CHROMIUM="${LEAKLS_E2E_CHROMIUM:-/usr/lib/chromium/chromium}"

log() { echo "vscode-e2e.sh: $*"; }

apt_packages=(chromium libkrb5-dev pkg-config ripgrep)
missing=()
for package in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "needs the Debian packages ${missing[*]}: apt-get install ${missing[*]}" >&2
        exit 1
    fi
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ "$(node -p 'process.versions.node.split(".")[0]')" != 20 ]; then
    log "code-server $CODE_SERVER_VERSION needs Node 20, found $(node --version)" >&2
    exit 1
fi
# shellcheck source=scripts/go-env.sh
source scripts/go-env.sh

# code-server's own postinstall downloads from the internet; these are its
# steps without the downloads (ripgrep comes from Debian). The marker is written
# last, so an interrupted install is redone.
install_code_server() {
    rm -rf "$CODE_SERVER_DIR"
    mkdir -p "$CODE_SERVER_DIR"
    local node_prefix npm_quiet=(--no-audit --no-fund --loglevel=error)
    node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
    if [ ! -e "$node_prefix/include/node/node_api.h" ]; then
        log "the native modules need Node's headers in $node_prefix/include/node" >&2
        exit 1
    fi
    export npm_config_nodedir="$node_prefix" npm_config_yes=true
    npm install --prefix "$CODE_SERVER_DIR" --ignore-scripts "${npm_quiet[@]}" "code-server@$CODE_SERVER_VERSION"
    npm rebuild --prefix "$CODE_SERVER_DIR" "${npm_quiet[@]}" argon2 >/dev/null
    (
        cd "$CODE_SERVER/lib/vscode"
        npm install --omit=dev --ignore-scripts "${npm_quiet[@]}"
        mkdir -p node_modules/@vscode/ripgrep/bin
        ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
        npm rebuild "${npm_quiet[@]}" >/dev/null
        ln -sfn node_modules node_modules.asar
        ln -sfn code-linux.sh bin/remote-cli/code-server
        ln -sfn browser-linux.sh bin/helpers/browser.sh
        cd extensions
        npm install --omit=dev "${npm_quiet[@]}" >/dev/null
    )
    touch "$CODE_SERVER_DIR/.installed"
}
if [ ! -e "$CODE_SERVER_DIR/.installed" ]; then
    log "installing code-server $CODE_SERVER_VERSION into $CODE_SERVER_DIR"
    install_code_server
fi

if [ $# -ge 1 ]; then
    VSIX="$(realpath "$1")"
else
    log "building the release binary and the VSIX"
    cargo build --release --quiet
    VSIX="$ROOT/target/vscode/leakls.vsix"
    mkdir -p "$(dirname "$VSIX")"
    (
        cd editors/vscode
        npm ci --no-audit --no-fund --loglevel=error
        ./package-vsix.sh "$ROOT/target/release/leakls" "$VSIX"
    )
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/leakls-vscode-e2e.XXXXXX")"
USER_DATA="$WORK/user-data"
CODE_SERVER_PID=

# Prints what tells why a step failed: code-server's log, the extension host's
# log and the leakls output channel (a log file, as it is a log output channel).
print_logs() {
    local file
    echo "--- code-server log"
    tail -n 50 "$WORK/code-server.log" 2>/dev/null || true
    while IFS= read -r file; do
        echo "--- $file"
        cat "$file"
    done < <(find "$USER_DATA/logs" -type f \( -name remoteexthost.log -o -path '*/leakls.leakls/*' \) 2>/dev/null | sort)
}

# The extension host and leakls serve outlive the browser and code-server's own
# process: stop code-server's whole process group.
stop_code_server() {
    [ -n "$CODE_SERVER_PID" ] || return 0
    kill -TERM -- "-$CODE_SERVER_PID" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 -- "-$CODE_SERVER_PID" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL -- "-$CODE_SERVER_PID" 2>/dev/null || true
}

cleanup() {
    local status=$?
    stop_code_server
    if [ "$status" -ne 0 ]; then
        print_logs >&2
        log "FAILED; screenshots in $SHOTS" >&2
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp -r examples/leaky-service "$WORK/leaky-service"
# Captured from examples/leaky-service built with -trimpath after a dozen
# /quote requests: 9 goroutines blocked on the send in quoteHandler.
cp testdata/dumps/example/leaky-service.goroutine.debug2.txt "$WORK/goroutines.txt"
mkdir -p "$USER_DATA/User"
cat > "$USER_DATA/User/settings.json" <<'EOF'
{
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.enableExperiments": false,
  "workbench.tips.enabled": false,
  "chat.commandCenter.enabled": false,
  "workbench.editor.enablePreview": false,
  "problems.defaultViewMode": "table"
}
EOF
# code-server (a config file, its logs, a device id) and Chromium write into the
# home directory unless told otherwise.
printf 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n' > "$WORK/config.yaml"
export XDG_CONFIG_HOME="$WORK/xdg-config" XDG_DATA_HOME="$WORK/xdg-data" XDG_CACHE_HOME="$WORK/xdg-cache"
code_server=(node "$CODE_SERVER/out/node/entry.js" --config "$WORK/config.yaml"
    --user-data-dir "$USER_DATA" --extensions-dir "$WORK/extensions")
"${code_server[@]}" --install-extension "$VSIX" >/dev/null

rm -rf "$SHOTS"
mkdir -p "$SHOTS"
started=$SECONDS
setsid "${code_server[@]}" --bind-addr 127.0.0.1:0 --auth none --disable-telemetry --disable-update-check \
    --disable-workspace-trust --disable-getting-started-override --ignore-last-opened \
    >"$WORK/code-server.log" 2>&1 &
CODE_SERVER_PID=$!
url=
for _ in $(seq 600); do
    url="$(sed -n 's|.*HTTP server listening on \(http://127\.0\.0\.1:[0-9]*\).*|\1|p' "$WORK/code-server.log")"
    [ -z "$url" ] || break
    kill -0 "$CODE_SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$url" ]; then
    log "code-server did not start" >&2
    exit 1
fi
log "code-server $CODE_SERVER_VERSION at $url, $(chromium --version 2>/dev/null | head -1)"

LEAKLS_E2E_URL="$url" \
    LEAKLS_E2E_FOLDER="$WORK/leaky-service" \
    LEAKLS_E2E_DUMP="$WORK/goroutines.txt" \
    LEAKLS_E2E_EXTENSIONS="$WORK/extensions" \
    LEAKLS_E2E_LOGS="$USER_DATA/logs" \
    LEAKLS_E2E_CHROMIUM="$CHROMIUM" \
    LEAKLS_E2E_SHOTS="$SHOTS" \
    node editors/vscode/out/e2e/workbench.js
log "passed in $((SECONDS - started)) s; screenshots in $SHOTS"
