#!/bin/bash
# Heap per idle socket by class: the launcher's histogram before and after N idle sockets (issue 25 item 4).
# Usage: bench/scripts/heap-per-socket-launcher.sh [N]  (after a build; DUMP=1 also writes an HPROF for hprof-arrays.py).
# Loopback only, bounded; ends the processes it started.
set -u
N=${1:-5000}
OUT=/tmp/histo; rm -rf $OUT; mkdir -p $OUT
cd "$(dirname "$0")/../.."
P=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
env TOKEN_POW=off GATEWAY_PORT=$P ACCESS_TOKEN_TTL_SECONDS=1800 WS_HANDSHAKES_PER_MINUTE=1000000 HTTP_RATE_PER_MINUTE=1000000 HTTP_RATE_BURST=1000000 \
  java -Xmx1g -jar launcher/target/tandem-launcher-all.jar > $OUT/launcher.log 2>&1 &
L=$!
for i in $(seq 1 60); do grep -q "Tandem is running" $OUT/launcher.log && break; sleep 1; done
mkfifo $OUT/w.in
java -Xmx512m -cp bench/target/bench-all.jar io.tandem.bench.load.CapacityWorker --gateway-port $P --auth-port $P --count $N --local 127.0.0.2 --concurrency 64 < $OUT/w.in > $OUT/w.out 2> $OUT/w.err &
W=$!
exec 3>$OUT/w.in
for i in $(seq 1 300); do grep -q TOKENS $OUT/w.out && break; sleep 1; done
sleep 2
jcmd $L GC.class_histogram > $OUT/before.txt
echo GO >&3
for i in $(seq 1 300); do grep -q CONNECTED $OUT/w.out && break; sleep 1; done
sleep 3
jcmd $L GC.class_histogram > $OUT/after.txt
[ -n "${DUMP:-}" ] && jcmd $L GC.heap_dump $OUT/heap.hprof
cat $OUT/w.out
echo STOP >&3; exec 3>&-
sleep 3; kill $W 2>/dev/null; kill $L; wait $L 2>/dev/null
python3 - $N <<'PY'
import sys,re
n=int(sys.argv[1])
def load(p):
    d={}
    for line in open(p):
        m=re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)',line)
        if m: d[m.group(3)]=(int(m.group(1)),int(m.group(2)))
    return d
a=load('/tmp/histo/before.txt'); b=load('/tmp/histo/after.txt')
rows=[]
for k,(c,s) in b.items():
    c0,s0=a.get(k,(0,0))
    rows.append(((s-s0)/n,(c-c0)/n,k))
rows.sort(reverse=True)
tot=sum(r[0] for r in rows)
print("total bytes/socket %.0f"%tot)
for r in rows[:45]: print("%8.1f B  %6.2f objs  %s"%r)
PY
