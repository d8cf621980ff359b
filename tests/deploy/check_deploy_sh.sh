#!/usr/bin/env bash
# deploy/deploy.sh for real, against a "host" that is this machine: a fake ssh that runs the remote command
# locally (recording host and key), real rsync through it, a fake systemctl that starts the ExecStart of the
# installed unit (with /opt/storybot mapped to a temp prefix) on a free loopback port, and temp directories for
# /opt/storybot, /etc/systemd/system, /etc/storybot, /var/lib and /var/log/storybot.
# 1. a release with the real storybot deploys: current -> it, unit installed, /readyz 200;
# 2. a broken release does not become ready: deploy.sh exits non-zero, current is switched back, the previous
#    release answers /readyz again; 3. bad arguments are refused; shellcheck is clean.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if need deploy-shellcheck shellcheck shellcheck; then
  if shellcheck "$DEPLOY/deploy.sh" >/tmp/deploy-sc.$$ 2>&1; then pass deploy-shellcheck "shellcheck clean"
  else fail deploy-shellcheck "$(head -c 300 /tmp/deploy-sc.$$ | tr '\n' ' ')"; fi
  rm -f /tmp/deploy-sc.$$
fi

T=$(mktemp -d)
cleanup() {
  if [ -f "$T/run/pid" ]; then
    local p; p=$(cat "$T/run/pid")
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  fi
  rm -rf "$T"
}
trap cleanup EXIT

# ---- arguments --------------------------------------------------------------------------------------------
bad=''
bash "$DEPLOY/deploy.sh" --key /dev/null >/dev/null 2>&1 && bad="$bad no-host-accepted"
bash "$DEPLOY/deploy.sh" --host h >/dev/null 2>&1 && bad="$bad no-key-accepted"
bash "$DEPLOY/deploy.sh" --host h --key /dev/null --bogus >/dev/null 2>&1 && bad="$bad unknown-option-accepted"
bash "$DEPLOY/deploy.sh" --host h --key /dev/null --port x --skip-build >/dev/null 2>&1 && bad="$bad bad-port-accepted"
bash "$DEPLOY/deploy.sh" --help >/dev/null 2>&1 || bad="$bad help-fails"
if [ -z "$bad" ]; then pass deploy-args "missing --host/--key, unknown options, non-numbers refused; --help works"
else fail deploy-args "$bad"; fi

for tool in rsync curl; do
  need deploy-rollback "$tool" "$tool" || exit 0
done
if [ ! -x "$STORYBOT_BIN" ]; then
  fail deploy-rollback "storybot binary not found at $STORYBOT_BIN (build it, or set STORYBOT_BIN)"; exit 0
fi

PORT=$(free_port)
P=$T/opt/storybot
mkdir -p "$T/fakebin" "$T/run" "$T/unit" "$P" "$T/web" "$T/etc" "$T/data" "$T/logs"
echo '<!doctype html><title>storybot admin</title>' >"$T/web/index.html"
printf '#!/bin/sh\necho "broken release" >&2\nexit 3\n' >"$T/broken-storybot"
chmod +x "$T/broken-storybot"
: >"$T/key"; chmod 600 "$T/key"

cat >"$T/fakebin/ssh" <<FAKE
#!/usr/bin/env bash
# fake ssh: record, drop the options, run the command here
echo "ssh \$*" >>"$T/ssh.log"
while [ \$# -gt 0 ]; do case \$1 in -i|-p|-o|-l|-F) shift 2 ;; -*) shift ;; *) break ;; esac; done
shift   # the host
exec bash -c "\$*"
FAKE
cat >"$T/fakebin/systemctl" <<FAKE
#!/usr/bin/env bash
# fake systemctl: restart = stop the old process, start the installed unit's ExecStart (prefix mapped)
echo "systemctl \$*" >>"$T/systemctl.log"
case \$1 in
  restart)
    if [ -f "$T/run/pid" ]; then
      old=\$(cat "$T/run/pid"); kill -TERM "\$old" 2>/dev/null || true
      for _ in \$(seq 100); do kill -0 "\$old" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "\$old" 2>/dev/null || true
    fi
    exe=\$(sed -n 's/^ExecStart=//p' "$T/unit/storybot.service")
    exe=\${exe/\/opt\/storybot/$P}
    STORYBOT_HTTP_HOST=127.0.0.1 STORYBOT_HTTP_PORT=$PORT STORYBOT_DATA_DIR="$T/data" STORYBOT_LOG_DIR="$T/logs" \
      STORYBOT_ADMIN_WEB_DIR="$P/current/admin-web/dist" STORYBOT_ADMIN_TOKEN=deploy-test-token \
      setsid "\$exe" >>"$T/run/out" 2>&1 </dev/null &
    echo \$! >"$T/run/pid"
    ;;
esac
exit 0
FAKE
printf '#!/bin/sh\ntail -n 5 "%s/run/out" 2>/dev/null\n' "$T" >"$T/fakebin/journalctl"
chmod +x "$T/fakebin/"*

deploy() { # BIN LOG
  PATH="$T/fakebin:$PATH" DEPLOY_SSH="$T/fakebin/ssh" DEPLOY_PREFIX="$P" DEPLOY_UNIT_DIR="$T/unit" \
    DEPLOY_ETC_DIR="$T/etc" DEPLOY_DATA_DIR="$T/data" DEPLOY_LOG_DIR="$T/logs" DEPLOY_USER="$(id -un)" \
    timeout 120 bash "$DEPLOY/deploy.sh" --host deploy@test-host --key "$T/key" --skip-build --bin "$1" \
    --admin-web "$T/web" --port "$PORT" --ready-timeout 8 --keep 3 >"$2" 2>&1
}
ready() { curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$PORT/readyz"; }

# ---- 1. good release --------------------------------------------------------------------------------------
problems=''
if deploy "$STORYBOT_BIN" "$T/d1.log"; then
  first=$(readlink "$P/current")
  [ -x "$first/bin/storybot" ] && [ -f "$first/admin-web/dist/index.html" ] && [ -f "$first/REVISION" ] \
    || problems="$problems release-incomplete"
  case $first in "$P/releases/"2*Z) ;; *) problems="$problems current=$first" ;; esac
  cmp -s "$T/unit/storybot.service" "$DEPLOY/systemd/storybot.service" || problems="$problems unit-not-installed"
  cmp -s "$T/etc/storybot.env" "$DEPLOY/systemd/storybot.env.example" || problems="$problems env-not-created"
  grep -q -- "-i $T/key" "$T/ssh.log" && grep -q 'deploy@test-host' "$T/ssh.log" || problems="$problems ssh-host-or-key-unused"
  ready || problems="$problems not-ready-after-deploy"
else
  problems="$problems exit-non-zero: $(tail -n 4 "$T/d1.log" | tr '\n' ' ')"
fi
if [ -n "$problems" ]; then fail deploy-release "$problems"; exit 0; fi
pass deploy-release "rsync over ssh to $(basename "$first"), current switched, unit installed, /readyz 200"

# ---- 2. broken release: roll back -----------------------------------------------------------------------------
sleep 1.1   # a new timestamp
echo "api" >"$T/data/marker"   # data survives
problems=''
if deploy "$T/broken-storybot" "$T/d2.log"; then
  problems="$problems exit-0-for-a-broken-release"
fi
now=$(readlink "$P/current" || true)
[ "$now" = "$first" ] || problems="$problems current=$now-not-$first"
ready || problems="$problems previous-not-ready-after-rollback"
ls -d "$P"/releases/*.failed >/dev/null 2>&1 || problems="$problems failed-release-not-marked"
grep -q 'rolling back' "$T/d2.log" || problems="$problems no-rollback-message"
if [ -z "$problems" ]; then
  pass deploy-rollback "broken release not ready in 8 s -> exit 1, current back to $(basename "$first"), /readyz 200"
else
  fail deploy-rollback "$problems; log: $(tail -n 6 "$T/d2.log" | tr '\n' ' ' | cut -c1-300)"
fi
exit 0
