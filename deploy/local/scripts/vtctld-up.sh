#!/usr/bin/env bash
# Starts vtctld, the control plane that vtctldclient talks to.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

echo "Starting vtctld..."
log="${VTDATAROOT}/tmp/vtctld.out"
# shellcheck disable=SC2086
vtctld ${TOPOLOGY_FLAGS} \
  --cell "${CELL}" \
  --port "${VTCTLD_WEB_PORT}" \
  --grpc-port "${VTCTLD_GRPC_PORT}" \
  --log-dir "${VTDATAROOT}/tmp" \
  --pid-file "${VTDATAROOT}/tmp/vtctld.pid" \
  </dev/null >"$log" 2>&1 &
wait_for_http vtctld "http://${hostname}:${VTCTLD_WEB_PORT}/debug/status" "$log" "$!"
echo "vtctld is running: http://${hostname}:${VTCTLD_WEB_PORT}/ (grpc ${VTCTLD_GRPC_PORT})"
