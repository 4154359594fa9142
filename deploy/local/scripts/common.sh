#!/usr/bin/env bash
# Helpers shared by the -up and -down scripts.

fail() {
  echo "ERROR: $*" >&2
  exit 1
}

# wait_for_http NAME URL LOGFILE PID: returns when URL answers; fails with the log's tail if PID dies or time runs out.
wait_for_http() {
  local name=$1 url=$2 log=$3 pid=$4
  for _ in $(seq 1 600); do
    if curl -sf -o /dev/null "$url"; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$log" >&2
      fail "$name exited during startup (log: $log)"
    fi
    sleep 0.1
  done
  tail -n 30 "$log" >&2
  fail "$name did not answer $url within 60s (log: $log)"
}

# stop_by_pidfile NAME PIDFILE: SIGTERM the pid in PIDFILE, wait up to 30s, then SIGKILL.
stop_by_pidfile() {
  local name=$1 pidfile=$2 pid
  if [ ! -f "$pidfile" ]; then
    echo "$name: no pid file $pidfile, not running"
    return 0
  fi
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    echo "Stopping $name (pid $pid)..."
    kill -TERM "$pid"
    for _ in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$name (pid $pid) did not stop in 30s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

tablet_alias() { printf '%s-%010d' "$CELL" "$1"; }
tablet_dir() { printf '%s/vt_%010d' "$VTDATAROOT" "$1"; }
