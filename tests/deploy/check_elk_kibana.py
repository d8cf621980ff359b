#!/usr/bin/env python3
"""Kibana saved objects, Filebeat and Logstash configs under deploy/elk/.

- saved-objects.ndjson: one JSON object a line, what build_saved_objects.py writes (no drift), a data view on
  logs-storybot-* with @timestamp, a saved search of log.level: error, a dashboard with the four panels, every
  reference resolving inside the file, every field the objects use mapped in index-template.json.
- filebeat.yml: YAML; a filestream input with the ndjson parser reading storybot.ndjson from STORYBOT_LOG_DIR
  (/var/log/storybot), output to the data stream logs-storybot-default, Filebeat's own template set-up off.
- logstash/storybot.conf: file input on storybot*.ndjson, json filter, elasticsearch output with
  data_stream => true, type logs, dataset storybot, namespace default (no logstash binary here: a structural check;
  `logstash -t` when logstash is installed).
"""
import fnmatch
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import DEPLOY, failed, missing, passed  # noqa: E402
import check_elk_mapping as mapping  # noqa: E402

ELK = os.path.join(DEPLOY, "elk")
KQL_FIELD = re.compile(r"([A-Za-z_@][A-Za-z0-9_.@]*)\s*:")


def field_mapped(mappings, field):
    return bool(mapping.explicit_type(mappings, field) or mapping.dynamic_type(mappings, field, "x"))


def check_saved_objects(mappings):
    name = "kibana-saved-objects"
    path = os.path.join(ELK, "kibana", "saved-objects.ndjson")
    problems = []
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        objs = [json.loads(line) for line in text.splitlines() if line.strip()]
    except (OSError, ValueError) as e:
        failed(name, f"{path}: {e}")
        return
    spec = importlib.util.spec_from_file_location("build_saved_objects",
                                                  os.path.join(ELK, "kibana", "build_saved_objects.py"))
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    if gen.render() != text:
        problems.append("saved-objects.ndjson differs from build_saved_objects.py's output (run it and commit)")

    by_key = {(o.get("type"), o.get("id")): o for o in objs}
    if len(by_key) != len(objs):
        problems.append("duplicate type/id")
    for o in objs:
        for k in ("id", "type", "attributes", "references"):
            if k not in o:
                problems.append(f"{o.get('id')}: no {k}")
        for r in o.get("references", []):
            if (r["type"], r["id"]) not in by_key:
                problems.append(f"{o['id']}: reference {r['type']}/{r['id']} not in the file")
        meta = o.get("attributes", {}).get("kibanaSavedObjectMeta", {}).get("searchSourceJSON")
        fields = set()
        if meta:
            ss = json.loads(meta)
            ref_name = ss.get("indexRefName")
            if ref_name and ref_name not in {r["name"] for r in o.get("references", [])}:
                problems.append(f"{o['id']}: indexRefName {ref_name} has no reference")
            q = ss.get("query", {}).get("query", "")
            fields |= set(KQL_FIELD.findall(q))
        vs = o.get("attributes", {}).get("visState")
        if vs:
            for agg in json.loads(vs)["aggs"]:
                if "field" in agg.get("params", {}):
                    fields.add(agg["params"]["field"])
        for c in o.get("attributes", {}).get("columns", []):
            fields.add(c)
        for fld in sorted(fields):
            if not field_mapped(mappings, fld):
                problems.append(f"{o['id']}: field {fld} is not mapped in index-template.json")

    views = [o for o in objs if o["type"] == "index-pattern"]
    if not any(v["attributes"].get("title") == "logs-storybot-*" and v["attributes"].get("timeFieldName") == "@timestamp"
               for v in views):
        problems.append("no data view logs-storybot-* with timeFieldName @timestamp")
    searches = [o for o in objs if o["type"] == "search"]
    if not any(json.loads(s["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])["query"]["query"]
               .replace(" ", "") == "log.level:error" for s in searches):
        problems.append("no saved search of log.level: error")
    dashboards = [o for o in objs if o["type"] == "dashboard"]
    if len(dashboards) != 1:
        problems.append(f"{len(dashboards)} dashboards, want 1")
    else:
        d = dashboards[0]
        panels = json.loads(d["attributes"]["panelsJSON"])
        refs = {r["name"]: r for r in d["references"]}
        used = []
        for p in panels:
            r = refs.get(p.get("panelRefName"))
            if r is None:
                problems.append(f"dashboard panel {p.get('panelIndex')} has no reference")
                continue
            used.append(by_key.get((r["type"], r["id"]), {}))
        blob = json.dumps(used)
        for what, needle in [("requests by status", "http.response.status_code"), ("latency", "event.duration"),
                             ("messages by channel", "storybot.channel"), ("LLM fallbacks", "fallback")]:
            if needle not in blob:
                problems.append(f"dashboard has no {what} panel ({needle})")
    if problems:
        failed(name, "; ".join(problems[:6]))
    else:
        passed(name, f"{len(objs)} objects: data view, saved search 'log.level: error', dashboard with "
               f"{len(json.loads(dashboards[0]['attributes']['panelsJSON']))} panels; fields mapped, refs resolve")


def check_filebeat():
    name = "filebeat-config"
    try:
        import yaml
    except ImportError:
        missing(name, "python3 module yaml", "python3-yaml")
        return
    path = os.path.join(ELK, "filebeat.yml")
    try:
        with open(path, encoding="utf-8") as f:
            cfg = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        failed(name, f"{path}: {e}")
        return
    problems = []
    inputs = [i for i in cfg.get("filebeat.inputs", []) if i.get("type") == "filestream"]
    if len(inputs) != 1:
        problems.append(f"{len(inputs)} filestream inputs, want 1")
    else:
        inp = inputs[0]
        if not inp.get("id"):
            problems.append("filestream input without id")
        paths = inp.get("paths", [])
        for f in ("/var/log/storybot/storybot.ndjson", "/var/log/storybot/storybot.1.ndjson"):
            if not any(fnmatch.fnmatchcase(f, p) for p in paths):
                problems.append(f"paths {paths} do not cover {f}")
        nd = [p["ndjson"] for p in inp.get("parsers", []) if "ndjson" in p]
        if not nd:
            problems.append("no ndjson parser")
        elif nd[0].get("target", None) != "" or not nd[0].get("overwrite_keys") or not nd[0].get("expand_keys"):
            problems.append("ndjson parser must have target '', overwrite_keys and expand_keys")
    es = cfg.get("output.elasticsearch") or {}
    if es.get("index") != "logs-storybot-default":
        problems.append(f"output index {es.get('index')!r}, want logs-storybot-default")
    if cfg.get("setup.template.enabled") is not False:
        problems.append("setup.template.enabled must be false (the template comes from index-template.json)")
    if problems:
        failed(name, "; ".join(problems))
    else:
        passed(name, "filestream + ndjson parser on /var/log/storybot/storybot*.ndjson -> logs-storybot-default")


def check_logstash():
    name = "logstash-config"
    path = os.path.join(ELK, "logstash", "storybot.conf")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        failed(name, str(e))
        return
    code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    problems = []
    if code.count("{") != code.count("}"):
        problems.append("unbalanced braces")
    for want, rx in [("file input", r"input\s*{\s*file\s*{"), ("storybot ndjson path", r"path\s*=>.*storybot\*?\.ndjson"),
                     ("json filter", r"filter\s*{[^}]*json\s*{"), ("elasticsearch output", r"output\s*{\s*elasticsearch\s*{"),
                     ("data_stream => true", r'data_stream\s*=>\s*"?true"?'),
                     ("type logs", r'data_stream_type\s*=>\s*"logs"'),
                     ("dataset storybot", r'data_stream_dataset\s*=>\s*"storybot"'),
                     ("namespace default", r'data_stream_namespace\s*=>\s*"default"')]:
        if not re.search(rx, code, re.S):
            problems.append(f"no {want}")
    if problems:
        failed(name, "; ".join(problems))
        return
    logstash = shutil.which("logstash") or ("/usr/share/logstash/bin/logstash"
                                             if os.path.exists("/usr/share/logstash/bin/logstash") else None)
    if logstash:
        r = subprocess.run([logstash, "--config.test_and_exit", "-f", path], capture_output=True, text=True,
                           timeout=300)
        if r.returncode == 0:
            passed(name, "logstash --config.test_and_exit: OK")
        else:
            failed(name, "logstash -t: " + (r.stdout + r.stderr)[-300:].replace("\n", " "))
    else:
        passed(name, "file input -> json filter -> data stream logs-storybot-default "
               "(structure only: logstash is not a Debian package, not installed)")


def main():
    try:
        _, mappings = mapping.load_template()
    except (OSError, ValueError, KeyError) as e:
        failed("kibana-saved-objects", f"index template unreadable: {e}")
        return
    check_saved_objects(mappings)
    check_filebeat()
    check_logstash()


if __name__ == "__main__":
    main()
