# coturn's init container: writes the configuration coturn runs with ($OUT, memory-backed, readable
# by coturn only) = the shipped turnserver.conf + this node's public address + the shared secret.
#
# The public address is asked of STUN servers ($STUN_SERVERS, "host:port ..." tried in order) from
# the node's own network (the pod is on the host network): the address the internet sees this
# node's UDP come from is the one browsers must send relayed media to. When it differs from the
# node's own address ($HOST_IP, status.hostIP: 1:1 NAT, as on most clouds) coturn is told
# external-ip=PUBLIC/PRIVATE. No STUN answer: exit 1 (kubelet retries; the pod is not ready, so the
# load balancer sends it nothing) rather than hand out a private address. $STUN_SERVERS empty: no
# lookup, coturn announces the node's own address (a cluster whose TURN nodes are not behind NAT).
set -eu
umask 077
TEMPLATE="${TEMPLATE:-/etc/coturn/template/turnserver.conf}"
SECRET_FILE="${SECRET_FILE:-/etc/coturn/secret/turn-secret}"
OUT="${OUT:-/run/coturn/turnserver.conf}"
STUN_SERVERS="${STUN_SERVERS:-}"
STUN_TIMEOUT_SECONDS="${STUN_TIMEOUT_SECONDS:-5}"
if [ -z "${HOST_IP:-}" ]; then echo "HOST_IP (the node's address, status.hostIP) is not set" >&2; exit 1; fi
secret="$(cat "$SECRET_FILE")"
if [ -z "$secret" ]; then echo "key turn-secret of Secret tandem-secrets is empty" >&2; exit 1; fi

public=""
if [ -n "$STUN_SERVERS" ]; then
  for server in $STUN_SERVERS; do
    public="$(timeout "$STUN_TIMEOUT_SECONDS" turnutils_stunclient -p "${server##*:}" "${server%:*}" 2>/dev/null \
      | sed -n 's/.*UDP reflexive addr: \([0-9]\{1,3\}\.[0-9]\{1,3\}\.[0-9]\{1,3\}\.[0-9]\{1,3\}\):[0-9]*.*/\1/p' | head -n 1 || true)"
    if [ -n "$public" ]; then break; fi
    echo "STUN server $server gave no address" >&2
  done
  if [ -z "$public" ]; then echo "no STUN server of STUN_SERVERS ($STUN_SERVERS) answered: this node's public address is unknown" >&2; exit 1; fi
fi

{
  cat "$TEMPLATE"
  if [ -n "$public" ] && [ "$public" != "$HOST_IP" ]; then printf 'external-ip=%s/%s\n' "$public" "$HOST_IP"; fi
  printf 'static-auth-secret=%s\n' "$secret"
} > "$OUT"
if [ -z "$public" ]; then
  echo "no STUN lookup (STUN_SERVERS is empty): coturn announces $HOST_IP"
elif [ "$public" = "$HOST_IP" ]; then
  echo "public address $public is the node's own: no external-ip needed"
else
  echo "public address $public (behind NAT, node address $HOST_IP): external-ip=$public/$HOST_IP"
fi
