# vitess-ts: build, test and run the local example.
SHELL := /bin/bash
.DEFAULT_GOAL := build

.PHONY: deps apt-deps node-deps build proto test lint typecheck unit integration clean demo down bench-mysql-server bench-binlog

deps: apt-deps node-deps

# Installs the real components the daemons and tests run against, only when missing.
apt-deps:
	@missing=""; \
	command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || missing="$$missing mariadb-server-core"; \
	command -v mariadb >/dev/null || missing="$$missing mariadb-client-core"; \
	command -v mariadb-binlog >/dev/null || missing="$$missing mariadb-client"; \
	command -v etcd >/dev/null || missing="$$missing etcd-server"; \
	command -v sysbench >/dev/null || missing="$$missing sysbench"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing </dev/null; \
	fi

node-deps: node_modules/.package-lock.json

# npm install, not npm ci: this npm writes lock files without other platforms' optional packages
# (biome, buf binaries), which npm ci then rejects. The lock file still pins every version.
node_modules/.package-lock.json: package.json package-lock.json
	npm install --no-audit --no-fund

build: node-deps
	npx tsc -p tsconfig.build.json

proto: node-deps
	bash proto/generate.sh

lint: node-deps
	npx biome check .

typecheck: node-deps
	npx tsc -p tsconfig.json --noEmit

unit: node-deps
	npx vitest run --project unit

integration: build
	npx vitest run --project integration

test: lint typecheck build
	npx vitest run --project unit --project integration

# Point selects through our MySQL protocol server (canned result) vs. the same clients on a real MariaDB.
bench-mysql-server: build
	node dist/bench/mysql-server.js

# Decode 1,000,000 row events (mixed types) from a real MariaDB's binlog: ours (files and network stream)
# vs. mariadb-binlog --base64-output=decode-rows -v on the same files, same run.
bench-binlog: build
	node dist/bench/binlog.js

# Brings up the local example cluster and shows the sample data through vtgate.
demo: deps build
	bash deploy/local/demo.sh

down:
	bash deploy/local/401_teardown.sh

clean:
	rm -rf dist

# libs/sqlparser: µs per tokenize / parse / parse+normalize / +format for a point select, a 10-row insert, a
# join, an aggregate and a DDL, with JSON.parse of the same AST as the same-run baseline.
.PHONY: bench-sqlparser
bench-sqlparser: build
	node dist/bench/sqlparser.js

# sysbench oltp_point_select and oltp_read_only (8 threads, 30 s, 10 tables x 10,000 rows) through vtgate and
# directly against the primary's MariaDB, same run: q/s, p95/p99, ratio, CPU per query of vtgate and vttablet.
# Shorter: BENCH_SECONDS=10 make bench-vtgate. Profiles: node dist/bench/vtgate.js --cpu-prof /tmp/prof
.PHONY: bench-vtgate
bench-vtgate: build
	node dist/bench/vtgate.js

# MoveTables of a 1,000,000-row sysbench-shaped table between two keyspaces (two MariaDB servers) vs.
# mariadb-dump | mariadb between the same servers, same run: rows/s, ratio (goal >= 1), and VDiff rows/s.
# Smaller: BENCH_ROWS=200000 make bench-movetables. Profiles: node dist/bench/movetables.js --cpu-prof /tmp/prof
.PHONY: bench-movetables
bench-movetables: build
	node dist/bench/movetables.js
