#!/usr/bin/env bash
# Stops the vttablet of TABLET_UID by its pid file.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
uid="${TABLET_UID:?set TABLET_UID}"
stop_by_pidfile "vttablet $(tablet_alias "$uid")" "$(tablet_dir "$uid")/vttablet.pid"
