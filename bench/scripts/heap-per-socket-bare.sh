#!/bin/bash
# The same for the bench's bare Vert.x relay (compare with heap-per-socket-launcher.sh). Usage: [N].
set -u
N=${1:-5000}
OUT=/tmp/histob; rm -rf $OUT; mkdir -p $OUT
cd "$(dirname "$0")/../.."
P=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
mkfifo $OUT/r.in
java -Xmx1g -XX:+UseG1GC -cp bench/target/bench-all.jar io.tandem.bench.load.BareRelay --port $P --native true < $OUT/r.in > $OUT/relay.out 2> $OUT/relay.err &
exec 4>$OUT/r.in
L=$!
for i in $(seq 1 30); do grep -q LISTENING $OUT/relay.out && break; sleep 1; done
P=$(awk '/LISTENING/{print $2}' $OUT/relay.out)
mkfifo $OUT/w.in
java -Xmx512m -cp bench/target/bench-all.jar io.tandem.bench.load.CapacityWorker --gateway-port $P --auth-port $P --count $N --local 127.0.0.2 --concurrency 64 --bare-uri /relay < $OUT/w.in > $OUT/w.out 2> $OUT/w.err &
W=$!
exec 3>$OUT/w.in
for i in $(seq 1 300); do grep -q TOKENS $OUT/w.out && break; sleep 1; done
sleep 2
jcmd $L GC.class_histogram > $OUT/before.txt
echo GO >&3
for i in $(seq 1 300); do grep -q CONNECTED $OUT/w.out && break; sleep 1; done
sleep 3
jcmd $L GC.class_histogram > $OUT/after.txt
cut -c1-40 $OUT/w.out
echo STOP >&3; exec 3>&-
sleep 3; kill $W 2>/dev/null; exec 4>&-; sleep 1; kill $L 2>/dev/null; wait $L 2>/dev/null
python3 - $N <<'PY'
import sys,re
n=int(sys.argv[1])
def load(p):
    d={}
    for line in open(p):
        m=re.match(r'\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)',line)
        if m: d[m.group(3)]=int(m.group(2))
    return d
a=load('/tmp/histob/before.txt'); b=load('/tmp/histob/after.txt')
print("bare relay: total bytes/socket %.0f" % (sum(v-a.get(k,0) for k,v in b.items())/n))
PY
