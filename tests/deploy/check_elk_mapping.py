#!/usr/bin/env python3
"""Every field of storybot's log lines is mapped in deploy/elk/index-template.json with a fitting type.

Reads tests/deploy/sample-storybot.ndjson and, when set, $STORYBOT_LOG_SAMPLE (a real storybot.ndjson);
check_live_log.sh runs it with --log on the log of a storybot it starts.
A field counts as mapped when the template maps it explicitly or one of the template's own dynamic templates
matches it; Elasticsearch's default dynamic mapping does not count. Also checks the template's shape (data
stream, pattern, priority over the built-in `logs` template) and the types README "Logs and metrics" documents.
"""
import fnmatch
import ipaddress
import json
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import DEPLOY, REPO, failed, passed  # noqa: E402

TEMPLATE = os.path.join(DEPLOY, "elk", "index-template.json")
SAMPLE = os.path.join(REPO, "tests", "deploy", "sample-storybot.ndjson")

NUMERIC = {"long", "integer", "short", "byte", "unsigned_long", "double", "float", "half_float", "scaled_float"}
STRINGY = {"keyword", "constant_keyword", "wildcard", "text", "match_only_text", "version"}
# documented in README "Logs and metrics"
REQUIRED = {
    "@timestamp": {"date", "date_nanos"}, "log.level": {"keyword"}, "message": {"text", "match_only_text"},
    "ecs.version": {"keyword"}, "service.name": {"keyword"}, "service.version": {"keyword"},
    "event.dataset": {"keyword"}, "trace.id": {"keyword"}, "http.request.method": {"keyword"},
    "url.path": {"keyword", "wildcard"}, "http.response.status_code": {"long"}, "event.duration": {"long"},
    "client.ip": {"ip"}, "user_agent.original": {"keyword"}, "error.message": {"text", "match_only_text"},
    "error.type": {"keyword"}, "storybot.channel": {"keyword"}, "storybot.job_id": {"keyword"},
    "storybot.engine": {"keyword"}, "storybot.outcome": {"keyword"}, "labels.anything": {"keyword"},
}
ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def load_template():
    with open(TEMPLATE, encoding="utf-8") as f:
        t = json.load(f)
    return t, t["template"]["mappings"]


def explicit_type(mappings, path):
    """The type mapped for dotted `path` (properties may be nested or have dotted names), or None."""
    def walk(props, parts):
        for i in range(len(parts), 0, -1):
            key = ".".join(parts[:i])
            if key in props:
                m = props[key]
                if i == len(parts):
                    return m.get("type", "object" if "properties" in m else None)
                sub = m.get("properties")
                if sub is not None:
                    r = walk(sub, parts[i:])
                    if r is not None:
                        return r
        return None
    return walk(mappings.get("properties", {}), path.split("."))


def json_kind(v):
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "long"
    if isinstance(v, float):
        return "double"
    if isinstance(v, str):
        return "string"
    return "object"


def dynamic_type(mappings, path, value):
    for entry in mappings.get("dynamic_templates", []):
        (_, dt), = entry.items()
        if "path_match" in dt and not fnmatch.fnmatchcase(path, dt["path_match"]):
            continue
        if "match" in dt and not fnmatch.fnmatchcase(path.rsplit(".", 1)[-1], dt["match"]):
            continue
        mmt = dt.get("match_mapping_type", "*")
        if mmt != "*" and mmt != json_kind(value):
            continue
        return dt["mapping"].get("type")
    return None


def fits(es_type, value):
    if value is None:
        return True
    if isinstance(value, list):
        return all(fits(es_type, v) for v in value)
    if isinstance(value, bool):
        return es_type == "boolean"
    if isinstance(value, int):
        return es_type in NUMERIC or es_type in {"keyword", "constant_keyword", "date", "date_nanos"}
    if isinstance(value, float):
        return es_type in {"double", "float", "half_float", "scaled_float"}
    if isinstance(value, str):
        if es_type in STRINGY:
            return True
        if es_type == "ip":
            try:
                ipaddress.ip_address(value)
                return True
            except ValueError:
                return False
        if es_type in {"date", "date_nanos"}:
            return bool(re.match(r"^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$", value))
        return False
    return False


def flatten(obj, prefix=""):
    for k, v in obj.items():
        path = f"{prefix}{k}"
        if isinstance(v, dict):
            if v:
                yield from flatten(v, path + ".")
        else:
            yield path, v


def check_lines(name, path, mappings):
    problems, fields, n = [], set(), 0
    kinds = set()
    with open(path, encoding="utf-8", errors="strict") as f:
        for lineno, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            n += 1
            try:
                doc = json.loads(raw)
            except ValueError as e:
                problems.append(f"line {lineno}: not JSON ({e})")
                continue
            if not isinstance(doc, dict):
                problems.append(f"line {lineno}: not an object")
                continue
            flat = dict(flatten(doc))
            kinds.add(flat.get("event.dataset"))
            ts = flat.get("@timestamp")
            if not isinstance(ts, str) or not ISO_MS_Z.match(ts):
                problems.append(f"line {lineno}: @timestamp {ts!r} is not UTC with milliseconds and Z")
            for p, v in flat.items():
                fields.add(p)
                t = explicit_type(mappings, p) or dynamic_type(mappings, p, v)
                if t is None:
                    problems.append(f"line {lineno}: {p} is not mapped")
                elif not fits(t, v):
                    problems.append(f"line {lineno}: {p}={v!r} does not fit type {t}")
    missing_kinds = {"storybot.access", "storybot.app"} - kinds
    if problems:
        uniq = list(dict.fromkeys(re.sub(r"^line \d+: ", "", p) for p in problems))
        failed(name, f"{len(problems)} problem(s) in {path}: " + "; ".join(uniq[:8]))
    elif n == 0:
        failed(name, f"{path} has no log lines")
    elif missing_kinds and name == "elk-mapping-sample":
        failed(name, f"sample lacks event.dataset {sorted(missing_kinds)}")
    else:
        passed(name, f"{n} lines, {len(fields)} distinct fields, all mapped with fitting types"
               + (f" (datasets: {', '.join(sorted(k for k in kinds if k))})"))


def main(argv):
    if len(argv) == 3 and argv[0] == "--log":     # --log FILE NAME: only that log (check_live_log.sh)
        check_lines(argv[2], argv[1], load_template()[1])
        return
    try:
        t, mappings = load_template()
    except (OSError, ValueError, KeyError) as e:
        failed("elk-index-template", f"cannot read {TEMPLATE}: {e}")
        return
    shape = []
    if t.get("index_patterns") != ["logs-storybot-*"]:
        shape.append(f"index_patterns {t.get('index_patterns')}")
    if t.get("data_stream") != {}:
        shape.append("data_stream is not {}")
    if not isinstance(t.get("priority"), int) or t["priority"] <= 100:
        shape.append(f"priority {t.get('priority')} is not above the built-in logs template's 100")
    for p, want in REQUIRED.items():
        got = explicit_type(mappings, p) or dynamic_type(mappings, p, "x")
        if got not in want:
            shape.append(f"{p}: {got} (want {'/'.join(sorted(want))})")
    if shape:
        failed("elk-index-template", "; ".join(shape))
    else:
        passed("elk-index-template", f"data stream template for logs-storybot-*, priority {t['priority']}, "
               f"{len(REQUIRED)} documented fields typed as required")

    check_lines("elk-mapping-sample", SAMPLE, mappings)
    real = os.environ.get("STORYBOT_LOG_SAMPLE")
    if real:
        if os.path.isfile(real):
            check_lines("elk-mapping-real-log", real, mappings)
        else:
            failed("elk-mapping-real-log", f"STORYBOT_LOG_SAMPLE={real} is not a file")


if __name__ == "__main__":
    main(sys.argv[1:])
