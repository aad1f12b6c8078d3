#!/usr/bin/env bash
# Checks the deployment kit in deploy/ with the programs that will read it: systemd (verify,
# and the unit's exposure), nginx -t, caddy validate and coturn starting with its file. Part of
# the test command; fails loudly when a program is missing.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
for tool in systemd-analyze nginx caddy turnserver openssl; do
  command -v "$tool" >/dev/null || die "$tool is missing (the test packages install it)"
done
tmp=$(mktemp -d /tmp/sprechzimmer-deploy.XXXXXX)
coturn_pid=""
trap '[ -z "$coturn_pid" ] || kill "$coturn_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# systemd: the unit as shipped, with a program that exists here in place of /opt/….
sed 's#^ExecStart=.*#ExecStart=/bin/true#' deploy/sprechzimmer.service >"$tmp/sprechzimmer.service"
out=$(systemd-analyze verify "$tmp/sprechzimmer.service" 2>&1) || die "systemd-analyze verify failed: $out"
[ -z "$out" ] || die "systemd-analyze verify complains: $out"
exposure=$(systemd-analyze security --offline=yes "$tmp/sprechzimmer.service" 2>&1 \
  | sed -n 's/.*Overall exposure level for sprechzimmer.service: \([0-9.]*\).*/\1/p')
[ -n "$exposure" ] || die "systemd-analyze security gave no exposure level"
awk -v e="$exposure" 'BEGIN { exit !(e < 2.0) }' || die "the unit's exposure is $exposure (at most 2.0 wanted)"
log "systemd unit: verified, exposure $exposure"

# nginx: the site and its proxy part as shipped, certificates made here.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=praxis-video.example.org \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1
mkdir -p "$tmp/snippets"
cp deploy/nginx/sprechzimmer-proxy.conf "$tmp/snippets/"
sed -e "s#/etc/letsencrypt/live/praxis-video.example.org/fullchain.pem#$tmp/cert.pem#" \
    -e "s#/etc/letsencrypt/live/praxis-video.example.org/privkey.pem#$tmp/key.pem#" \
    deploy/nginx/sprechzimmer.conf >"$tmp/site.conf"
cat >"$tmp/nginx.conf" <<CONF
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events {}
http {
  access_log off;
  include $tmp/site.conf;
}
CONF
out=$(nginx -t -q -p "$tmp" -c "$tmp/nginx.conf" 2>&1) || die "nginx -t: $out"
log "nginx site: nginx -t passed"

out=$(caddy validate --adapter caddyfile --config deploy/Caddyfile 2>&1) || die "caddy validate: $out"
log "Caddyfile: caddy validate passed"

# coturn: its file as shipped on loopback addresses and free ports, without the certificates.
port=$(free_port); tls_port=$(free_port)
sed -e "s#203.0.113.20#127.0.0.1#g" -e "s#^listening-port=.*#listening-port=$port#" \
    -e "s#^tls-listening-port=.*#tls-listening-port=$tls_port#" -e '/^cert=/d' -e '/^pkey=/d' \
    -e '/^syslog/d' deploy/coturn/turnserver.conf >"$tmp/turnserver.conf"
printf 'no-tls\nno-dtls\nlog-file=%s\nsimple-log\npidfile=%s\nuserdb=%s\n' \
  "$tmp/turn.log" "$tmp/turn.pid" "$tmp/turndb" >>"$tmp/turnserver.conf"
turnserver -c "$tmp/turnserver.conf" >/dev/null 2>&1 &
coturn_pid=$!
for _ in $(seq 1 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$coturn_pid" 2>/dev/null || { cat "$tmp"/turn*.log >&2; die "coturn refused deploy/coturn/turnserver.conf"; }
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "coturn did not listen with deploy/coturn/turnserver.conf"
grep -qi "error" "$tmp"/turn*.log && { cat "$tmp"/turn*.log >&2; die "coturn logged errors for deploy/coturn/turnserver.conf"; }
log "coturn: starts with the shipped file"
