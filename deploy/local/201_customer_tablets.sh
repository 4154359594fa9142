#!/usr/bin/env bash
# Seed 004's "Create New Tablets": the customer keyspace on tablets 200 (primary), 201 (replica) and
# 202 (rdonly), next to commerce; the tables move there with 202_move_tables.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ./env.sh
source ./scripts/common.sh

for uid in 200 201 202; do
  TABLET_UID=$uid ./scripts/mysqlctl-up.sh
  KEYSPACE=customer TABLET_UID=$uid ./scripts/vttablet-up.sh
done

vtctld="--server ${hostname}:${VTCTLD_GRPC_PORT}"
# shellcheck disable=SC2086
vtctldclient $vtctld PlannedReparentShard customer/0 --new-primary "${CELL}-200" ||
  fail "PlannedReparentShard customer/0 failed"
