# The sidecar cert-reload: sends coturn SIGUSR2 whenever the certificate or key files of the mounted
# Secret tandem-turn-tls change (coturn >= 4.5.0.8 loads them again on SIGUSR2; calls and open TLS
# connections stay). kubelet swaps a Secret volume's files in place after cert-manager renews the
# Secret, within about a minute. The pod shares one process namespace (shareProcessNamespace), so
# coturn's pid file names a process this container may signal (same user).
set -eu
TLS_DIR="${TLS_DIR:-/etc/coturn/tls}"
PIDFILE="${PIDFILE:-/tmp/turnserver.pid}"
INTERVAL_SECONDS="${INTERVAL_SECONDS:-30}"
# Touched on every check: the liveness probe reads its age.
HEARTBEAT="${HEARTBEAT:-/tmp/cert-reload.alive}"
trap 'exit 0' TERM INT
fingerprint() { cat "$TLS_DIR/tls.crt" "$TLS_DIR/tls.key" 2>/dev/null | cksum; }
loaded="$(fingerprint)"
echo "watching $TLS_DIR every ${INTERVAL_SECONDS}s"
while true; do
  touch "$HEARTBEAT"
  sleep "$INTERVAL_SECONDS" &
  wait $! || true
  now="$(fingerprint)"
  if [ "$now" = "$loaded" ]; then continue; fi
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -USR2 "$pid" 2>/dev/null; then
    loaded="$now"
    echo "the certificate changed: coturn (pid $pid) reloads it"
  else
    echo "the certificate changed but coturn (pid file $PIDFILE) cannot be signalled yet; trying again" >&2
  fi
done
