#!/usr/bin/env bash
# Seed 004's "Start the Move": a MoveTables workflow copying customer and corder from commerce to customer,
# then waiting until its streams replicate (the copy phase is over).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ./env.sh
source ./scripts/common.sh

vtctld="--server ${hostname}:${VTCTLD_GRPC_PORT}"
# shellcheck disable=SC2086
vtctldclient $vtctld MoveTables --target-keyspace customer --workflow commerce2customer create \
  --source-keyspace commerce --tables 'customer,corder' ||
  fail "MoveTables create failed"

# wait_for_workflow_running: every stream of the workflow is Running (none Init, Copying or Error).
for _ in $(seq 1 600); do
  # shellcheck disable=SC2086
  status=$(vtctldclient $vtctld MoveTables --target-keyspace customer --workflow commerce2customer status \
    --format=json) || fail "MoveTables status failed"
  if grep -q '"status": "Running"' <<<"$status" && ! grep -qE '"status": "(Init|Copying|Error|Stopped)"' <<<"$status"; then
    exit 0
  fi
  sleep 0.1
done
echo "$status" >&2
fail "workflow customer.commerce2customer did not reach Running within 60s"
