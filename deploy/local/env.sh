#!/usr/bin/env bash
# Environment of the local example, sourced by every script here (as in Vitess's examples/local/env.sh).
# Every port can be overridden from the environment, so tests can run the example on free ports.

local_dir="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)"
repo_root="$(cd "${local_dir}/../.." && pwd)"
export PATH="${repo_root}/bin:${PATH}:/usr/sbin"

hostname=localhost
export VTDATAROOT="${VTDATAROOT:-${local_dir}/vtdataroot}"
export CELL="${CELL:-zone1}"

export ETCD_PORT="${ETCD_PORT:-2379}"
export ETCD_PEER_PORT="${ETCD_PEER_PORT:-2380}"
export ETCD_SERVER="${hostname}:${ETCD_PORT}"
export VTCTLD_WEB_PORT="${VTCTLD_WEB_PORT:-15000}"
export VTCTLD_GRPC_PORT="${VTCTLD_GRPC_PORT:-15999}"
export VTGATE_WEB_PORT="${VTGATE_WEB_PORT:-15001}"
export VTGATE_GRPC_PORT="${VTGATE_GRPC_PORT:-15991}"
export VTGATE_MYSQL_PORT="${VTGATE_MYSQL_PORT:-15306}"
# Tablet uid N listens on http TABLET_HTTP_BASE+N, grpc TABLET_GRPC_BASE+N, mysqld MYSQL_PORT_BASE+N.
export TABLET_HTTP_BASE="${TABLET_HTTP_BASE:-15000}"
export TABLET_GRPC_BASE="${TABLET_GRPC_BASE:-16000}"
export MYSQL_PORT_BASE="${MYSQL_PORT_BASE:-17000}"

TOPOLOGY_FLAGS="--topo-implementation etcd2 --topo-global-server-address ${ETCD_SERVER} --topo-global-root /vitess/global"
export TOPOLOGY_FLAGS

mkdir -p "${VTDATAROOT}/tmp"

# The shortcuts of the Vitess guides: `mysql` talks to vtgate, `vtctldclient` to vtctld.
alias mysql="command mariadb --no-defaults -h 127.0.0.1 -P ${VTGATE_MYSQL_PORT}"
alias vtctldclient="command vtctldclient --server ${hostname}:${VTCTLD_GRPC_PORT}"
