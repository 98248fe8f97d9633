# The Redis pods' init container: writes $OUT (/run/redis/redis.conf, memory-backed) = redis.conf +
# the password + "replicaof <master>" unless this pod is the master, and the password file of the
# sidecar redis-exporter. The password is read from a file and never put on a command line.
#
# Addresses are host:port. In Kubernetes they are the pods' stable names (the defaults below);
# SentinelFailoverIT runs this same script with loopback addresses instead (ME, REDIS_ADDRS,
# SENTINEL_ADDRS and the file paths are its only overrides).
set -eu
umask 077
SCRIPTS="${SCRIPTS:-/etc/redis/scripts}"
PASSWORD_FILE="${PASSWORD_FILE:-/etc/redis/secret/redis-password}"
OUT="${OUT:-/run/redis/redis.conf}"
EXPORTER_PASSWORDS="${EXPORTER_PASSWORDS:-/run/redis/exporter-passwords.json}"
PASSWORD="$(cat "$PASSWORD_FILE")"
if [ -z "$PASSWORD" ]; then echo "key redis-password of Secret tandem-secrets is empty" >&2; exit 1; fi
export REDISCLI_AUTH="$PASSWORD"
NS="${POD_NAMESPACE:-}"
ME="${ME:-$(hostname).redis.$NS.svc:6379}"
REDIS_ADDRS="${REDIS_ADDRS:-redis-0.redis.$NS.svc:6379 redis-1.redis.$NS.svc:6379 redis-2.redis.$NS.svc:6379}"
SENTINEL_ADDRS="${SENTINEL_ADDRS:-redis-sentinel-0.redis-sentinel.$NS.svc:26379 redis-sentinel-1.redis-sentinel.$NS.svc:26379 redis-sentinel-2.redis-sentinel.$NS.svc:26379}"
MASTER=""
# 1. The master the Sentinels know (after a failover it is not the first pod).
for s in $SENTINEL_ADDRS; do
  MASTER="$(timeout 3 redis-cli -h "${s%:*}" -p "${s##*:}" --raw SENTINEL get-master-addr-by-name "$MASTER_NAME" 2>/dev/null \
    | { read -r h && read -r p && [ -n "$h" ] && [ -n "$p" ] && echo "$h:$p"; } || true)"
  if [ -n "$MASTER" ]; then break; fi
done
# 2. No Sentinel answers: a pod that says it is master.
if [ -z "$MASTER" ]; then
  for r in $REDIS_ADDRS; do
    if [ "$r" != "$ME" ] && timeout 3 redis-cli -h "${r%:*}" -p "${r##*:}" INFO replication 2>/dev/null | grep -q '^role:master'; then MASTER="$r"; break; fi
  done
fi
# 3. First start: the first pod.
if [ -z "$MASTER" ]; then MASTER="${REDIS_ADDRS%% *}"; fi
{
  cat "$SCRIPTS/redis.conf"
  echo "replica-announce-ip ${ME%:*}"
  printf 'requirepass %s\nmasterauth %s\n' "$PASSWORD" "$PASSWORD"
  if [ "$MASTER" != "$ME" ]; then echo "replicaof ${MASTER%:*} ${MASTER##*:}"; fi
} > "$OUT"
# redis_exporter's password file: {"<its redis.addr>": "<password>"}, as JSON.
escaped="$(printf '%s' "$PASSWORD" | sed 's/\\/\\\\/g; s/"/\\"/g')"
printf '{"redis://localhost:%s": "%s"}\n' "${ME##*:}" "$escaped" > "$EXPORTER_PASSWORDS"
if [ "$MASTER" = "$ME" ]; then echo "starting as master"; else echo "starting as replica of $MASTER"; fi
