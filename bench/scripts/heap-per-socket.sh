#!/bin/bash
# Heap per idle socket by class (issue 25 item 4): a class histogram of the server before and after N idle
# sockets, for the launcher or the bench's bare Vert.x relay; with both run, the per-class difference.
# Usage (after a build): bench/scripts/heap-per-socket.sh launcher|bare [N]   (DUMP=1: also an HPROF for hprof-arrays.py)
# Loopback only, bounded; ends the processes it started. Results in /tmp/heap-per-socket/<server>/.
set -u
SERVER=${1:?launcher or bare}
N=${2:-5000}
ROOT=/tmp/heap-per-socket
OUT=$ROOT/$SERVER; rm -rf $OUT; mkdir -p $OUT
cd "$(dirname "$0")/../.."
mkfifo $OUT/server.in $OUT/worker.in
if [ "$SERVER" = launcher ]; then
  P=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  env TOKEN_POW=off GATEWAY_PORT=$P ACCESS_TOKEN_TTL_SECONDS=1800 WS_HANDSHAKES_PER_MINUTE=1000000 HTTP_RATE_PER_MINUTE=1000000 \
    HTTP_RATE_BURST=1000000 java -Xmx1g -jar launcher/target/tandem-launcher-all.jar < $OUT/server.in > $OUT/server.log 2>&1 &
  S=$!
  exec 4>$OUT/server.in
  for i in $(seq 1 60); do grep -q "Tandem is running" $OUT/server.log && break; sleep 1; done
  BARE=()
else
  java -Xmx1g -XX:+UseG1GC -cp bench/target/bench-all.jar io.tandem.bench.load.BareRelay --port 0 --native true \
    < $OUT/server.in > $OUT/server.log 2>&1 &
  S=$!
  exec 4>$OUT/server.in
  for i in $(seq 1 30); do grep -q LISTENING $OUT/server.log && break; sleep 1; done
  P=$(awk '/LISTENING/{print $2}' $OUT/server.log)
  BARE=(--bare-uri /relay)
fi
java -Xmx512m -cp bench/target/bench-all.jar io.tandem.bench.load.CapacityWorker --gateway-port $P --auth-port $P --count $N \
  --local 127.0.0.2 --concurrency 64 "${BARE[@]}" < $OUT/worker.in > $OUT/worker.out 2> $OUT/worker.err &
W=$!
exec 3>$OUT/worker.in
for i in $(seq 1 300); do grep -q TOKENS $OUT/worker.out && break; sleep 1; done
sleep 2
jcmd $S GC.class_histogram > $OUT/before.txt
echo GO >&3
for i in $(seq 1 300); do grep -q CONNECTED $OUT/worker.out && break; sleep 1; done
sleep 3
jcmd $S GC.class_histogram > $OUT/after.txt
[ -n "${DUMP:-}" ] && jcmd $S GC.heap_dump $OUT/heap.hprof
cut -c1-40 $OUT/worker.out
echo STOP >&3; exec 3>&-
sleep 3; kill $W 2>/dev/null; exec 4>&-; sleep 1; kill $S 2>/dev/null; wait $S 2>/dev/null
python3 - $N $ROOT <<'PY'
import os, re, sys
n, root = int(sys.argv[1]), sys.argv[2]
def load(p):
    d = {}
    for line in open(p):
        m = re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', line)
        if m:
            k = re.sub(r'\$\$Lambda.*', '$$Lambda', m.group(3))
            c, b = d.get(k, (0, 0)); d[k] = (c + int(m.group(1)), b + int(m.group(2)))
    return d
def per(server):
    a, b = load(f'{root}/{server}/before.txt'), load(f'{root}/{server}/after.txt')
    return {k: (s - a.get(k, (0, 0))[1]) / n for k, (c, s) in b.items()}
got = {s: per(s) for s in ('launcher', 'bare') if os.path.exists(f'{root}/{s}/after.txt')}
for s, d in got.items(): print(f'{s}: {sum(d.values()):.0f} bytes of heap per idle socket')
if len(got) == 2:
    L, B = got['launcher'], got['bare']
    print('launcher minus bare, bytes per socket, by class:')
    for k in sorted(set(L) | set(B), key=lambda k: B.get(k, 0) - L.get(k, 0))[:30]:
        print(f'{L.get(k, 0) - B.get(k, 0):8.1f}  {k}')
PY
