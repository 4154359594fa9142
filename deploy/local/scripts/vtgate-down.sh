#!/usr/bin/env bash
# Stops vtgate by its pid file.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
stop_by_pidfile vtgate "${VTDATAROOT}/tmp/vtgate.pid"
