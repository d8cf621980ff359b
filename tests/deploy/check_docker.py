#!/usr/bin/env python3
"""deploy/docker without a Docker engine: what can be checked is checked.

- docker-compose: compose.yaml parses (Debian's python3-yaml); the five services are there; every file or folder
  it names exists (build context, Dockerfile, bind mounts, env files unless `required: false`); named volumes
  are declared.
- docker-consistency: the ports and paths agree across compose.yaml, Dockerfile, prometheus.yml, filebeat.yml,
  the nginx upstream and the systemd unit (storybot port, log and data directories shared with Filebeat,
  Elasticsearch/Kibana URLs, mounted config files).
- dockerfile: stages FROM debian:12 (+ a Node stage), every COPY source exists in the build context and is not
  excluded by Dockerfile.dockerignore, every CMake subdirectory is copied, non-root USER, HEALTHCHECK on /healthz,
  STORYBOT_HTTP_HOST=0.0.0.0.
- docker-runtime-libs: the runtime stage installs the Debian package of every shared library that the real
  build/storybot links (readelf/ldd/dpkg -S on $STORYBOT_BIN).
"""
import fnmatch
import os
import re
import shlex
import shutil
import subprocess
import sys
from urllib.parse import urlparse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import DEPLOY, REPO, failed, passed  # noqa: E402
from report import missing as missing_tool  # noqa: E402

DOCKER = os.path.join(DEPLOY, "docker")
BASE_PACKAGES = {"libc6", "libstdc++6", "libgcc-s1"}   # in debian:12 itself


def parse_dockerfile(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"\\\n", " ", text)
    args, stages, instrs = {}, [], []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        op, _, rest = line.partition(" ")
        op = op.upper()
        rest = rest.strip()
        if op == "ARG" and not stages:
            k, _, v = rest.partition("=")
            args[k] = v
            continue
        if op == "FROM":
            m = re.match(r"(\S+)(?:\s+AS\s+(\S+))?", rest, re.I)
            image = re.sub(r"\$\{(\w+)\}", lambda mm: args.get(mm.group(1), ""), m.group(1))
            stages.append({"image": image, "name": m.group(2), "instrs": []})
            continue
        if stages:
            stages[-1]["instrs"].append((op, rest))
        instrs.append((op, rest))
    return args, stages


def apt_packages(run):
    pkgs = set()
    for part in re.split(r"&&|;", run):
        words = shlex.split(part)
        if "apt-get" in words and "install" in words:
            for w in words[words.index("install") + 1:]:
                if not w.startswith("-"):
                    pkgs.add(w)
    return pkgs


def dockerignore_patterns():
    path = os.path.join(DOCKER, "Dockerfile.dockerignore")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [ln.strip() for ln in f if ln.strip() and not ln.startswith("#")]


def ignored(rel, patterns):
    rel = rel.rstrip("/")
    for p in patterns:
        p = p.rstrip("/")
        if fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(rel, p.replace("**/", "")):
            return True
    return False


def check_dockerfile(stages):
    problems = []
    names = [s["name"] for s in stages]
    if not stages or stages[-1]["image"] != "debian:12":
        problems.append("runtime stage is not FROM debian:12")
    if not any(s["image"] == "debian:12" and s["name"] == "build" for s in stages):
        problems.append("no build stage FROM debian:12 AS build")
    patterns = dockerignore_patterns()
    copied = set()
    for s in stages:
        for op, rest in s["instrs"]:
            if op not in ("COPY", "ADD"):
                continue
            words = [w for w in shlex.split(rest)]
            from_stage = next((w.split("=", 1)[1] for w in words if w.startswith("--from=")), None)
            srcs = [w for w in words if not w.startswith("--")][:-1]
            if from_stage:
                if from_stage not in names:
                    problems.append(f"COPY --from={from_stage}: no such stage")
                continue
            for src in srcs:
                copied.add(src.rstrip("/").split("/")[0])
                full = os.path.join(REPO, src)
                if not os.path.exists(full):
                    problems.append(f"COPY {src}: not in the repository")
                elif os.path.isdir(full) and not any(files for _, _, files in os.walk(full)):
                    problems.append(f"COPY {src}: an empty folder (git keeps none: a clean clone lacks it)")
                elif ignored(src, patterns):
                    problems.append(f"COPY {src}: excluded by Dockerfile.dockerignore")
    # every CMake subdirectory (but the opt-in test builds under tests/) and configured file
    # reaches the build stage
    cml = os.path.join(REPO, "CMakeLists.txt")
    if os.path.exists(cml):
        with open(cml, encoding="utf-8") as f:
            cm = f.read()
        needed = {d for d in re.findall(r"add_subdirectory\(\s*([\w./-]+)", cm)
                  if d.split("/")[0] not in ("tests", "bench")}
        needed |= {p.split("/")[0] for p in re.findall(r"configure_file\(\s*([\w./-]+)", cm)}
        if re.search(r"(^|[\s(/}])cmake/", cm):   # include(cmake/x.cmake), CMAKE_MODULE_PATH .../cmake/
            needed.add("cmake")
        for d in sorted(needed):
            if d.split("/")[0] not in copied:
                problems.append(f"CMakeLists.txt needs {d}/, the Dockerfile does not COPY it")
    else:
        problems.append("no CMakeLists.txt in the repository")
    runtime = stages[-1]["instrs"] if stages else []
    users = [rest for op, rest in runtime if op == "USER"]
    if not users or users[-1].split(":")[0] in ("root", "0"):
        problems.append("runtime stage runs as root")
    hc = [rest for op, rest in runtime if op == "HEALTHCHECK"]
    if not hc or "/healthz" not in hc[-1] or "curl" not in hc[-1]:
        problems.append("no HEALTHCHECK with curl on /healthz")
    env = " ".join(rest for op, rest in runtime if op == "ENV")
    if not re.search(r"STORYBOT_HTTP_HOST=0\.0\.0\.0\b", env):
        problems.append("runtime ENV lacks STORYBOT_HTTP_HOST=0.0.0.0")
    runtime_pkgs = set().union(*[apt_packages(rest) for op, rest in runtime if op == "RUN"] or [set()])
    if "curl" not in runtime_pkgs:
        problems.append("runtime stage does not install curl (HEALTHCHECK)")
    build = next((s for s in stages if s["name"] == "build"), None)
    if build and not any("cmake --preset release" in rest for op, rest in build["instrs"] if op == "RUN"):
        problems.append("build stage does not run cmake --preset release")
    if not any("npm ci" in rest and True for s in stages for op, rest in s["instrs"] if op == "RUN"):
        problems.append("no stage runs npm ci")
    return problems, runtime_pkgs, env


def dockerfile_env(env_text):
    return dict(re.findall(r"(STORYBOT_\w+)=(\S+)", env_text))


def volume_mounts(service):
    out = []
    for v in service.get("volumes", []):
        if isinstance(v, str):
            parts = v.split(":")
            out.append({"source": parts[0], "target": parts[1], "ro": len(parts) > 2 and "ro" in parts[2]})
        else:
            out.append({"source": v.get("source"), "target": v.get("target"), "ro": v.get("read_only", False)})
    return out


def main():
    try:
        import yaml
    except ImportError:
        missing_tool("docker-compose", "python3 module yaml", "python3-yaml")
        return
    compose_path = os.path.join(DOCKER, "compose.yaml")
    try:
        with open(compose_path, encoding="utf-8") as f:
            compose = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        failed("docker-compose", f"{compose_path}: {e}")
        return
    services = compose.get("services", {})
    problems = []
    for want in ("storybot", "elasticsearch", "kibana", "filebeat", "prometheus"):
        if want not in services:
            problems.append(f"no service {want}")
    declared = set((compose.get("volumes") or {}).keys())
    for name, svc in services.items():
        b = svc.get("build")
        if b:
            ctx = os.path.normpath(os.path.join(DOCKER, b.get("context", ".")))
            if not os.path.isdir(ctx):
                problems.append(f"{name}: build context {ctx} missing")
            if not os.path.isfile(os.path.join(ctx, b.get("dockerfile", "Dockerfile"))):
                problems.append(f"{name}: dockerfile {b.get('dockerfile')} missing")
        for m in volume_mounts(svc):
            src = m["source"]
            if src.startswith((".", "/")):
                if not os.path.exists(os.path.normpath(os.path.join(DOCKER, src))):
                    problems.append(f"{name}: bind mount source {src} missing")
            elif src not in declared:
                problems.append(f"{name}: volume {src} not declared")
        for ef in svc.get("env_file", []) if isinstance(svc.get("env_file"), list) else []:
            p, req = (ef, True) if isinstance(ef, str) else (ef["path"], ef.get("required", True))
            if req and not os.path.exists(os.path.join(DOCKER, p)):
                problems.append(f"{name}: env_file {p} missing")
    if problems:
        failed("docker-compose", "; ".join(problems))
    else:
        passed("docker-compose", f"compose.yaml parses; services {', '.join(services)}; every named file exists")

    # ---- Dockerfile -----------------------------------------------------------------------------------------
    df_path = os.path.join(DOCKER, "Dockerfile")
    try:
        _, stages = parse_dockerfile(df_path)
    except OSError as e:
        failed("dockerfile", str(e))
        return
    df_problems, runtime_pkgs, env_text = check_dockerfile(stages)
    if df_problems:
        failed("dockerfile", "; ".join(df_problems[:8]))
    else:
        passed("dockerfile", f"stages {', '.join(s['name'] + '=' + s['image'] for s in stages)}; COPY sources exist; "
               "non-root; HEALTHCHECK /healthz")
    df_env = dockerfile_env(env_text)
    runtime_instrs = stages[-1]["instrs"] if stages else []

    # ---- consistency ----------------------------------------------------------------------------------------
    c = []
    sb = services.get("storybot", {})
    sb_env = {k: str(v) for k, v in (sb.get("environment") or {}).items()}
    port = sb_env.get("STORYBOT_HTTP_PORT") or df_env.get("STORYBOT_HTTP_PORT")
    expose = [rest.split()[0] for op, rest in runtime_instrs if op == "EXPOSE"]
    if df_env.get("STORYBOT_HTTP_PORT") != port or expose != [port]:
        c.append(f"port: compose {port}, Dockerfile ENV {df_env.get('STORYBOT_HTTP_PORT')}, EXPOSE {expose}")
    published = [p for p in sb.get("ports", []) if str(p).endswith(f":{port}")]
    if not published:
        c.append(f"storybot container port {port} not published")
    host_port = str(published[0]).split(":")[-2] if published else None
    # nginx upstream and the systemd unit talk to the host port
    with open(os.path.join(DEPLOY, "nginx", "storybot.conf"), encoding="utf-8") as f:
        up = re.search(r"upstream\s+storybot\s*{[^}]*server\s+([\d.]+):(\d+)", f.read())
    if not up or up.group(2) != host_port or not str(published[0]).startswith(up.group(1)):
        c.append(f"nginx upstream {up.groups() if up else None} != published {published}")
    with open(os.path.join(DEPLOY, "systemd", "storybot.service"), encoding="utf-8") as f:
        unit = f.read()
    m = re.search(r"STORYBOT_HTTP_PORT=(\d+)", unit)
    if not m or m.group(1) != (up.group(2) if up else None):
        c.append("systemd STORYBOT_HTTP_PORT differs from the nginx upstream port")
    for key in ("STORYBOT_LOG_DIR", "STORYBOT_DATA_DIR"):
        um = re.search(rf"{key}=(\S+)", unit)
        if not (sb_env.get(key) == df_env.get(key) == (um.group(1) if um else None)):
            c.append(f"{key}: compose {sb_env.get(key)}, Dockerfile {df_env.get(key)}, systemd {um and um.group(1)}")
    volumes_decl = [rest for op, rest in runtime_instrs if op == "VOLUME"]
    for key in ("STORYBOT_LOG_DIR", "STORYBOT_DATA_DIR"):
        if df_env.get(key) and not any(df_env[key] in v for v in volumes_decl):
            c.append(f"Dockerfile VOLUME lacks {df_env[key]}")
    sb_mounts = {m["target"]: m["source"] for m in volume_mounts(sb)}
    log_dir, data_dir = sb_env.get("STORYBOT_LOG_DIR"), sb_env.get("STORYBOT_DATA_DIR")
    log_vol = sb_mounts.get(log_dir)
    if not log_vol or data_dir not in sb_mounts:
        c.append(f"storybot: no volume at its log dir {log_dir} or data dir {data_dir}")
    # Filebeat reads that volume where filebeat.yml looks
    fb = services.get("filebeat", {})
    fb_mounts = volume_mounts(fb)
    fb_cfg = [m for m in fb_mounts if m["target"] == "/usr/share/filebeat/filebeat.yml"]
    if not fb_cfg or os.path.normpath(os.path.join(DOCKER, fb_cfg[0]["source"])) != os.path.join(DEPLOY, "elk", "filebeat.yml"):
        c.append("filebeat: deploy/elk/filebeat.yml not mounted at /usr/share/filebeat/filebeat.yml")
    fb_logs = [m for m in fb_mounts if m["source"] == log_vol]
    with open(os.path.join(DEPLOY, "elk", "filebeat.yml"), encoding="utf-8") as f:
        fbc = yaml.safe_load(f)
    fb_paths = [p for i in fbc.get("filebeat.inputs", []) for p in i.get("paths", [])]
    if not fb_logs:
        c.append(f"filebeat does not mount storybot's log volume {log_vol}")
    elif not all(fnmatch.fnmatchcase(f"{fb_logs[0]['target']}/storybot.ndjson", p) or
                 p.startswith(fb_logs[0]["target"] + "/") for p in fb_paths) or not fb_paths:
        c.append(f"filebeat paths {fb_paths} are not under the mounted log dir {fb_logs[0]['target']}")
    elif not fb_logs[0]["ro"]:
        c.append("filebeat mounts the log volume read-write")

    def url_ok(url, service, cport):
        u = urlparse(url.strip("[]'\" "))
        return u.hostname == service and str(u.port) == cport and service in services
    es_port = "9200"
    es_ports = [str(p) for p in services.get("elasticsearch", {}).get("ports", [])]
    if not any(p.endswith(":9200") for p in es_ports):
        c.append("elasticsearch does not publish 9200")
    if not url_ok((fb.get("environment") or {}).get("ELASTICSEARCH_HOSTS", ""), "elasticsearch", es_port):
        c.append("filebeat ELASTICSEARCH_HOSTS is not the elasticsearch service")
    if "${ELASTICSEARCH_HOSTS" not in str(fbc.get("output.elasticsearch", {}).get("hosts")):
        c.append("filebeat.yml output does not use ELASTICSEARCH_HOSTS")
    kb = services.get("kibana", {})
    if not url_ok(str((kb.get("environment") or {}).get("ELASTICSEARCH_HOSTS", "")), "elasticsearch", es_port):
        c.append("kibana ELASTICSEARCH_HOSTS is not the elasticsearch service")
    setup = next((s for s in services.values() if "load.sh" in " ".join(map(str, s.get("entrypoint") or []))), None)
    if setup is None:
        c.append("no service runs deploy/elk/load.sh")
    else:
        env = setup.get("environment") or {}
        if not url_ok(env.get("ES_URL", ""), "elasticsearch", es_port) or not url_ok(env.get("KIBANA_URL", ""), "kibana", "5601"):
            c.append("elk-setup ES_URL/KIBANA_URL do not name the services")
        mounts = volume_mounts(setup)
        script = " ".join(setup.get("entrypoint"))
        if not any(os.path.normpath(os.path.join(DOCKER, m["source"])) == os.path.join(DEPLOY, "elk")
                   and m["target"] in script for m in mounts):
            c.append("elk-setup does not mount deploy/elk where its entrypoint looks")
    # Prometheus: mounted config, rules beside it, scrape target = storybot service:port
    pr = services.get("prometheus", {})
    pm = [m for m in volume_mounts(pr)
          if os.path.normpath(os.path.join(DOCKER, m["source"])) == os.path.join(DEPLOY, "prometheus")]
    cfg_arg = next((a.split("=", 1)[1] for a in pr.get("command", []) if a.startswith("--config.file=")), None)
    if not pm or not cfg_arg or not cfg_arg.startswith(pm[0]["target"] + "/"):
        c.append("prometheus: deploy/prometheus not mounted where --config.file points")
    else:
        local = os.path.join(DEPLOY, "prometheus", cfg_arg[len(pm[0]["target"]) + 1:])
        with open(local, encoding="utf-8") as f:
            pcfg = yaml.safe_load(f)
        for rf in pcfg.get("rule_files", []):
            if not os.path.exists(os.path.join(os.path.dirname(local), rf)):
                c.append(f"prometheus rule file {rf} missing")
        targets = [t for j in pcfg.get("scrape_configs", []) if j.get("job_name") == "storybot"
                   for sc in j.get("static_configs", []) for t in sc.get("targets", [])]
        if targets != [f"storybot:{port}"]:
            c.append(f"prometheus storybot targets {targets}, want ['storybot:{port}']")
    if c:
        failed("docker-consistency", "; ".join(c[:8]))
    else:
        passed("docker-consistency", f"storybot:{port} (nginx/systemd 127.0.0.1:{host_port}), log volume {log_vol} "
               f"-> filebeat, ES/Kibana URLs, prometheus mount + target agree")

    # ---- runtime libraries of the real binary ------------------------------------------------------------------
    binary = os.environ.get("STORYBOT_BIN") or os.path.join(REPO, "build", "storybot")
    name = "docker-runtime-libs"
    if not os.path.isfile(binary):
        failed(name, f"storybot binary not found at {binary} (build it, or set STORYBOT_BIN)")
        return
    for tool, package in (("readelf", "binutils"), ("ldd", "libc-bin"), ("dpkg", "dpkg")):
        if not shutil.which(tool):
            missing_tool(name, tool, package)
            return
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]",
                        subprocess.run(["readelf", "-d", binary], capture_output=True, text=True).stdout)
    if not needed:
        failed(name, f"{binary} is not a dynamically linked ELF executable (readelf shows no NEEDED)")
        return
    ldd = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    paths = dict(re.findall(r"^\s*(\S+) => (\S+)", ldd, re.M))
    missing, pkgs = [], {}
    for lib in needed:
        p = paths.get(lib)
        if not p or p == "not":
            missing.append(f"{lib} (not found by ldd)")
            continue
        real = os.path.realpath(p)
        owner = None
        for cand in (p, real, real.replace("/usr/lib/", "/lib/", 1), p.replace("/lib/", "/usr/lib/", 1)):
            r = subprocess.run(["dpkg", "-S", cand], capture_output=True, text=True)
            if r.returncode == 0:
                owner = r.stdout.split(":")[0].strip()
                break
        if owner is None:
            missing.append(f"{lib} (no Debian package owns {real})")
            continue
        pkgs[lib] = owner
        if owner not in runtime_pkgs and owner not in BASE_PACKAGES:
            missing.append(f"{lib} from {owner}")
    if missing:
        failed(name, "runtime stage lacks: " + ", ".join(missing))
    else:
        passed(name, f"{len(needed)} linked libraries, all from packages the runtime stage installs or debian:12 has: "
               + " ".join(sorted(set(pkgs.values()) - BASE_PACKAGES)))


if __name__ == "__main__":
    main()
