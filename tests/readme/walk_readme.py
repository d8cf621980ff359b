#!/usr/bin/env python3
"""tests/readme/walk_readme.py STORYBOT_BINARY: walk README.md as a new user would, against the binary.

1. Start storybot the way "Three commands" shows (from a fresh directory: ./data, ./logs, a generated admin
   token), check the three lines it prints, and open the admin panel URL (when admin-web/dist is built).
2. Run every command of "Try it with curl" as written (only the host:port is changed to the running storybot)
   and check each answers 2xx, and what its comment promises ({"status":"ok"}, version 2, …).
3. Read the configuration table: every STORYBOT_* variable in it must be one storybot knows (`--help`), every
   one storybot knows must be in it, each documented default must be the effective one (`--check-config`), and
   each must be accepted when set to its default.
4. The setting examples elsewhere in the README (LLM servers, Telegram webhook and polling) pass --check-config,
   and config/storybot.example.json does too.
5. Ctrl-C stops storybot with exit status 0.
Prints one line per check and "N passed, N failed"; exit status 1 when any failed. Everything on 127.0.0.1.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "build", "storybot"))
README = open(os.path.join(REPO, "README.md"), encoding="utf-8").read()
passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print("%s %-44s %s" % ("PASS" if ok else "FAIL", name, detail if not ok else ""), flush=True)
    return ok


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYBOT_")}
    env.update(extra or {})
    return env


def section(title):
    m = re.search(r"^## " + re.escape(title) + r"\n(.*?)(?=^## )", README, re.M | re.S)
    if not m:
        sys.exit("walk_readme: README.md has no section '## %s'" % title)
    return m.group(1)


def code_blocks(text):
    return re.findall(r"```[a-z]*\n(.*?)```", text, re.S)


def commands(block):
    """Shell commands of a block: continuation lines joined."""
    out, current = [], ""
    for line in block.splitlines():
        current += line
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        if current.strip():
            out.append(current.strip())
        current = ""
    return out


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def check_config(env, args=()):
    r = subprocess.run([BIN, "--check-config", *args], env=clean_env(env), capture_output=True, text=True,
                       timeout=30, cwd=tempfile.gettempdir())
    return r.returncode, r.stdout, r.stderr


# ---- 1. the first start -------------------------------------------------------------------------------------
work = tempfile.mkdtemp(prefix="storybot-readme-")
port = free_port()
out_path = os.path.join(work, "stdout.txt")
proc = subprocess.Popen([BIN], cwd=work, env=clean_env({"STORYBOT_HTTP_PORT": str(port)}),
                        stdout=open(out_path, "w"), stderr=subprocess.STDOUT)
base = "http://127.0.0.1:%d" % port
try:
    printed = ""
    for _ in range(300):  # bounded: 30 s
        printed = open(out_path, encoding="utf-8", errors="replace").read()
        if "storybot listening on" in printed or proc.poll() is not None:
            break
        time.sleep(0.1)
    check("start: listening line", ("storybot listening on " + base) in printed, printed[-500:])
    shown = code_blocks(section("Three commands"))[1]
    for expected in shown.strip().splitlines():
        pattern = re.escape(expected.split(":")[0] + ":")
        check("start prints '%s'" % expected.split(":")[0], re.search(r"^" + pattern, printed, re.M) is not None,
              printed[-500:])
    check("start: admin token saved in ./data/admin_token", os.path.isfile(os.path.join(work, "data", "admin_token")))
    check("start: logs in ./logs", os.path.isfile(os.path.join(work, "logs", "storybot.ndjson")))
    panel_line = re.search(r"^admin panel: (\S+)", printed, re.M)
    if os.path.isfile(os.path.join(REPO, "admin-web", "dist", "index.html")) and \
            os.path.dirname(os.path.dirname(BIN)) == REPO:
        try:
            status = urllib.request.urlopen(base + "/admin/", timeout=10).status
        except Exception as e:  # noqa: BLE001 (any failure is the finding)
            status = str(e)
        check("open the panel URL (started outside the repo)", status == 200 and panel_line is not None
              and panel_line.group(1) == base + "/admin/", "GET /admin/ -> %s; printed %r" % (status, panel_line))
    else:
        print("SKIP open the panel URL: admin-web/dist is not built (make web) or the binary is not in build/")

    # ---- 2. "Try it with curl" ------------------------------------------------------------------------------
    block = code_blocks(section("Try it with curl"))[0]
    env = clean_env()
    token = None
    for cmd in commands(block):
        cmd_run = cmd.replace("http://127.0.0.1:8080", base)
        comment = ""
        m = re.search(r"\s+#\s", cmd_run)
        if m:
            cmd_run, comment = cmd_run[:m.start()], cmd_run[m.end():].strip()
        if cmd_run.startswith("TOKEN="):
            r = subprocess.run(["bash", "-c", cmd_run + ' && printf %s "$TOKEN"'], cwd=work, env=env,
                               capture_output=True, text=True, timeout=10)
            token = r.stdout
            env["TOKEN"] = token
            check("curl: " + cmd_run[:60], r.returncode == 0 and len(token) >= 16, r.stderr)
            continue
        piped = "|" in cmd_run
        run = cmd_run if piped else cmd_run + " -w '\\n%{http_code}'"
        # No pipefail: `curl … | head` may see curl's write error (23) once head has its lines, as a user does.
        r = subprocess.run(["bash", "-c", run], cwd=work, env=env, capture_output=True, text=True, timeout=30)
        body, status = r.stdout, "200"
        if not piped:
            body, _, status = r.stdout.rpartition("\n")
        ok = r.returncode == 0 and status.startswith("2") and (body.strip() or " -i" in cmd_run or status == "204")
        detail = "exit %d, HTTP %s: %s %s" % (r.returncode, status, body[:200], r.stderr[:200])
        if comment.startswith("{"):
            ok = ok and json.loads(body) == json.loads(comment)
        if comment.startswith("version"):
            ok = ok and '"version":' + comment.split()[1] in body.replace(" ", "")
        if "/metrics" in cmd_run:
            ok = ok and "# HELP" in body
        if "openapi.yaml" in cmd_run:
            ok = ok and body.startswith("openapi: 3")
        check("curl: " + cmd_run.split(base, 1)[-1][:60].strip(), bool(ok), detail)
    errors = section("Try it with curl")
    m = re.search(r"`(\{\"error\":\{\"code\":\"invalid_argument\",\"message\":\"(content: [^\"]*)\"\},\"trace_id\":\"…\"\})`",
                  errors)
    if check("README shows an error example", m is not None):
        req = urllib.request.Request(base + "/api/prompts", method="POST", data=json.dumps(
            {"content": "从前，{{user_name"}).encode(), headers={"Authorization": "Bearer " + (token or ""),
                                                              "Content-Type": "application/json"})
        try:
            urllib.request.urlopen(req, timeout=10)
            answer = {}
        except urllib.error.HTTPError as e:
            answer = json.loads(e.read())
            check("error example: 400 invalid_argument with a trace id",
                  e.code == 400 and answer["error"]["code"] == "invalid_argument" and "trace_id" in answer and
                  e.headers.get("X-Trace-Id") == answer["trace_id"], json.dumps(answer))
            check("error example: the message as shown", answer["error"]["message"] == m.group(2),
                  "%r vs README %r" % (answer["error"]["message"], m.group(2)))

    # ---- 5. Ctrl-C ------------------------------------------------------------------------------------------
    proc.send_signal(signal.SIGINT)
    try:
        code = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        code = "still running after 20 s"
    check("Ctrl-C stops storybot with exit 0", code == 0, "exit %s" % code)
finally:
    if proc.poll() is None:
        proc.kill()
        proc.wait()

# ---- 3. the configuration table -----------------------------------------------------------------------------
help_text = subprocess.run([BIN, "--help"], capture_output=True, text=True, env=clean_env(), timeout=10).stdout
known = dict(re.findall(r"^  (STORYBOT_[A-Z0-9_]+)  \(([a-z_.]+)\)", help_text, re.M))
check("--help lists the settings", len(known) > 10, help_text[:300])
rc, effective_text, err = check_config({})
effective = json.loads(effective_text) if rc == 0 else {}


def value_of(key):
    node = effective
    for part in key.split("."):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node


table = section("Configuration")
documented = {}
for row in re.findall(r"^\| (`STORYBOT_.*?) \| (.*?) \| (.*?) \|$", table, re.M):
    names_cell, defaults_cell, _ = row
    names, prefix = [], None
    for name in re.findall(r"`(_?[A-Z0-9_]+)`", names_cell):
        if name.startswith("STORYBOT_"):
            prefix = "STORYBOT_" + name[len("STORYBOT_"):].split("_")[0]
            names.append(name)
        else:
            names.append(prefix + name)
    separator = " / " if " / " in defaults_cell else ", "
    defaults = [d.strip() for d in defaults_cell.split(separator)]
    for i, name in enumerate(names):
        documented[name] = defaults[i] if len(defaults) == len(names) else None
check("the table documents settings", len(documented) > 10, table[:300])
for name in sorted(set(documented) - set(known)):
    check("documented %s exists" % name, False, "storybot --help does not know it")
for name in sorted(set(known) - set(documented)):
    check("%s is in the README table" % name, False, "storybot knows it, the README does not say")
for name in sorted(set(documented) & set(known)):
    doc = documented[name]
    literal = re.fullmatch(r"`([^`]*)`", doc or "")
    actual = value_of(known[name])
    if literal:
        want = literal.group(1)
        got = ",".join(actual) if isinstance(actual, list) else str(actual)
        check("default of %s is %s" % (name, want), got == want, "effective %r" % got)
        rc, _, err = check_config({name: want})
        check("%s=%s is accepted" % (name, want), rc == 0 and "unknown environment" not in err, err[-300:])
    else:
        # Optional strings accept empty; the others are set to their effective default.
        optional = name.endswith(("TOKEN", "SECRET", "KEY", "PROMPT", "BASE_URL", "WEBHOOK_URL", "_MODEL"))
        sample = "" if optional else (",".join(actual) if isinstance(actual, list) else str(actual))
        rc, _, err = check_config({name: sample})
        check("%s is accepted (default: %s)" % (name, doc), rc == 0 and "unknown environment" not in err,
              err[-300:])

# ---- 4. setting examples elsewhere ----------------------------------------------------------------------------
for server, settings in re.findall(r"^\| ([^|]+?) \| (`STORYBOT_LLM_[^|]+) \|$", section("Story engines"), re.M):
    env = dict(re.findall(r"(STORYBOT_[A-Z_]+)=([^ `]+)", settings))
    env = {k: v.replace("…", "xyz").replace("<served model>", "m") for k, v in env.items()}
    rc, _, err = check_config(env)
    check("LLM example: %s" % server.strip(), rc == 0 and "unknown environment" not in err, err[-300:])
tg = section("Telegram")
webhook_block = code_blocks(tg)[0].replace("$(openssl rand -hex 32)", "a" * 64).replace("…", "xyz")
env = dict(re.findall(r"(STORYBOT_[A-Z_]+)=(\S+)", webhook_block))
rc, _, err = check_config(env)
check("Telegram webhook mode example", rc == 0, err[-300:])
polling = re.search(r"`(STORYBOT_TELEGRAM_BOT_TOKEN=[^`]*MODE=polling)[^`]*`", tg)
if check("Telegram polling example is in the README", polling is not None):
    env = {k: v.replace("…", "xyz") for k, v in re.findall(r"(STORYBOT_[A-Z_]+)=(\S+)", polling.group(1))}
    rc, _, err = check_config(env)
    check("Telegram polling mode example", rc == 0, err[-300:])
rc, _, err = check_config({}, ["--config", os.path.join(REPO, "config", "storybot.example.json")])
check("config/storybot.example.json passes --check-config", rc == 0, err[-300:])

shutil.rmtree(work, ignore_errors=True)
print("readme: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
