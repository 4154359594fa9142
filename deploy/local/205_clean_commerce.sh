#!/usr/bin/env bash
# Seed 004's "Finalize and Cleanup": MoveTables complete drops customer and corder from commerce, removes
# the routing rules, denied tables and both workflows.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ./env.sh
source ./scripts/common.sh

vtctld="--server ${hostname}:${VTCTLD_GRPC_PORT}"
# shellcheck disable=SC2086
vtctldclient $vtctld MoveTables --target-keyspace customer --workflow commerce2customer complete ||
  fail "MoveTables complete failed"
