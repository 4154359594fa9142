#!/usr/bin/env bash
# Regenerates ../weights-data.ts from golang.org/x/text/collate.
# Needs Go and golang.org/x/text sources: apt-get install golang-go golang-golang-x-text-dev
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="${XTEXT_SRC:-/usr/share/gocode/src/golang.org/x/text}"
gopath="$(mktemp -d)"
trap 'rm -rf "$gopath"' EXIT
mkdir -p "$gopath/src/golang.org/x" "$gopath/src/gen"
cp -r "$src" "$gopath/src/golang.org/x/text"
chmod -R u+w "$gopath"
cp "$here/colltab_dump.go.txt" "$gopath/src/golang.org/x/text/internal/colltab/zz_dump.go"
cp "$here/collate_dump.go.txt" "$gopath/src/golang.org/x/text/collate/zz_dump.go"
cp "$here/main.go" "$gopath/src/gen/main.go"
(cd "$gopath/src/gen" && GOPATH="$gopath" GO111MODULE=off GOFLAGS= go run .) > "$here/../weights-data.ts"
