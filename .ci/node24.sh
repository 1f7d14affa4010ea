# Puts a Node 24 binary first on PATH when the system Node is older than 22.
# Source it (`source .ci/node24.sh`); the binary comes from the npm registry's
# `node@24` package and is kept under .tools/ (git-ignored), so nothing is
# downloaded from outside the registry.
_mailroom_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_mailroom_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$_mailroom_major" -lt 22 ]; then
  _mailroom_bin="$_mailroom_root/.tools/node24/node_modules/node/bin"
  if [ ! -x "$_mailroom_bin/node" ]; then
    echo "mailroom: Node $_mailroom_major is too old; installing node@24 from the npm registry into .tools/" >&2
    npm install --no-save --no-audit --no-fund --silent --prefix "$_mailroom_root/.tools/node24" node@24 >&2
  fi
  export PATH="$_mailroom_bin:$PATH"
fi
unset _mailroom_root _mailroom_major _mailroom_bin
