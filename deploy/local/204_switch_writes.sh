#!/usr/bin/env bash
# Seed 004's SwitchTraffic for writes: primary traffic of customer and corder goes to customer, and the
# reverse workflow commerce2customer_reverse keeps commerce up to date for a rollback (ReverseTraffic).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ./env.sh
source ./scripts/common.sh

vtctld="--server ${hostname}:${VTCTLD_GRPC_PORT}"
# shellcheck disable=SC2086
vtctldclient $vtctld MoveTables --target-keyspace customer --workflow commerce2customer SwitchTraffic \
  --tablet-types primary ||
  fail "MoveTables SwitchTraffic --tablet-types primary failed"
