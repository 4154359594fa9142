#!/usr/bin/env bash
# Starts etcd for the topology and registers the cell (Vitess's examples/local/scripts/etcd-up.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

log="${VTDATAROOT}/tmp/etcd.out"
etcd --data-dir "${VTDATAROOT}/etcd/" \
  --name default \
  --listen-client-urls "http://127.0.0.1:${ETCD_PORT}" \
  --advertise-client-urls "http://127.0.0.1:${ETCD_PORT}" \
  --listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
  --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
  --initial-cluster "default=http://127.0.0.1:${ETCD_PEER_PORT}" \
  </dev/null >"$log" 2>&1 &
pid=$!
echo "$pid" >"${VTDATAROOT}/tmp/etcd.pid"
wait_for_http etcd "http://127.0.0.1:${ETCD_PORT}/health" "$log" "$pid"

echo "add ${CELL} CellInfo"
# vtctld is not up yet, so vtctldclient runs the command in-process against the topology.
# shellcheck disable=SC2086
vtctldclient --server internal ${TOPOLOGY_FLAGS} AddCellInfo \
  --root "/vitess/${CELL}" --server-address "${ETCD_SERVER}" "${CELL}" ||
  echo "cell ${CELL} already registered"
echo "etcd start done..."
