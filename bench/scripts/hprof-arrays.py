#!/usr/bin/env python3
"""Object[] lengths in an HPROF heap dump, and the classes of the instances that hold the big ones.
Usage: hprof-arrays.py DUMP.hprof [MIN_LENGTH]. Found the 400 KB per Redis connection (REDIS_MAX_WAITING_HANDLERS)."""
import struct, sys, collections
path = sys.argv[1]
minlen = int(sys.argv[2]) if len(sys.argv) > 2 else 64
f = open(path, 'rb')
data = f.read()
p = data.index(b'\0') + 1
idsize = struct.unpack('>I', data[p:p+4])[0]; p += 4 + 8
rid = lambda o: int.from_bytes(data[o:o+idsize], 'big')
strings = {}; classnames = {}
classes = {}  # class id -> (super id, [(type, name)] instance fields)
objarrays = {}  # array id -> (length, elem class id)
instances = []  # (obj id, class id, offset, length)
TYPESIZE = {2: idsize, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
while p < len(data):
    tag = data[p]; length = struct.unpack('>I', data[p+5:p+9])[0]; body = p + 9; p = body + length
    if tag == 0x01:
        strings[rid(body)] = data[body+idsize:body+length].decode('utf-8', 'replace')
    elif tag == 0x02:
        classnames[rid(body+4)] = rid(body+8+idsize)
    elif tag in (0x0c, 0x1c):
        q = body; end = body + length
        while q < end:
            st = data[q]; q += 1
            if st == 0xff: q += idsize
            elif st in (0x01,): q += 2*idsize
            elif st in (0x02, 0x03): q += idsize + 8
            elif st in (0x05, 0x07): q += idsize
            elif st in (0x04, 0x06): q += idsize + 4
            elif st == 0x08: q += idsize + 8
            elif st == 0x20:
                cid = rid(q); sup = rid(q + idsize + 4); q += idsize + 4 + 6*idsize + 4
                n = struct.unpack('>H', data[q:q+2])[0]; q += 2
                for _ in range(n):
                    t = data[q+2]; q += 3 + TYPESIZE[t]
                n = struct.unpack('>H', data[q:q+2])[0]; q += 2
                for _ in range(n):
                    t = data[q+idsize]; q += idsize + 1 + TYPESIZE[t]
                n = struct.unpack('>H', data[q:q+2])[0]; q += 2
                fields = []
                for _ in range(n):
                    fields.append((data[q+idsize], rid(q))); q += idsize + 1
                classes[cid] = (sup, fields)
            elif st == 0x21:
                oid = rid(q); cid = rid(q + idsize + 4); n = struct.unpack('>I', data[q+2*idsize+4:q+2*idsize+8])[0]
                instances.append((oid, cid, q + 2*idsize + 8, n)); q += 2*idsize + 8 + n
            elif st == 0x22:
                oid = rid(q); n = struct.unpack('>I', data[q+idsize+4:q+idsize+8])[0]; ec = rid(q+idsize+8)
                objarrays[oid] = (n, ec, q + 2*idsize + 8); q += 2*idsize + 8 + n*idsize
            elif st == 0x23:
                n = struct.unpack('>I', data[q+idsize+4:q+idsize+8])[0]; t = data[q+idsize+8]
                q += idsize + 9 + n*TYPESIZE[t]
            else:
                raise SystemExit('unknown subtag %x' % st)
name = lambda cid: strings.get(classnames.get(cid), '?')
hist = collections.Counter()
for oid, (n, ec, _) in objarrays.items():
    hist[(name(ec), n)] += 1
print('object arrays by (class, length), top 15:')
for (cn, n), c in hist.most_common(15): print('%8d x len %6d  %s' % (c, n, cn))
big = {oid for oid, (n, ec, _) in objarrays.items() if n >= minlen}
def layout(cid):
    out = []
    while cid:
        sup, fields = classes.get(cid, (0, []))
        out.extend(fields); cid = sup
    return out
holders = collections.Counter(); cache = {}
for oid, cid, off, n in instances:
    fl = cache.get(cid)
    if fl is None: fl = cache[cid] = layout(cid)
    q = off
    for t, fname in fl:
        if t == 2:
            if rid(q) in big: holders[(name(cid), strings.get(fname, '?'), objarrays[rid(q)][0])] += 1
        q += TYPESIZE[t]
for aid, (n, ec, off) in objarrays.items():
    for i in range(n):
        if rid(off + i*idsize) in big: holders[('array ' + name(ec), '[]', objarrays[rid(off+i*idsize)][0])] += 1
print('holders of object arrays with length >= %d, top 20:' % minlen)
for (cn, fn, n), c in holders.most_common(20): print('%8d  %s.%s (len %d)' % (c, cn, fn, n))
