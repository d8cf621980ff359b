#!/usr/bin/env python3
"""tests/deploy/check_timeouts.py: every timeout under deploy/ agrees with storybot's own.

storybot's timings are read from its sources (the defaults a deployment runs with):
  http/server.h        idle_timeout, header_timeout, request_timeout, shutdown_grace
  app/application.cpp  the grace running jobs get at shutdown (jobs->Stop(seconds(N)))
  core/config.cpp      llm.timeout_s, llm.max_retries (defaults in the settings table)
  channels/webhook/settings.cpp  webhook.sync_timeout_s
  core/story/openai_backend.cpp  BackoffDelay (500 ms << retry, at most 8 s, +25 % jitter)
and compared with what deploy/ sets:
  nginx   /webhooks/ waits longer than the sync timeout (else 504 instead of the documented 202);
          the story preview waits out every LLM attempt; the upstream keep-alive ends before storybot's
          idle timeout (else a reused connection storybot just closed fails a POST with 502);
          Telegram/Slack webhook paths wait at least Slack's 3 s; client_header_timeout <= header_timeout
  systemd TimeoutStopSec, compose stop_grace_period: longer than the drain plus the jobs' grace
  Dockerfile and compose healthchecks: a timeout shorter than the interval
Run alone or from tests/deploy/run.sh; one PASS/FAIL line per rule.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.environ.get("REPO") or os.path.dirname(os.path.dirname(HERE))
RESULTS = os.environ.get("RESULTS_FILE", "/dev/null")
failures = 0


def report(status, name, detail):
    global failures
    line = "%-4s %-34s %s" % (status, name, detail)
    if status == "FAIL":
        failures += 1
    with open(RESULTS, "a") as f:
        f.write(line + "\n")
    try:
        os.write(3, (line + "\n").encode())
        print("== " + line)
    except OSError:
        print(line)


def check(name, ok, detail):
    report("PASS" if ok else "FAIL", name, detail)


def read(path):
    with open(os.path.join(REPO, path), encoding="utf-8") as f:
        return f.read()


def number(path, pattern):
    m = re.search(pattern, read(path), re.S)
    if not m:
        raise SystemExit("check_timeouts: cannot find %r in %s (the source changed: update this check)"
                         % (pattern, path))
    return int(m.group(1))


def seconds(text):
    """nginx/systemd/compose durations: 15, 15s, 2m, 1m30s, 500ms -> seconds (float)."""
    total = 0.0
    for value, unit in re.findall(r"(\d+)\s*(ms|s|m|h|)", text.strip()):
        total += int(value) * {"ms": 0.001, "s": 1, "": 1, "m": 60, "h": 3600}[unit]
    return total


# ---- storybot's own timings ----------------------------------------------------------------------------------
idle = number("http/server.h", r"idle_timeout\{(\d+)\}")
header = number("http/server.h", r"header_timeout\{(\d+)\}")
request = number("http/server.h", r"request_timeout\{(\d+)\}")
grace = number("http/server.h", r"shutdown_grace\{(\d+)\}")
jobs_grace = number("app/application.cpp", r"jobs->Stop\(std::chrono::seconds\((\d+)\)\)")
# Defaults live in the settings tables: core's (core/config.cpp) and each channel's
# (channels/<name>/settings.cpp), one IntRow(env, key, default, ...) per setting.
sync_timeout = number("channels/webhook/settings.cpp", r'"webhook\.sync_timeout_s",\s*(\d+),')
llm_timeout = number("core/config.cpp", r'"llm\.timeout_s",\s*(\d+),')
llm_retries = number("core/config.cpp", r'"llm\.max_retries",\s*(\d+),')
backoff_base_ms = number("core/story/openai_backend.cpp", r"milliseconds\((\d+)LL << exponent\)")
backoff_cap_ms = number("core/story/openai_backend.cpp", r"<< exponent\), std::chrono::milliseconds\((\d+)\)")
backoff_s = sum(min(backoff_base_ms << r, backoff_cap_ms) * 1.25 for r in range(llm_retries)) / 1000
llm_worst = llm_timeout * (1 + llm_retries) + backoff_s
stop_needed = grace + jobs_grace
print("storybot: idle %ds header %ds request %ds drain %ds + jobs %ds; webhook sync %ds; LLM %ds x %d + %.1fs"
      % (idle, header, request, grace, jobs_grace, sync_timeout, llm_timeout, 1 + llm_retries, backoff_s))

# ---- nginx ---------------------------------------------------------------------------------------------------
nginx = read("deploy/nginx/storybot.conf")
nginx_code = "\n".join(line.split("#", 1)[0] for line in nginx.splitlines())


def block(opening):
    """The text of the { } block that starts at `opening` (a regex), without nested blocks' text."""
    m = re.search(opening + r"\s*\{", nginx_code)
    if not m:
        return None
    depth, i = 1, m.end()
    start = i
    while depth and i < len(nginx_code):
        depth += {"{": 1, "}": -1}.get(nginx_code[i], 0)
        i += 1
    return nginx_code[start:i - 1]


def directive(text, name):
    m = re.search(r"(?:^|[;{}\s])" + name + r"\s+([^;]+);", text or "")
    return seconds(m.group(1)) if m else None


server443 = block(r"server(?=\s*\{[^}]*listen 443)")
server_level = re.sub(r"location[^{]*\{[^}]*\}", "", server443 or "")
default_read = directive(server_level, "proxy_read_timeout") or 60


def location_read(opening):
    b = block(opening)
    if b is None:
        return None
    own = directive(b, "proxy_read_timeout")
    return own if own is not None else default_read


webhooks_read = location_read(r"location\s+\^~\s+/webhooks/")
if webhooks_read is None:  # one regex location for every webhook path
    for m in re.finditer(r"location\s+~\*?\s+(\S+)\s*\{", nginx_code):
        if re.search(m.group(1), "/webhooks/acme"):
            webhooks_read = location_read(re.escape(m.group(0)[:-1].rstrip()))
            break
if webhooks_read is None:
    webhooks_read = default_read
check("nginx-webhooks-sync-timeout", webhooks_read >= sync_timeout + 5,
      "proxy_read_timeout for /webhooks/ %gs vs webhook.sync_timeout_s %ds (+5 s margin): a synchronous webhook "
      "must get its 202, not nginx's 504" % (webhooks_read, sync_timeout))

preview_read = location_read(r"location\s+=\s+/api/stories/preview")
preview_read = default_read if preview_read is None else preview_read
check("nginx-preview-llm-timeout", preview_read >= llm_worst,
      "proxy_read_timeout for /api/stories/preview %gs vs LLM %ds x %d attempts + %.1fs backoff = %.1fs"
      % (preview_read, llm_timeout, 1 + llm_retries, backoff_s, llm_worst))

chat_read = None
for m in re.finditer(r"location\s+~\*?\s+(\S+)\s*\{", nginx_code):
    if re.search(m.group(1), "/slack/events"):
        chat_read = location_read(re.escape(m.group(0)[:-1].rstrip()))
chat_read = default_read if chat_read is None else chat_read
check("nginx-chat-webhooks", 3 <= chat_read,
      "proxy_read_timeout for /slack/events, /telegram/webhook %gs >= Slack's 3 s acknowledgement" % chat_read)

upstream = block(r"upstream\s+storybot")
keepalive = directive(upstream, "keepalive_timeout")
keepalive = 60 if keepalive is None else keepalive  # nginx's default
check("nginx-upstream-keepalive", keepalive < idle,
      "upstream keepalive_timeout %gs < storybot's idle timeout %ds (nginx closes idle connections first)"
      % (keepalive, idle))

client_header = directive(server_level, "client_header_timeout")
client_header = 60 if client_header is None else client_header
check("nginx-client-header-timeout", client_header <= header,
      "client_header_timeout %gs <= storybot's header deadline %ds" % (client_header, header))

send = directive(server_level, "proxy_send_timeout")
send = 60 if send is None else send
check("nginx-proxy-send-timeout", send <= request,
      "proxy_send_timeout %gs <= storybot's request deadline %ds (storybot would cut a slower body first)"
      % (send, request))

# ---- systemd -------------------------------------------------------------------------------------------------
unit = read("deploy/systemd/storybot.service")
m = re.search(r"^TimeoutStopSec=(\S+)", unit, re.M)
stop_sec = seconds(m.group(1)) if m else 90
check("systemd-timeout-stop", stop_sec > stop_needed,
      "TimeoutStopSec %gs > drain %ds + jobs %ds: SIGKILL must not cut the graceful stop short"
      % (stop_sec, grace, jobs_grace))

# ---- Docker / compose ----------------------------------------------------------------------------------------
try:
    import yaml  # python3-yaml, listed in run.sh's needs
except ImportError:
    yaml = None
compose_text = read("deploy/docker/compose.yaml")
if yaml is not None:
    compose = yaml.safe_load(compose_text)
    service = compose["services"]["storybot"]
    grace_text = str(service.get("stop_grace_period", "10s"))
    health = [(name, s["healthcheck"]) for name, s in compose["services"].items() if "healthcheck" in s]
else:
    m = re.search(r"stop_grace_period:\s*(\S+)", compose_text)
    grace_text = m.group(1) if m else "10s"
    health = []
compose_grace = seconds(grace_text)
check("compose-stop-grace-period", compose_grace > stop_needed and compose_grace == stop_sec,
      "storybot stop_grace_period %gs > drain %ds + jobs %ds, and equal to systemd's TimeoutStopSec %gs"
      % (compose_grace, grace, jobs_grace, stop_sec))
for name, h in health:
    interval, timeout = seconds(str(h.get("interval", "30s"))), seconds(str(h.get("timeout", "30s")))
    check("compose-healthcheck-" + name, timeout <= interval,
          "healthcheck timeout %gs <= interval %gs" % (timeout, interval))

dockerfile = read("deploy/docker/Dockerfile")
m = re.search(r"HEALTHCHECK\s+(.*?)\s+CMD", dockerfile, re.S)
if m:
    opts = dict(re.findall(r"--([a-z-]+)=(\S+)", m.group(1)))
    interval, timeout = seconds(opts.get("interval", "30s")), seconds(opts.get("timeout", "30s"))
    check("docker-healthcheck", timeout <= interval and timeout < request,
          "HEALTHCHECK timeout %gs <= interval %gs and < the request deadline %ds" % (timeout, interval, request))
m = re.search(r"^STOPSIGNAL\s+(\S+)", dockerfile, re.M)
check("docker-stopsignal", m is not None and m.group(1) == "SIGTERM",
      "STOPSIGNAL SIGTERM starts the graceful stop (got %s)" % (m.group(1) if m else "none"))

sys.exit(1 if failures else 0)
