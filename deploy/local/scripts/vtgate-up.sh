#!/usr/bin/env bash
# Starts vtgate: the MySQL front door applications connect to (port VTGATE_MYSQL_PORT).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

echo "Starting vtgate..."
log="${VTDATAROOT}/tmp/vtgate.out"
# shellcheck disable=SC2086
vtgate ${TOPOLOGY_FLAGS} \
  --log-dir "${VTDATAROOT}/tmp" \
  --port "${VTGATE_WEB_PORT}" \
  --grpc-port "${VTGATE_GRPC_PORT}" \
  --mysql-server-port "${VTGATE_MYSQL_PORT}" \
  --mysql-server-socket "${VTDATAROOT}/vtgate.sock" \
  --cell "${CELL}" \
  --cells-to-watch "${CELL}" \
  --tablet-types-to-wait PRIMARY,REPLICA \
  --mysql-auth-server-impl none \
  --pid-file "${VTDATAROOT}/tmp/vtgate.pid" \
  </dev/null >"$log" 2>&1 &
wait_for_http vtgate "http://${hostname}:${VTGATE_WEB_PORT}/debug/status" "$log" "$!"
echo "vtgate is up: mysql -h 127.0.0.1 -P ${VTGATE_MYSQL_PORT}"
