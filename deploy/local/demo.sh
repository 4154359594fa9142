#!/usr/bin/env bash
# `make demo`: brings up the local example (101), loads the sample data of the Vitess guides and
# prints it through vtgate with the mariadb client.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ./env.sh

if [ -f "${VTDATAROOT}/tmp/vtgate.pid" ] && kill -0 "$(cat "${VTDATAROOT}/tmp/vtgate.pid")" 2>/dev/null; then
  echo "The local cluster is already running (${VTDATAROOT}); 'make down' tears it down." >&2
  exit 1
fi

./101_initial_cluster.sh

vtgate_mysql() { command mariadb --no-defaults -h 127.0.0.1 -P "${VTGATE_MYSQL_PORT}" "$@"; }
vtgate_mysql <../common/insert_commerce_data.sql
echo
vtgate_mysql --table -e "show vitess_tablets"
echo
vtgate_mysql --table --unbuffered <../common/select_commerce_data.sql

cat <<MSG

The cluster is running. To use it:
  source deploy/local/env.sh       # PATH, ports and the mysql / vtctldclient aliases
  mysql                            # the mariadb client connected to vtgate (127.0.0.1:${VTGATE_MYSQL_PORT})
  vtctldclient GetTablets          # the control plane (vtctld at localhost:${VTCTLD_GRPC_PORT})
  vtctld status page:  http://localhost:${VTCTLD_WEB_PORT}/   vtgate: http://localhost:${VTGATE_WEB_PORT}/
Tear it down with: make down
MSG
