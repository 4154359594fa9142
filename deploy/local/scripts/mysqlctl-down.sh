#!/usr/bin/env bash
# Shuts down the MariaDB of tablet TABLET_UID.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
uid="${TABLET_UID:?set TABLET_UID}"
mysqlctl --log-dir "${VTDATAROOT}/tmp" --tablet-uid "$uid" shutdown
