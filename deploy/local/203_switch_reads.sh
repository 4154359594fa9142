#!/usr/bin/env bash
# Seed 004's SwitchTraffic, reads first: replica and rdonly queries of customer and corder go to customer.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ./env.sh
source ./scripts/common.sh

vtctld="--server ${hostname}:${VTCTLD_GRPC_PORT}"
# shellcheck disable=SC2086
vtctldclient $vtctld MoveTables --target-keyspace customer --workflow commerce2customer SwitchTraffic \
  --tablet-types 'rdonly,replica' ||
  fail "MoveTables SwitchTraffic --tablet-types rdonly,replica failed"
