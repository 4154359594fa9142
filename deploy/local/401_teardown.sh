#!/usr/bin/env bash
# Stops every process of the local example by its pid file and removes $VTDATAROOT.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ./env.sh
source ./scripts/common.sh

./scripts/vtgate-down.sh

for dir in "${VTDATAROOT}"/vt_*; do
  [ -d "$dir" ] || continue
  uid=$((10#${dir##*/vt_}))
  echo "Shutting down tablet $(tablet_alias "$uid")"
  TABLET_UID=$uid ./scripts/vttablet-down.sh
  TABLET_UID=$uid ./scripts/mysqlctl-down.sh &
done
echo "Waiting for mysqld to stop..."
wait

./scripts/vtctld-down.sh
./scripts/etcd-down.sh

# Only reports: every process was stopped by its pid file above.
if pgrep -f "${VTDATAROOT}" >/dev/null; then
  echo "ERROR: stale processes detected; stop them by pid:"
  pgrep -f -a "${VTDATAROOT}"
  exit 1
fi
echo "All good! It looks like every process has shut down"
rm -rf "${VTDATAROOT:?}"
