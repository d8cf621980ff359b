#!/usr/bin/env python3
"""Turn the benchmark's raw wrk outputs and facts into the markdown results table.

    report.py META_FILE RAW_DIR OUT_FILE

META_FILE holds key=value lines written by bench/run.sh (machine facts, wrk commands as cmd_<run>, storybot's
RSS and start-up time, the Telegram job count, the stories run's results). Each run's wrk output is
RAW_DIR/<run>.txt (and <run>.warmup.txt). Writes OUT_FILE and prints it.
"""
import json
import re
import sys

RUNS = [  # (run name, what it is) in table order
    ("sb_get", "storybot `GET /api/prompts` (10 prompts)"),
    ("flask_get", "Flask anchor `GET /prompts` (10 prompts)"),
    ("nginx_get", "nginx static file, storybot's exact GET body"),
    ("sb_post", "storybot `POST /api/prompts` (SQLite WAL, synchronous=FULL)"),
    ("flask_post", "Flask anchor `POST /prompts` (SQLite, default journal)"),
]

TG_RUNS = [  # (run name, what it is, what a 200 means) for the Telegram ingest table
    ("sb_tg", "storybot `POST /telegram/webhook`",
     "durable: each 200 = committed to SQLite (WAL, synchronous=FULL, group commit)"),
    ("grammy_tg", "grammY anchor webhook", "in memory only: lost on a crash or restart"),
]

INGEST_TARGET = 10_000  # durable deliveries/s (issue 3)
STORIES_TARGET = 500  # stories/s with a 1-s LLM (issue 3)
RSS_LIMIT_BYTES = 150_000_000  # 150 MB (issue 3)

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


def read_wrk(raw_dir, name):
    try:
        with open(f"{raw_dir}/{name}.txt", encoding="utf-8") as f:
            return parse_wrk(f.read())
    except FileNotFoundError:
        return parse_wrk("")


def num(meta, key, cast=float):
    try:
        return cast(meta[key])
    except (KeyError, ValueError):
        return None


def ok_2xx(r):
    """Answers that were 2xx, from one wrk output (None when it did not run)."""
    return None if r["requests"] is None else r["requests"] - r["non2xx"]


def telegram_section(meta, raw_dir, tg_conns):
    res = {name: read_wrk(raw_dir, name) for name, _, _ in TG_RUNS}
    sb, gr = res["sb_tg"], res["grammy_tg"]
    L = ["## Telegram webhook ingest", ""]
    L.append(f"Both under the same wrk Lua script (`bench/telegram.lua`) and load: every request a new Telegram Update "
             f"(unique `update_id`, a private \"/help\" message, ~1000 chats), secret token header checked. storybot: "
             f"a fresh instance with the Telegram adapter on (webhook mode, fake Bot API `bench/fake_bot_api.js`, "
             f"replies paced by storybot to 30/s, so the reply backlog does not slow ingest); grammY "
             f"{meta.get('grammy_version', '?')} on Node.js {meta.get('node_version', '?')}, "
             f"`node server.js PORT SECRET` from a copy of the anchor.")
    L.append("")
    L.append("| run | requests/s | p50 ms | p99 ms | requests | non-2xx | socket errors | a 200 means |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for name, label, means in TG_RUNS:
        r = res[name]
        L.append(f"| {label} | {fmt(r['rps'], ',.0f')} | {fmt(r['p50'], '.2f')} | {fmt(r['p99'], '.2f')} | "
                 f"{fmt(r['requests'], ',d')} | {r['non2xx']} | {r['socket_errors'] or 'none'} | {means} |")
    L.append("")

    # Every 200 must be a job in storybot's database. wrk counts only answers it read; up to one request per
    # connection is in flight at each of its two stops (warm-up and measured), committed but never counted.
    warm = read_wrk(raw_dir, "sb_tg.warmup")
    oks = None if ok_2xx(warm) is None or ok_2xx(sb) is None else ok_2xx(warm) + ok_2xx(sb)
    jobs = num(meta, "sb_tg_jobs", int)
    diff = None if jobs is None or oks is None else jobs - oks
    slack = 2 * tg_conns
    jobs_ok = None if diff is None else 0 <= diff <= slack
    vs = ratio(sb["rps"], gr["rps"])
    L.append("| target | measured | status |")
    L.append("| --- | ---: | --- |")
    L.append(f"| durable enqueue ≥ {INGEST_TARGET:,} deliveries/s (issue 3; this ingest run is the measurement) | "
             f"{fmt(sb['rps'], ',.0f')}/s, p99 {fmt(sb['p99'], '.2f')} ms | "
             f"{verdict(None if sb['rps'] is None else sb['rps'] >= INGEST_TARGET)} |")
    L.append(f"| storybot (durable) vs grammY (in memory), requests/s | {fmt(vs, '.2f')}× | reported, no target |")
    L.append(f"| one job per 200: `/api/stats` jobs − 200s seen by wrk within 0…{slack} (≤ {tg_conns} in flight at "
             f"each of wrk's 2 stops; fewer jobs than 200s would be a lost acknowledged delivery) | "
             f"{fmt(jobs, ',d')} jobs − {fmt(oks, ',d')} 200s = {fmt(diff, '+d')} | {verdict(jobs_ok)} |")
    L.append(f"| storybot answers only 2xx under load | {sb['non2xx']} non-2xx | "
             f"{verdict(None if sb['rps'] is None else sb['non2xx'] == 0 and not sb['socket_errors'])} |")
    L.append("")
    L.append(f"- 200s seen by wrk: {fmt(ok_2xx(warm), ',d')} warm-up + {fmt(ok_2xx(sb), ',d')} measured; jobs 1 s "
             f"after wrk stopped: {meta.get('sb_tg_jobs_pending', '?')} pending, {meta.get('sb_tg_jobs_done', '?')} "
             f"done, {meta.get('sb_tg_jobs_failed', '?')} failed (the pending ones are replies waiting for the "
             f"30/s pacing; sendMessage calls the fake Bot API saw: {meta.get('sb_tg_sends', '?')})")
    L.append(f"- storybot ingest instance: RSS idle {meta.get('rss_idle_tg', '?')}, peak (VmHWM) "
             f"**{meta.get('rss_peak_tg', '?')}**; exit code on SIGTERM with the reply backlog still queued: "
             f"{meta.get('sb_tg_exit', '?')}. grammY anchor peak RSS: {meta.get('rss_peak_grammy', '?')}")
    L.append("")
    return L, res


def stories_section(meta, n, conns, ingest_rps):
    per_s = num(meta, "stories_per_s")
    elapsed = num(meta, "stories_elapsed_s")
    deliver = num(meta, "stories_deliver_s")
    done = num(meta, "stories_done", int)
    delivered = num(meta, "stories_delivered_200", int)
    fallback = num(meta, "stories_llm_fallback", int)
    hwm_kb = num(meta, "rss_peak_story_kb", int)
    try:
        llm = json.loads(meta.get("llm_stats", "{}"))
    except ValueError:
        llm = {}
    max_in_flight = llm.get("max_in_flight")
    L = ["## Stories/s with a slow LLM", ""]
    L.append(f"A fresh storybot with `STORYBOT_WORKERS=1000`, `STORYBOT_LLM_BASE_URL` pointing at `bench/fake_llm.js` "
             f"(an OpenAI-compatible `POST /v1/chat/completions` answering a ~200-word story after 1 s, counting "
             f"its requests in flight) and Telegram on as above. `bench/stories.js` delivers {n:,} updates from "
             f"{n:,} different chats (\"a story about owls\") over {conns} keep-alive connections as fast as "
             f"storybot answers, then polls `/metrics` every 50 ms for "
             f"`storybot_story_duration_seconds_count{{engine=\"openai\"}}` (bounded, "
             f"{meta.get('stories_timeout_s', '120')} s). stories/s = {n:,} / (first delivery sent → poll that saw "
             f"the {n:,}th story). Replies are paced to 30/s, so sendMessage is not waited for.")
    L.append("")
    L.append("| updates answered 200 | all delivered after | stories written | last story after | stories/s | "
             "LLM requests (max in flight) | LLM fallback | peak RSS (VmHWM) |")
    L.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    L.append(f"| {fmt(delivered, ',d')} of {n:,} | {fmt(deliver, '.2f')} s | {fmt(done, ',d')} | "
             f"{fmt(elapsed, '.2f')} s | **{fmt(per_s, ',.0f')}** | {llm.get('requests', '?')} "
             f"({fmt(max_in_flight, 'd')}) | {fmt(fallback, 'd')} | {meta.get('rss_peak_story', '?')} |")
    L.append("")
    bound = None if deliver is None else n / (deliver + 1.0)
    L.append("| target | measured | status |")
    L.append("| --- | ---: | --- |")
    L.append(f"| ≥ {STORIES_TARGET} stories/s with a 1-s LLM (issue 3) | {fmt(per_s, ',.0f')}/s | "
             f"{verdict(None if per_s is None else per_s >= STORIES_TARGET)} |")
    reached = None if max_in_flight is None else max_in_flight >= n
    L.append(f"| {n:,} LLM calls in flight at once (the fake LLM's own count) | {fmt(max_in_flight, ',d')} | "
             f"{verdict(reached)} |")
    L.append(f"| peak RSS under 150 MB | {meta.get('rss_peak_story', '?')} "
             f"({fmt(None if hwm_kb is None else hwm_kb * 1024 / 1e6, '.1f')} MB) | "
             f"{verdict(None if hwm_kb is None else hwm_kb * 1024 < RSS_LIMIT_BYTES)} |")
    L.append(f"| no LLM fallback (`storybot_llm_requests_total{{outcome=\"fallback\"}}` = 0) | {fmt(fallback, 'd')} | "
             f"{verdict(None if fallback is None else fallback == 0)} |")
    L.append(f"| every update answered 200 | {fmt(delivered, ',d')} of {n:,} "
             f"({meta.get('stories_statuses', '?')}) | {verdict(None if delivered is None else delivered == n)} |")
    L.append("")
    L.append(f"- LLM outcomes: success {meta.get('stories_llm_success', '?')}, retry {meta.get('stories_llm_retry', '?')}, "
             f"error {meta.get('stories_llm_error', '?')}, fallback {meta.get('stories_llm_fallback', '?')}; "
             f"offline stories {meta.get('stories_offline', '?')}")
    if bound is not None:
        L.append(f"- the delivery phase bounds the result: with all {n:,} delivered after {deliver:.2f} s and each "
                 f"story taking the LLM's 1 s, the best possible is about {n:,} / ({deliver:.2f} + 1) = "
                 f"{bound:,.0f} stories/s; the {n:,} LLM calls overlap only as far as the deliveries do. These "
                 f"deliveries went in at {n / deliver:,.0f}/s, against {fmt(ingest_rps, ',.0f')}/s in the ingest "
                 f"run above (\"/help\", no story work): here storybot takes them in while it starts up to 1,000 LLM "
                 f"calls at once, on the same 2 cores")
    if meta.get("stories_first_error"):
        L.append(f"- first non-200 answer to a delivery: `{meta['stories_first_error']}`")
    L.append(f"- storybot stories instance: RSS idle {meta.get('rss_idle_story', '?')}, after the run "
             f"{meta.get('rss_after_story', '?')}, peak **{meta.get('rss_peak_story', '?')}**; exit code on SIGTERM "
             f"with replies still queued: {meta.get('sb_story_exit', '?')}")
    L.append("")
    return L


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
             "time under load, each wrk run measured after a 2 s wrk warm-up, in this order: storybot GET, nginx GET, "
             "Flask GET, Flask POST, storybot POST, grammY webhook, storybot Telegram webhook, then the stories run "
             "(`sync` before each). Three fresh storybot instances: one for the admin API, one with Telegram on for "
             "ingest, one with Telegram and a slow fake LLM for stories/s. The machine is shared and noisy: "
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
    L.append("## Admin API")
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

    tg_lines, tg = telegram_section(meta, raw_dir, num(meta, "tg_conns", int) or 50)
    L.extend(tg_lines)
    L.extend(stories_section(meta, num(meta, "stories_n", int) or 1000, num(meta, "story_conns", int) or 50,
                             tg["sb_tg"]["rps"]))

    killed_note = ""
    if "-15" in meta.get("startup_exit_codes", "").split():
        killed_note = ("; SIGTERM is sent as soon as the line is read, and -15 means storybot was killed by it "
                       "instead of draining and exiting 0: the line comes before its signal handler is installed")
    L.append("## storybot process")
    L.append("")
    L.append(f"- start-up (exec to `storybot listening on …`, fresh data dir, median of "
             f"{len(meta.get('startup_all_ms', '').split())}): **{meta.get('startup_median_ms', '?')} ms** "
             f"(runs: {meta.get('startup_all_ms', '?')} ms; exit codes after SIGTERM: "
             f"{meta.get('startup_exit_codes', '?')}{killed_note})")
    L.append(f"- admin API instance: RSS idle (after start and seeding 10 prompts): **{meta.get('rss_idle', '?')}**; "
             f"after all load: {meta.get('rss_after', '?')}; peak (VmHWM): **{meta.get('rss_peak', '?')}**")
    answered = None if sp["requests"] is None or spw["requests"] is None else 10 + spw["requests"] + sp["requests"]
    L.append(f"- prompts in storybot's database after the POST runs: {meta.get('sb_rows_after_post', '?')}; "
             f"answers read by wrk: {fmt(answered, ',d')} (10 seeded + {fmt(spw['requests'], ',d')} warm-up + "
             f"{fmt(sp['requests'], ',d')} measured). The database may hold up to one request per connection more: "
             f"committed, but answered after wrk stopped reading")
    L.append(f"- admin API instance's exit code on SIGTERM after its load: {meta.get('sb_exit', '?')}")
    L.append(f"- peak RSS of the other instances: Telegram ingest {meta.get('rss_peak_tg', '?')}, "
             f"stories with 1,000 workers {meta.get('rss_peak_story', '?')} (sections above)")
    L.append("")
    L.append("Load commands (the bearer token and webhook secret are passed in through the environment, shown here as "
             "`$TOKEN` and `$SECRET`; ports were picked free):")
    L.append("")
    L.append("```sh")
    for name, _ in RUNS:
        L.append(meta.get(f"cmd_{name}", f"# {name}: not run"))
    for name, _, _ in TG_RUNS:
        L.append(meta.get(f"cmd_{name}", f"# {name}: not run"))
    L.append(meta.get("cmd_stories", "# stories: not run"))
    L.append("```")
    L.append("")
    L.append("Raw wrk outputs of the run: `bench/results/raw/` (not committed).")
    text = "\n".join(L) + "\n"
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
