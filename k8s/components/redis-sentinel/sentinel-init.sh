# The Sentinels' init container: writes $OUT (/run/sentinel/sentinel.conf; Sentinel rewrites it
# while it runs) = sentinel.conf + the password + what to monitor (the master from find-master.sh).
# Addresses are host:port, the pods' stable names by default; SentinelFailoverIT runs this same
# script with loopback addresses (ME, REDIS_ADDRS, SENTINEL_ADDRS and the file paths are its only
# overrides).
set -eu
umask 077
SCRIPTS="${SCRIPTS:-/etc/redis/scripts}"
PASSWORD_FILE="${PASSWORD_FILE:-/etc/redis/secret/redis-password}"
OUT="${OUT:-/run/sentinel/sentinel.conf}"
PASSWORD="$(cat "$PASSWORD_FILE")"
if [ -z "$PASSWORD" ]; then echo "key redis-password of Secret tandem-secrets is empty" >&2; exit 1; fi
export REDISCLI_AUTH="$PASSWORD"
QUORUM=2
ME="${ME:-$(hostname).redis-sentinel.${POD_NAMESPACE:-}.svc:26379}"
. "$SCRIPTS/find-master.sh"
MASTER="$(find_master)"
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
