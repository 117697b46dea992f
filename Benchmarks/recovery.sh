#!/usr/bin/env bash
# How long sessions are away when the server goes (docs/lifecycle.md):
#   1. the time from `kill -9` of the server to `mux ls` answering with every session, for 1 and
#      for 100 sessions (by default) with 10,000 lines of history each;
#   2. the longest gap an attached client sees in a program's output during `mux server restart`
#      (a program printing a line every 10 ms; the client's output timed in a PTY).
# Usage: Benchmarks/recovery.sh [MUX] [SESSIONS...]   (default: .build/release/mux, 1 100)
set -euo pipefail

mux=$(realpath "${1:-.build/release/mux}")
shift || true
counts=("$@")
[[ ${#counts[@]} -eq 0 ]] && counts=(1 100)
work=$(mktemp -d /tmp/mux-recovery-XXXXXX)
export MUX_SOCKET=$work/s.sock XDG_STATE_HOME=$work/state
trap '"$mux" server stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

now_ms() { date +%s%3N; }
listed() { "$mux" ls --json 2>/dev/null | grep -o '"pid":' | wc -l; }

for n in "${counts[@]}"; do
    "$mux" server start >/dev/null
    for i in $(seq 1 "$n"); do
        # 10,000 lines of 60 characters each go into the history, then the program waits.
        "$mux" new -d -s "r${n}s$i" -- sh -c 'seq -f "%060g" 1 10024; exec cat' >/dev/null
    done
    # Every session has written everything.
    for i in $(seq 1 "$n"); do
        until "$mux" capture "r${n}s$i" | grep -q 10024; do sleep 0.05; done
    done
    sleep 1
    pid=$(cat "$MUX_SOCKET.pid")
    start=$(now_ms)
    kill -9 "$pid"
    until [[ "$(cat "$MUX_SOCKET.pid" 2>/dev/null)" != "$pid" ]] && [[ $(listed) -eq $n ]]; do sleep 0.005; done
    end=$(now_ms)
    lines=$("$mux" capture r${n}s1 --history 100000 | wc -l)
    echo "kill -9 to mux ls with all $n session(s): $((end - start)) ms (s1 shows $lines lines with history)"
    "$mux" server stop >/dev/null || true
done

# The restart gap, seen by an attached client.
"$mux" server start >/dev/null
"$mux" new -d -s ticker -- sh -c 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.01; done' >/dev/null
python3 - "$mux" <<'EOF'
import os, pty, select, subprocess, sys, time
mux = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    os.execv(mux, [mux, "attach", "ticker", "--observe"])
arrivals, restarted = [], None
end = time.monotonic() + 6
while time.monotonic() < end:
    if restarted is None and time.monotonic() > end - 4:
        restarted = time.monotonic()
        out = subprocess.run([mux, "server", "restart"], capture_output=True, text=True)
        print(out.stdout.strip() or out.stderr.strip())
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if b"tick" in data:
            arrivals.append(time.monotonic())
gaps = [(b - a, a) for a, b in zip(arrivals, arrivals[1:])]
around = [g for g, a in gaps if restarted - 1 <= a <= restarted + 3]
normal = sorted(g for g, a in gaps if a < restarted - 1)
print(f"restart: longest gap the client saw {max(around) * 1000:.0f} ms "
      f"(normally {normal[len(normal) // 2] * 1000:.0f} ms median, {normal[-1] * 1000:.0f} ms max between ticks)")
os.kill(pid, 9)
EOF
