#!/usr/bin/env bash
# The journal's costs (docs/journal.md), on the real binary with a private socket and state
# directory:
#   1. one journal write: the server's own timing of each commit (`--log-level debug`), for a
#      session's row and for screens with 10,000 lines of history;
#   2. reconcile: 100 sessions with 10,000 lines of history each, `kill -9` of the server, then the
#      next server's time to read the journal (its log) and the first `mux ls` after the crash;
#   3. the journal's size per session with that history;
#   4. the server's CPU per flooded MB with the journal on and off (`--no-journal`), no client
#      attached, MB megabytes of `mux bench emit`.
#
#   Benchmarks/journal.sh [MUX=.build/release/mux] [SESSIONS=100] [LINES=10000] [MB=64]
set -euo pipefail
mux=$(realpath "${1:-.build/release/mux}") sessions=${2:-100} lines=${3:-10000} megabytes=${4:-64}
ticks=$(getconf CLK_TCK)
work=$(mktemp -d)
chmod 700 "$work"
trap '"$mux" server stop --socket "$work/s.sock" >/dev/null 2>&1 || true; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export XDG_STATE_HOME="$work/state"
socket="$work/s.sock"
# This script's own server only (never the default one): every command here takes it from here.
export MUX_SOCKET="$socket"
m() { "$mux" "$@"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
median() { sort -n | awk '{v[NR]=$1} END { if (NR == 0) { print "-"; exit } m = NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; print m }'; }

echo "== $sessions sessions with $lines lines of history each ($mux)"
"$mux" server start --socket "$socket" --log-level debug >/dev/null
for i in $(seq 1 "$sessions"); do
  m new -d -s "h$i" -- sh -c "seq -f 'history line %g of session $i, some text to make it look like output' 1 $lines; exec cat" >/dev/null
done
# Every session's screen in the journal: wait until the journal's last write stays put for 5 s.
journal=$(m server status --json | sed -n 's/.*"journal":{"path":"\([^"]*\)".*/\1/p')
last="" still=0
while [ "$still" -lt 5 ]; do
  sleep 1
  now=$(m server status --json | grep -o '"lastWrite":[0-9.]*')
  if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0 last=$now; fi
done
echo "one write (server's timing of each commit, µs):"
echo "  a session's row (mux new):       median $(grep -o 'wrote 1 changes (0 screens) in [0-9]*' "$socket.log" | awk '{print $NF}' | median)"
echo "  batches with screens:            median $(grep -o 'wrote [0-9]* changes ([1-9][0-9]* screens) in [0-9]*' "$socket.log" | awk '{print $NF}' | median)" \
  "µs, screens per batch median $(grep -o '([1-9][0-9]* screens)' "$socket.log" | tr -d '(' | awk '{print $1}' | median)"
bytes=$(( $(stat -c %s "$journal") + $(stat -c %s "$journal-wal" 2>/dev/null || echo 0) ))
echo "journal size: $bytes bytes (file and WAL), $((bytes / sessions)) bytes per session"

pid=$(cat "$socket.pid")
kill -9 "$pid"
# Gone once it no longer answers (a zombie nobody reaps still passes `kill -0`).
while "$mux" server status >/dev/null 2>&1; do sleep 0.05; done
start=$(date +%s%N)
"$mux" ls --socket "$socket" >/dev/null
end=$(date +%s%N)
echo "reconcile: $(grep -o '[0-9]* sessions read in [0-9]* ms' "$socket.log" | tail -1) (the server's log);" \
  "first mux ls after the crash, starting the server: $(((end - start) / 1000000)) ms"
m server stop >/dev/null

echo "== server CPU per flooded MB, $megabytes MB of mux bench emit, no client attached"
flood() {
  rm -rf "$XDG_STATE_HOME"
  "$mux" server start --socket "$socket" "$@" >/dev/null
  local pid start end
  pid=$(cat "$socket.pid")
  m new -d -s f -- sh -c "read go; exec '$mux' bench emit --workload plain --bytes $((megabytes * 1000000))" >/dev/null
  start=$(cpu_ticks "$pid")
  m send f --key Enter
  while m ls | grep -q '^f:.*running'; do sleep 0.05; done
  end=$(cpu_ticks "$pid")
  m server stop >/dev/null
  awk -v t=$((end - start)) -v hz="$ticks" -v mb="$megabytes" 'BEGIN { printf "%.4f\n", t / hz / mb }'
}
for r in 1 2 3; do
  on=$(flood)
  off=$(flood --no-journal)
  echo "repeat $r: journal on $on s/MB, off $off s/MB"
done
