#!/usr/bin/env bash
# Starts the vttablet of TABLET_UID for KEYSPACE/SHARD; the type is rdonly when the uid's last digit is above 1.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

uid="${TABLET_UID:?set TABLET_UID}"
keyspace="${KEYSPACE:-test_keyspace}"
shard="${SHARD:-0}"
port=$((TABLET_HTTP_BASE + uid))
grpc_port=$((TABLET_GRPC_BASE + uid))
mysql_port=$((MYSQL_PORT_BASE + uid))
alias=$(tablet_alias "$uid")
dir=$(tablet_dir "$uid")
tablet_type=replica
if [ "${uid: -1}" -gt 1 ]; then
  tablet_type=rdonly
fi

echo "Starting vttablet for ${alias}..."
log="${dir}/vttablet.out"
# shellcheck disable=SC2086
vttablet ${TOPOLOGY_FLAGS} \
  --log-dir "${VTDATAROOT}/tmp" \
  --tablet-path "$alias" \
  --tablet-hostname "$hostname" \
  --init-keyspace "$keyspace" \
  --init-shard "$shard" \
  --init-tablet-type "$tablet_type" \
  --health-check-interval 5s \
  --port "$port" \
  --grpc-port "$grpc_port" \
  --db-socket "${dir}/mysql.sock" \
  --mysql-port "$mysql_port" \
  --pid-file "${dir}/vttablet.pid" \
  </dev/null >"$log" 2>&1 &
wait_for_http "vttablet ${alias}" "http://${hostname}:${port}/debug/status" "$log" "$!"
