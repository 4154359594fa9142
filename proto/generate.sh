#!/usr/bin/env bash
# Regenerates the TypeScript for proto/*.proto with buf + ts-proto.
#
#   bash proto/generate.sh [OUT_DIR]      (default: libs/proto; `make proto`)
#
# The output directory is replaced as a whole, so files of removed protos do
# not linger. Generation runs into a temporary directory first; OUT_DIR is
# only touched once generation succeeded.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/libs/proto}"
case "$OUT" in
  /*) ;;
  *) OUT="$PWD/$OUT" ;;
esac

BUF="$ROOT/node_modules/.bin/buf"
PLUGIN="$ROOT/node_modules/.bin/protoc-gen-ts_proto"
for tool in "$BUF" "$PLUGIN"; do
  if [ ! -x "$tool" ]; then
    echo "generate.sh: $tool not found; run 'npm ci' first" >&2
    exit 1
  fi
done

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# buf resolves buf.yaml, buf.gen.yaml and the plugin path relative to proto/.
# Lint first: it rejects import cycles and unused imports.
(cd "$ROOT/proto" && "$BUF" lint && "$BUF" generate --template buf.gen.yaml -o "$TMP/out")

rm -rf "$OUT"
mkdir -p "$(dirname "$OUT")"
mv "$TMP/out" "$OUT"
