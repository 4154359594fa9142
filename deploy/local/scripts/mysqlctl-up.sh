#!/usr/bin/env bash
# Creates (or restarts) the MariaDB of tablet TABLET_UID through mysqlctl.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

uid="${TABLET_UID:?set TABLET_UID}"
mysql_port=$((MYSQL_PORT_BASE + uid))
action=init
if [ -d "$(tablet_dir "$uid")" ]; then
  echo "Resuming from existing vttablet dir:"
  echo "    $(tablet_dir "$uid")"
  action=start
fi
echo "Starting MySQL for tablet $(tablet_alias "$uid")..."
mysqlctl --log-dir "${VTDATAROOT}/tmp" --tablet-uid "$uid" --mysql-port "$mysql_port" "$action"
