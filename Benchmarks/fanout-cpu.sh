#!/usr/bin/env bash
# The server's CPU per flooded megabyte with several clients attached, for two mux binaries in
# one run (for example the last release and this tree), alternating so that a slow minute of the
# machine falls on both alike. Each run: a private server, a session that waits for Enter and then
# writes MB megabytes of `mux bench emit --workload W`, one holder and OBSERVERS observers, each
# `mux attach` in a PTY (script(1)) whose output goes to a file. The server's user+system CPU
# (from /proc/PID/stat) is read before the flood starts and after the session has ended. The
# holder is `--lossless`, so its file must hold at least the flooded bytes, or the run fails;
# observers may be resynchronised when they fall behind, and the bytes they got are printed.
#
#   Benchmarks/fanout-cpu.sh BEFORE_MUX AFTER_MUX [OBSERVERS=4] [MB=64] [REPEATS=3] [WORKLOAD=plain]
set -euo pipefail
before=$1 after=$2 observers=${3:-4} megabytes=${4:-64} repeats=${5:-3} workload=${6:-plain}
bytes=$((megabytes * 1000000))
ticks=$(getconf CLK_TCK)
work=$(mktemp -d)
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# One run of binary $1; prints the server's CPU seconds per megabyte.
run() {
  local mux=$1 socket="$work/s.sock" pids=() pid
  "$mux" server start --socket "$socket" >/dev/null
  pid=$(cat "$socket.pid")
  "$mux" new -d -s f --socket "$socket" -- sh -c "read go; exec '$mux' bench emit --workload $workload --bytes $bytes" >/dev/null
  for i in $(seq 0 "$observers"); do
    local flag=--observe
    [ "$i" -eq 0 ] && flag=--lossless
    script -qfc "'$mux' attach f $flag --socket '$socket'" /dev/null >"$work/client$i.out" </dev/null &
    pids+=($!)
  done
  until "$mux" ls --socket "$socket" | grep -q "clients=$((observers + 1))"; do sleep 0.05; done
  local start
  start=$(cpu_ticks "$pid")
  "$mux" send f --force --socket "$socket" --key Enter
  while "$mux" ls --socket "$socket" | grep -q '^f:'; do sleep 0.05; done
  local end
  end=$(cpu_ticks "$pid")
  wait "${pids[@]}" || true
  local got
  got=$(stat -c %s "$work/client0.out")
  if [ "$got" -lt "$bytes" ]; then
    echo "fanout-cpu: the holder of $mux received $got bytes of $bytes" >&2
    exit 1
  fi
  echo "  $mux: holder $got bytes, observers" \
    "$(for i in $(seq 1 "$observers"); do stat -c %s "$work/client$i.out"; done | tr '\n' ' ')" >&2
  "$mux" server stop --socket "$socket" >/dev/null
  rm -f "$work"/client*.out
  awk -v t=$((end - start)) -v hz="$ticks" -v mb="$megabytes" 'BEGIN { printf "%.4f\n", t / hz / mb }'
}

echo "server CPU seconds per MB, $workload, 1 holder + $observers observers, $megabytes MB, $repeats repeats"
ratios=()
for r in $(seq 1 "$repeats"); do
  b=$(run "$before")
  a=$(run "$after")
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }')
  ratios+=("$ratio")
  echo "repeat $r: before $b  after $a  after/before $ratio"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{v[NR]=$1} END { m = NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; print "median after/before: " m }'
