# The Sentinels' init container: writes $OUT (/run/sentinel/sentinel.conf; Sentinel rewrites it
# while it runs) = sentinel.conf + the password + what to monitor. Addresses are host:port, the
# pods' stable names by default; SentinelFailoverIT runs this same script with loopback addresses
# (ME, REDIS_ADDRS, SENTINEL_ADDRS and the file paths are its only overrides).
set -eu
umask 077
SCRIPTS="${SCRIPTS:-/etc/redis/scripts}"
PASSWORD_FILE="${PASSWORD_FILE:-/etc/redis/secret/redis-password}"
OUT="${OUT:-/run/sentinel/sentinel.conf}"
PASSWORD="$(cat "$PASSWORD_FILE")"
if [ -z "$PASSWORD" ]; then echo "key redis-password of Secret tandem-secrets is empty" >&2; exit 1; fi
export REDISCLI_AUTH="$PASSWORD"
QUORUM=2
NS="${POD_NAMESPACE:-}"
ME="${ME:-$(hostname).redis-sentinel.$NS.svc:26379}"
REDIS_ADDRS="${REDIS_ADDRS:-redis-0.redis.$NS.svc:6379 redis-1.redis.$NS.svc:6379 redis-2.redis.$NS.svc:6379}"
SENTINEL_ADDRS="${SENTINEL_ADDRS:-redis-sentinel-0.redis-sentinel.$NS.svc:26379 redis-sentinel-1.redis-sentinel.$NS.svc:26379 redis-sentinel-2.redis-sentinel.$NS.svc:26379}"
MASTER=""
for s in $SENTINEL_ADDRS; do
  if [ "$s" = "$ME" ]; then continue; fi
  MASTER="$(timeout 3 redis-cli -h "${s%:*}" -p "${s##*:}" --raw SENTINEL get-master-addr-by-name "$MASTER_NAME" 2>/dev/null \
    | { read -r h && read -r p && [ -n "$h" ] && [ -n "$p" ] && echo "$h:$p"; } || true)"
  if [ -n "$MASTER" ]; then break; fi
done
if [ -z "$MASTER" ]; then
  for r in $REDIS_ADDRS; do
    if timeout 3 redis-cli -h "${r%:*}" -p "${r##*:}" INFO replication 2>/dev/null | grep -q '^role:master'; then MASTER="$r"; break; fi
  done
fi
if [ -z "$MASTER" ]; then MASTER="${REDIS_ADDRS%% *}"; fi
{
  cat "$SCRIPTS/sentinel.conf"
  echo "sentinel announce-ip ${ME%:*}"
  printf 'requirepass %s\nsentinel sentinel-pass %s\n' "$PASSWORD" "$PASSWORD"
  echo "sentinel monitor $MASTER_NAME ${MASTER%:*} ${MASTER##*:} $QUORUM"
  printf 'sentinel auth-pass %s %s\n' "$MASTER_NAME" "$PASSWORD"
  echo "sentinel down-after-milliseconds $MASTER_NAME 5000"
  echo "sentinel failover-timeout $MASTER_NAME 60000"
  echo "sentinel parallel-syncs $MASTER_NAME 1"
} > "$OUT"
echo "monitoring $MASTER as $MASTER_NAME"
