#!/usr/bin/env bash
# The local example's first step: etcd, vtctld, the commerce keyspace on tablets 100 (primary),
# 101 (replica) and 102 (rdonly), its schema and VSchema, and vtgate.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ./env.sh
source ./scripts/common.sh

./scripts/etcd-up.sh
./scripts/vtctld-up.sh

for uid in 100 101 102; do
  TABLET_UID=$uid ./scripts/mysqlctl-up.sh
  KEYSPACE=commerce TABLET_UID=$uid ./scripts/vttablet-up.sh
done

vtctld="--server ${hostname}:${VTCTLD_GRPC_PORT}"
# shellcheck disable=SC2086
vtctldclient $vtctld PlannedReparentShard commerce/0 --new-primary "${CELL}-100" ||
  fail "PlannedReparentShard commerce/0 failed"
# shellcheck disable=SC2086
vtctldclient $vtctld ApplySchema --sql-file create_commerce_schema.sql commerce ||
  fail "ApplySchema on the commerce keyspace failed"
# shellcheck disable=SC2086
vtctldclient $vtctld ApplyVSchema --vschema-file vschema_commerce_initial.json commerce >/dev/null ||
  fail "ApplyVSchema on the commerce keyspace failed"

./scripts/vtgate-up.sh
