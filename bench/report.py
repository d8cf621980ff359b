#!/usr/bin/env python3
"""Turn the benchmark's raw wrk outputs and facts into the markdown results table.

    report.py META_FILE RAW_DIR OUT_FILE

META_FILE holds key=value lines written by bench/run.sh (machine facts, wrk commands as cmd_<run>, storybot's
RSS and start-up time). Each run's wrk output is RAW_DIR/<run>.txt. Writes OUT_FILE and prints it.
"""
import re
import sys

RUNS = [  # (run name, what it is) in table order
    ("sb_get", "storybot `GET /api/prompts` (10 prompts)"),
    ("flask_get", "Flask anchor `GET /prompts` (10 prompts)"),
    ("nginx_get", "nginx static file, storybot's exact GET body"),
    ("sb_post", "storybot `POST /api/prompts` (SQLite WAL, synchronous=FULL)"),
    ("flask_post", "Flask anchor `POST /prompts` (SQLite, default journal)"),
]

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * UNIT_MS[m.group(2)] if m else None


def parse_wrk(text):
    """The numbers we report from one `wrk --latency` output; missing ones stay None."""
    out = {"rps": None, "p50": None, "p99": None, "requests": None, "non2xx": 0, "socket_errors": ""}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if m:
        out["rps"] = float(m.group(1))
    for pct, key in (("50", "p50"), ("99", "p99")):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", text, re.M)
        if m:
            out[key] = to_ms(m.group(1))
    m = re.search(r"(\d+) requests in", text)
    if m:
        out["requests"] = int(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if m:
        out["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors:\s+(.*)", text)
    if m:
        out["socket_errors"] = m.group(1).strip()
    return out


def fmt(v, spec):
    return "n/a" if v is None else format(v, spec)


def ratio(a, b):
    return None if a is None or not b else a / b


def verdict(ok):
    return "n/a" if ok is None else ("**met**" if ok else "**missed**")


def main():
    meta_path, raw_dir, out_path = sys.argv[1:4]
    meta = {}
    with open(meta_path, encoding="utf-8") as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    res = {}
    for name, _ in RUNS:
        try:
            with open(f"{raw_dir}/{name}.txt", encoding="utf-8") as f:
                res[name] = parse_wrk(f.read())
        except FileNotFoundError:
            res[name] = parse_wrk("")

    L = []
    L.append(f"# storybot benchmark, {meta.get('date', '?')}")
    L.append("")
    L.append("Produced by `make bench` (`bench/run.sh`). All servers ran on this machine in the same run, one at a "
             "time under load, each measured after a 2 s wrk warm-up, in this order: storybot GET, nginx GET, Flask GET, Flask POST, "
             "storybot POST (`sync` before each). The machine is shared and noisy: "
             "read the ratios, not the absolute numbers.")
    L.append("")
    L.append(f"- machine: {meta.get('nproc', '?')} cores (`nproc`), {meta.get('cpu', '?')}, "
             f"Linux {meta.get('kernel', '?')}, {meta.get('mem', '?')}; "
             f"1-minute load average {meta.get('load_start', '?')} just before the run (other work on the machine; "
             f"the run itself keeps both cores busy)")
    L.append(f"- storybot: {meta.get('storybot_version', '?')}, commit {meta.get('commit', '?')}, "
             f"`STORYBOT_LOG_LEVEL=warn`, default HTTP threads")
    L.append(f"- anchors: {meta.get('flask_desc', '?')}; {meta.get('nginx_version', '?')} via "
             f"`nginx-static.sh` (2 workers, keep-alive, no access log); load: {meta.get('wrk_version', '?')}")
    if meta.get("flask_start_attempts", "1") != "1":
        L.append(f"- the Flask anchor needed {meta['flask_start_attempts']} starts: its two gunicorn workers race on "
                 f"`db.create_all()` against a fresh SQLite file and the loser fails to boot")
    L.append(f"- GET body served by storybot and nginx: {meta.get('body_bytes', '?')} bytes; Flask's `GET /prompts` "
             f"body: {meta.get('flask_body_bytes', '?')} bytes (its prompts have only id and content)")
    L.append("")
    L.append("| run | requests/s | p50 ms | p99 ms | requests | non-2xx | socket errors |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, label in RUNS:
        r = res[name]
        L.append(f"| {label} | {fmt(r['rps'], ',.0f')} | {fmt(r['p50'], '.2f')} | {fmt(r['p99'], '.2f')} | "
                 f"{fmt(r['requests'], ',d')} | {r['non2xx']} | {r['socket_errors'] or 'none'} |")
    L.append("")

    sg, fg, ng, sp, fp = (res[n] for n in ("sb_get", "flask_get", "nginx_get", "sb_post", "flask_post"))
    try:
        with open(f"{raw_dir}/sb_post.warmup.txt", encoding="utf-8") as f:
            spw = parse_wrk(f.read())
    except FileNotFoundError:
        spw = parse_wrk("")
    get_vs_flask = ratio(sg["rps"], fg["rps"])
    get_vs_nginx = ratio(sg["rps"], ng["rps"])
    post_vs_flask = ratio(sp["rps"], fp["rps"])
    p99 = sg["p99"]
    L.append("| target | measured | status |")
    L.append("| --- | ---: | --- |")
    L.append(f"| storybot GET ≥ 20× Flask GET (requests/s) | {fmt(get_vs_flask, '.1f')}× | "
             f"{verdict(None if get_vs_flask is None else get_vs_flask >= 20)} |")
    L.append(f"| storybot GET ≥ 0.6× nginx static (requests/s) | {fmt(get_vs_nginx, '.2f')}× | "
             f"{verdict(None if get_vs_nginx is None else get_vs_nginx >= 0.6)} |")
    L.append(f"| storybot GET p99 < 5 ms | {fmt(p99, '.2f')} ms (nginx in the same run: {fmt(ng['p99'], '.2f')} ms) | {verdict(None if p99 is None else p99 < 5)} |")
    L.append(f"| storybot POST ≥ 2× Flask POST (requests/s) | {fmt(post_vs_flask, '.1f')}× | "
             f"{verdict(None if post_vs_flask is None else post_vs_flask >= 2)} |")
    L.append(f"| storybot answers only 2xx under load | {sg['non2xx'] + sp['non2xx']} non-2xx | "
             f"{verdict(sg['non2xx'] + sp['non2xx'] == 0 and sg['rps'] is not None and sp['rps'] is not None)} |")
    L.append("")

    killed_note = ""
    if "-15" in meta.get("startup_exit_codes", "").split():
        killed_note = ("; SIGTERM is sent as soon as the line is read, and -15 means storybot was killed by it "
                       "instead of draining and exiting 0: the line comes before its signal handler is installed")
    L.append("storybot process:")
    L.append("")
    L.append(f"- start-up (exec to `storybot listening on …`, fresh data dir, median of "
             f"{len(meta.get('startup_all_ms', '').split())}): **{meta.get('startup_median_ms', '?')} ms** "
             f"(runs: {meta.get('startup_all_ms', '?')} ms; exit codes after SIGTERM: "
             f"{meta.get('startup_exit_codes', '?')}{killed_note})")
    L.append(f"- RSS idle (after start and seeding 10 prompts): **{meta.get('rss_idle', '?')}**; "
             f"after all load: {meta.get('rss_after', '?')}; peak (VmHWM): **{meta.get('rss_peak', '?')}**")
    answered = None if sp["requests"] is None or spw["requests"] is None else 10 + spw["requests"] + sp["requests"]
    L.append(f"- prompts in storybot's database after the POST runs: {meta.get('sb_rows_after_post', '?')}; "
             f"answers read by wrk: {fmt(answered, ',d')} (10 seeded + {fmt(spw['requests'], ',d')} warm-up + "
             f"{fmt(sp['requests'], ',d')} measured). The database may hold up to one request per connection more: "
             f"committed, but answered after wrk stopped reading")
    L.append(f"- exit code on SIGTERM at the end of the run: {meta.get('sb_exit', '?')}")
    L.append("")
    L.append("wrk commands (the bearer token is passed in, shown here as `$TOKEN`; ports were picked free):")
    L.append("")
    L.append("```sh")
    for name, _ in RUNS:
        L.append(meta.get(f"cmd_{name}", f"# {name}: not run"))
    L.append("```")
    L.append("")
    L.append("Raw wrk outputs of the run: `bench/results/raw/` (not committed).")
    text = "\n".join(L) + "\n"
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
