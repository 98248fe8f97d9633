# Sourced by redis-init.sh and sentinel-init.sh: the addresses of the Redis pods and Sentinels
# (host:port; in Kubernetes the pods' stable names, the defaults below; SentinelFailoverIT passes
# loopback addresses instead) and find_master, which prints the master's address:
#   1. the master a Sentinel knows (after a failover it is not the first pod);
#   2. no Sentinel answers: a Redis pod that says it is master;
#   3. first start: the first Redis pod.
# $ME (this pod's own address) is never asked. Needs REDISCLI_AUTH and MASTER_NAME.
NS="${POD_NAMESPACE:-}"
REDIS_ADDRS="${REDIS_ADDRS:-redis-0.redis.$NS.svc:6379 redis-1.redis.$NS.svc:6379 redis-2.redis.$NS.svc:6379}"
SENTINEL_ADDRS="${SENTINEL_ADDRS:-redis-sentinel-0.redis-sentinel.$NS.svc:26379 redis-sentinel-1.redis-sentinel.$NS.svc:26379 redis-sentinel-2.redis-sentinel.$NS.svc:26379}"

find_master() {
  for s in $SENTINEL_ADDRS; do
    if [ "$s" = "$ME" ]; then continue; fi
    found="$(timeout 3 redis-cli -h "${s%:*}" -p "${s##*:}" --raw SENTINEL get-master-addr-by-name "$MASTER_NAME" 2>/dev/null \
      | { read -r h && read -r p && [ -n "$h" ] && [ -n "$p" ] && echo "$h:$p"; } || true)"
    if [ -n "$found" ]; then echo "$found"; return; fi
  done
  for r in $REDIS_ADDRS; do
    if [ "$r" = "$ME" ]; then continue; fi
    if timeout 3 redis-cli -h "${r%:*}" -p "${r##*:}" INFO replication 2>/dev/null | grep -q '^role:master'; then echo "$r"; return; fi
  done
  echo "${REDIS_ADDRS%% *}"
}
