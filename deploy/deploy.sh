#!/usr/bin/env bash
# deploy/deploy.sh: build a release, copy it to a host over SSH, switch to it, restart, and roll back when it does
# not become ready.
#
#   deploy/deploy.sh --host deploy@bot.example.com --key ~/.ssh/storybot_deploy [--sudo]
#
# On the host (Debian 12 with systemd, rsync and curl) the layout is
#   /opt/storybot/releases/<UTC timestamp>/{bin/storybot, admin-web/dist/, deploy/, config/, REVISION}
#   /opt/storybot/current -> releases/<timestamp>       (switched atomically)
#   /etc/systemd/system/storybot.service                 (from the release's deploy/systemd/)
#   /etc/storybot/storybot.env                           (created from the example once; never overwritten)
#   /var/lib/storybot, /var/log/storybot                 (owned by the system user storybot)
# Steps: build (cmake --preset release, admin-web npm ci + build) -> stage -> rsync to a new release folder ->
# switch `current` -> install the unit -> systemctl restart -> wait for GET /readyz (bounded) -> on failure switch
# back to the previous release, reinstall its unit, restart it, and exit 1. Old releases beyond --keep are pruned.
#
# Options:
#   -H, --host DEST         SSH destination, user@host (required)
#   -i, --key FILE          SSH private key (required)
#   -p, --ssh-port N        SSH port (default 22)
#       --sudo              run the remote side with sudo (the SSH user is not root)
#       --skip-build        do not build; use --bin and --admin-web as they are
#       --bin FILE          the storybot binary to ship (default build/storybot)
#       --admin-web DIR     the built admin panel (default admin-web/dist)
#       --port N            storybot's port on the host, for /readyz (default 8080, as in the unit)
#       --ready-timeout S   how long to wait for /readyz (default 60)
#       --keep N            releases to keep on the host (default 5)
# Environment, for non-standard hosts and for tests/deploy/check_deploy_sh.sh:
#   DEPLOY_PREFIX (/opt/storybot), DEPLOY_UNIT_DIR (/etc/systemd/system), DEPLOY_ETC_DIR (/etc/storybot),
#   DEPLOY_DATA_DIR (/var/lib/storybot), DEPLOY_LOG_DIR (/var/log/storybot), DEPLOY_USER (storybot),
#   DEPLOY_SSH (ssh), DEPLOY_RSYNC (rsync)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HOST='' KEY='' SSH_PORT=22 SUDO='' BUILD=1 PORT=8080 READY_TIMEOUT=60 KEEP=5
BIN=$REPO/build/storybot
ADMIN_WEB=$REPO/admin-web/dist

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit "${1:-0}"; }
die() { echo "deploy: $*" >&2; exit 1; }
need_arg() { if [ $# -lt 2 ] || [ -z "$2" ]; then die "$1 needs a value"; fi; }

while [ $# -gt 0 ]; do
  case $1 in
    -H|--host) need_arg "$@"; HOST=$2; shift 2 ;;
    -i|--key) need_arg "$@"; KEY=$2; shift 2 ;;
    -p|--ssh-port) need_arg "$@"; SSH_PORT=$2; shift 2 ;;
    --sudo) SUDO=sudo; shift ;;
    --skip-build) BUILD=0; shift ;;
    --bin) need_arg "$@"; BIN=$2; shift 2 ;;
    --admin-web) need_arg "$@"; ADMIN_WEB=$2; shift 2 ;;
    --port) need_arg "$@"; PORT=$2; shift 2 ;;
    --ready-timeout) need_arg "$@"; READY_TIMEOUT=$2; shift 2 ;;
    --keep) need_arg "$@"; KEEP=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "deploy: unknown argument: $1" >&2; usage 2 ;;
  esac
done
[ -n "$HOST" ] || die "--host is required (see --help)"
[ -n "$KEY" ] || die "--key is required (see --help)"
[ -r "$KEY" ] || die "cannot read the SSH key $KEY"
for n in "$SSH_PORT" "$PORT" "$READY_TIMEOUT" "$KEEP"; do
  [[ $n =~ ^[0-9]+$ ]] || die "not a number: $n"
done
[ "$KEEP" -ge 2 ] || die "--keep must be at least 2 (the current and the previous release)"

PREFIX=${DEPLOY_PREFIX:-/opt/storybot}
UNIT_DIR=${DEPLOY_UNIT_DIR:-/etc/systemd/system}
ETC_DIR=${DEPLOY_ETC_DIR:-/etc/storybot}
DATA_DIR=${DEPLOY_DATA_DIR:-/var/lib/storybot}
LOG_DIR=${DEPLOY_LOG_DIR:-/var/log/storybot}
RUN_USER=${DEPLOY_USER:-storybot}
SSH=${DEPLOY_SSH:-ssh}
RSYNC=${DEPLOY_RSYNC:-rsync}
SSH_OPTS=(-i "$KEY" -p "$SSH_PORT" -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o ConnectTimeout=15)

# ---- 1. build ---------------------------------------------------------------------------------------------
if [ "$BUILD" = 1 ]; then
  echo "deploy: building the release in $REPO"
  (cd "$REPO" && cmake --preset release && cmake --build --preset release --parallel "$(nproc)")
  (cd "$REPO/admin-web" && npm ci --no-audit --no-fund && npm run build)
fi
[ -x "$BIN" ] || die "no storybot binary at $BIN"
[ -f "$ADMIN_WEB/index.html" ] || die "no built admin panel at $ADMIN_WEB (index.html missing)"
timeout 10 "$BIN" --version >/dev/null 2>&1 || echo "deploy: warning: $BIN --version failed (wrong architecture?)" >&2

# ---- 2. stage ---------------------------------------------------------------------------------------------
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/bin" "$STAGE/admin-web/dist" "$STAGE/deploy/systemd"
install -m 0755 "$BIN" "$STAGE/bin/storybot"
cp -R "$ADMIN_WEB/." "$STAGE/admin-web/dist/"
install -m 0644 "$REPO/deploy/systemd/storybot.service" "$REPO/deploy/systemd/storybot.env.example" "$STAGE/deploy/systemd/"
[ -f "$REPO/deploy/README.md" ] && install -m 0644 "$REPO/deploy/README.md" "$STAGE/deploy/"
[ -d "$REPO/config" ] && cp -R "$REPO/config" "$STAGE/config"
{
  echo "built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "revision=$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "version=$(timeout 10 "$BIN" --version 2>/dev/null | head -n1 || echo unknown)"
} >"$STAGE/REVISION"

TS=$(date -u +%Y%m%dT%H%M%SZ)
RELEASE=$PREFIX/releases/$TS
echo "deploy: $HOST: release $RELEASE"

# ---- 3. copy ----------------------------------------------------------------------------------------------
# shellcheck disable=SC2029  # the paths are meant to expand here, on the client
"$SSH" "${SSH_OPTS[@]}" "$HOST" "$SUDO mkdir -p '$PREFIX/releases' && ! test -e '$RELEASE' && $SUDO mkdir '$RELEASE'" \
  || die "cannot create $RELEASE on $HOST (does it exist already?)"
RSYNC_PATH=rsync
[ -n "$SUDO" ] && RSYNC_PATH="sudo rsync"
"$RSYNC" -a --delete --chmod=D0755,F0644 --rsync-path="$RSYNC_PATH" -e "$SSH ${SSH_OPTS[*]}" "$STAGE/" "$HOST:$RELEASE/"
"$SSH" "${SSH_OPTS[@]}" "$HOST" "$SUDO chmod 0755 '$RELEASE/bin/storybot'"

# ---- 4. switch, restart, wait, roll back ------------------------------------------------------------------------
# The remote part runs as one bash script (stdin), with its settings as arguments.
set +e
"$SSH" "${SSH_OPTS[@]}" "$HOST" "$SUDO bash -s -- '$PREFIX' '$TS' '$UNIT_DIR' '$ETC_DIR' '$DATA_DIR' '$LOG_DIR' '$RUN_USER' '$PORT' '$READY_TIMEOUT' '$KEEP'" <<'REMOTE'
set -euo pipefail
prefix=$1 ts=$2 unit_dir=$3 etc_dir=$4 data_dir=$5 log_dir=$6 run_user=$7 port=$8 ready_timeout=$9 keep=${10}
release=$prefix/releases/$ts
say() { echo "remote: $*"; }

[ -x "$release/bin/storybot" ] || { say "no executable $release/bin/storybot"; exit 1; }
if ! getent passwd "$run_user" >/dev/null; then
  say "creating system user $run_user"
  useradd --system --user-group --home-dir "$data_dir" --shell /usr/sbin/nologin "$run_user"
fi
install -d -o "$run_user" -g "$run_user" -m 0700 "$data_dir"
install -d -o "$run_user" -g "$run_user" -m 0750 "$log_dir"
install -d -m 0750 -g "$run_user" "$etc_dir"
if [ ! -e "$etc_dir/storybot.env" ]; then
  install -m 0640 -g "$run_user" "$release/deploy/systemd/storybot.env.example" "$etc_dir/storybot.env"
  say "created $etc_dir/storybot.env from the example: put your secrets there"
fi

switch_to() { # RELEASE_DIR: point current at it (atomic rename) and install its unit
  ln -sfn "$1" "$prefix/current.new"
  mv -T "$prefix/current.new" "$prefix/current"
  install -m 0644 "$1/deploy/systemd/storybot.service" "$unit_dir/storybot.service"
  systemctl daemon-reload
}
wait_ready() { # until GET /readyz answers 200, at most ready_timeout seconds
  local deadline=$((SECONDS + ready_timeout))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$port/readyz"; then return 0; fi
    sleep 1
  done
  return 1
}

previous=$(readlink "$prefix/current" 2>/dev/null || true)
switch_to "$release"
systemctl enable storybot.service >/dev/null 2>&1 || true
say "restarting storybot on $ts (previous: ${previous:-none})"
systemctl restart storybot.service || true
if wait_ready; then
  say "ready: http://127.0.0.1:$port/readyz answers 200"
  # prune: keep the newest $keep releases, never the current or the previous one
  ls -1d "$prefix"/releases/*/ 2>/dev/null | sed 's:/$::' | sort -r | tail -n +"$((keep + 1))" | while read -r old; do
    if [ "$old" != "$release" ] && [ "$old" != "$previous" ]; then rm -rf -- "$old"; say "pruned $old"; fi
  done
  exit 0
fi

say "NOT ready after ${ready_timeout}s"
journalctl -u storybot.service -n 30 --no-pager 2>/dev/null || true
if [ -n "$previous" ] && [ -x "$previous/bin/storybot" ]; then
  say "rolling back to $previous"
  switch_to "$previous"
  systemctl restart storybot.service || true
  if wait_ready; then say "rolled back: $previous is ready"; else say "rolled back, but $previous is not ready either"; fi
  mv -T "$release" "$release.failed" 2>/dev/null || true
else
  say "no previous release to roll back to"
fi
exit 1
REMOTE
rc=$?
set -e
if [ "$rc" -ne 0 ]; then die "release $TS did not become ready on $HOST (exit $rc); see the remote lines above"; fi
echo "deploy: $HOST now runs $TS"
