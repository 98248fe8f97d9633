# The Redis pods' init container: writes $OUT (/run/redis/redis.conf, memory-backed) = redis.conf +
# the password + "replicaof <master>" unless this pod is the master, and the password file of the
# sidecar redis-exporter. The password is read from a file and never put on a command line.
#
# Addresses are host:port (find-master.sh): the pods' stable names in Kubernetes; SentinelFailoverIT
# runs this same script with loopback addresses (ME, REDIS_ADDRS, SENTINEL_ADDRS and the file paths
# are its only overrides).
set -eu
umask 077
SCRIPTS="${SCRIPTS:-/etc/redis/scripts}"
PASSWORD_FILE="${PASSWORD_FILE:-/etc/redis/secret/redis-password}"
OUT="${OUT:-/run/redis/redis.conf}"
EXPORTER_PASSWORDS="${EXPORTER_PASSWORDS:-/run/redis/exporter-passwords.json}"
PASSWORD="$(cat "$PASSWORD_FILE")"
if [ -z "$PASSWORD" ]; then echo "key redis-password of Secret tandem-secrets is empty" >&2; exit 1; fi
export REDISCLI_AUTH="$PASSWORD"
ME="${ME:-$(hostname).redis.${POD_NAMESPACE:-}.svc:6379}"
. "$SCRIPTS/find-master.sh"
MASTER="$(find_master)"
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
