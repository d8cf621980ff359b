#!/usr/bin/env bash
# systemd: deploy/systemd/storybot.service with `systemd-analyze verify` (in a temp --root holding the unit, the
# env file and a stand-in executable at /opt/storybot/current/bin/storybot, so ExecStart resolves), the settings
# the deployment relies on, and deploy/systemd/storybot.env.example (known keys only, no secrets; accepted by
# `storybot --check-config`).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

UNIT=$DEPLOY/systemd/storybot.service
ENVX=$DEPLOY/systemd/storybot.env.example
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# --- required settings --------------------------------------------------------------------------------------
missing=''
while IFS= read -r want; do
  [ -n "$want" ] || continue
  grep -qxF "$want" "$UNIT" || missing="$missing [$want]"
done <<'WANT'
User=storybot
EnvironmentFile=/etc/storybot/storybot.env
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=/var/lib/storybot /var/log/storybot
PrivateTmp=yes
Restart=on-failure
KillSignal=SIGTERM
TimeoutStopSec=20
Environment=STORYBOT_DATA_DIR=/var/lib/storybot
Environment=STORYBOT_LOG_DIR=/var/log/storybot
Environment=STORYBOT_ADMIN_WEB_DIR=/opt/storybot/current/admin-web/dist
ExecStart=/opt/storybot/current/bin/storybot
WANT
if [ -z "$missing" ]; then pass systemd-settings "user, EnvironmentFile, hardening, restart, SIGTERM/20 s, paths present"
else fail systemd-settings "missing:$missing"; fi

# --- systemd-analyze verify ----------------------------------------------------------------------------------
if need systemd-verify systemd-analyze systemd; then
  R=$T/root
  mkdir -p "$R/opt/storybot/current/bin" "$R/etc/storybot" "$R/etc/systemd/system" "$R/usr/lib/systemd" \
           "$R/var/lib/storybot" "$R/var/log/storybot"
  printf '#!/bin/sh\nexit 0\n' >"$R/opt/storybot/current/bin/storybot"
  chmod +x "$R/opt/storybot/current/bin/storybot"
  cp "$ENVX" "$R/etc/storybot/storybot.env"
  cp "$UNIT" "$R/etc/systemd/system/storybot.service"
  # the stock units (sysinit.target, ...) that a service's default dependencies name
  if [ -d /usr/lib/systemd/system ]; then cp -a /usr/lib/systemd/system "$R/usr/lib/systemd/"; fi
  if systemd-analyze verify --man=no --root="$R" "$R/etc/systemd/system/storybot.service" >"$T/verify.out" 2>&1 \
     && [ ! -s "$T/verify.out" ]; then
    pass systemd-verify "systemd-analyze verify: no warnings ($(systemd-analyze --version | head -1))"
  elif grep -qiE 'not booted|Failed to (connect|initialize)|Operation not permitted|chroot' "$T/verify.out"; then
    skip systemd-verify "systemd-analyze cannot run here: $(head -n1 "$T/verify.out")"
  else
    fail systemd-verify "$(tr '\n' ' ' <"$T/verify.out" | sed "s|$R||g" | cut -c1-400)"
  fi
fi

# --- env example: known keys, no secrets ---------------------------------------------------------------------
# README "Configuration"
KNOWN="STORYBOT_HTTP_HOST STORYBOT_HTTP_PORT STORYBOT_HTTP_THREADS STORYBOT_DATA_DIR STORYBOT_LOG_DIR STORYBOT_LOG_LEVEL
STORYBOT_ADMIN_TOKEN STORYBOT_CORS_ORIGINS STORYBOT_ADMIN_WEB_DIR STORYBOT_LLM_BASE_URL STORYBOT_LLM_API_KEY
STORYBOT_LLM_MODEL STORYBOT_LLM_TIMEOUT_S STORYBOT_WORKERS STORYBOT_TELEGRAM_BOT_TOKEN STORYBOT_TELEGRAM_MODE
STORYBOT_TELEGRAM_WEBHOOK_SECRET STORYBOT_TELEGRAM_API_URL STORYBOT_SLACK_SIGNING_SECRET STORYBOT_SLACK_BOT_TOKEN
STORYBOT_SLACK_API_URL"
SECRET_RE='TOKEN|SECRET|API_KEY|PASSWORD'
problems=''
while IFS= read -r line; do
  case $line in ''|'#'*) continue ;; esac
  key=${line%%=*}; val=${line#*=}
  case " $(echo $KNOWN) " in *" $key "*) ;; *) problems="$problems unknown-key:$key" ;; esac
  if [[ $key =~ $SECRET_RE ]] && [ -n "$val" ]; then problems="$problems secret-with-value:$key"; fi
done <"$ENVX"
# commented-out examples must not carry a value for a secret either
if grep -E "^#[[:space:]]*STORYBOT_[A-Z_]*($SECRET_RE)[A-Z_]*=." "$ENVX" >/dev/null; then problems="$problems commented-secret-with-value"; fi
if [ -z "$problems" ]; then pass systemd-env-example "only known STORYBOT_* keys, every secret empty"
else fail systemd-env-example "$problems"; fi

# --- env example accepted by storybot --check-config -----------------------------------------------------------
if [ ! -x "$STORYBOT_BIN" ]; then
  fail systemd-env-check-config "storybot binary not found at $STORYBOT_BIN (build it, or set STORYBOT_BIN)"
  exit 0
fi
envargs=(STORYBOT_DATA_DIR="$T/data" STORYBOT_LOG_DIR="$T/logs" STORYBOT_ADMIN_WEB_DIR="$T/dist" PATH="$PATH")
while IFS= read -r line; do
  case $line in ''|'#'*) continue ;; esac
  envargs+=("$line")
done <"$ENVX"
mkdir -p "$T/data" "$T/logs" "$T/dist"
if env -i "${envargs[@]}" timeout 20 "$STORYBOT_BIN" --check-config >"$T/cc.out" 2>&1 </dev/null; then
  pass systemd-env-check-config "storybot --check-config accepts the example env file"
else
  fail systemd-env-check-config "storybot --check-config exit $?: $(tr '\n' ' ' <"$T/cc.out" | cut -c1-300)"
fi
exit 0
