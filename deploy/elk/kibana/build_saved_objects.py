#!/usr/bin/env python3
"""Writes saved-objects.ndjson (beside this file): the storybot data view, saved search and dashboard.

    python3 deploy/elk/kibana/build_saved_objects.py      # after editing this file; commit both

The objects use the Kibana 7.10 export format with their migrationVersion, which Kibana 7.10+ and 8.x import
and migrate (POST /api/saved_objects/_import?overwrite=true; deploy/elk/load.sh does it). Aggregation-based
visualizations, so no Lens state is hand-written. tests/deploy/check_elk_kibana.py checks that this file and
saved-objects.ndjson agree and that every field the objects use is mapped in ../index-template.json.
"""
import json
import os

DATA_VIEW = "storybot-logs"
ACCESS = 'event.dataset : "storybot.access"'
RECEIVED = ('event.dataset : "storybot.app" and (event.action : "message_received" '
            'or message : "message received")')
FALLBACK = 'storybot.outcome : "fallback"'
ERRORS = "log.level: error"


def search_source(query):
    return json.dumps({"query": {"query": query, "language": "kuery"}, "filter": [],
                       "indexRefName": "kibanaSavedObjectMeta.searchSourceJSON.index"}, sort_keys=True)


def index_ref():
    return [{"name": "kibanaSavedObjectMeta.searchSourceJSON.index", "type": "index-pattern", "id": DATA_VIEW}]


def xy_params(chart, mode, y_title):
    return {
        "type": chart, "grid": {"categoryLines": False},
        "categoryAxes": [{"id": "CategoryAxis-1", "type": "category", "position": "bottom", "show": True,
                          "style": {}, "scale": {"type": "linear"},
                          "labels": {"show": True, "filter": True, "truncate": 100}, "title": {}}],
        "valueAxes": [{"id": "ValueAxis-1", "name": "LeftAxis-1", "type": "value", "position": "left", "show": True,
                       "style": {}, "scale": {"type": "linear", "mode": "normal"},
                       "labels": {"show": True, "rotate": 0, "filter": False, "truncate": 100},
                       "title": {"text": y_title}}],
        "seriesParams": [{"show": True, "type": chart, "mode": mode, "data": {"label": y_title, "id": "1"},
                          "valueAxis": "ValueAxis-1", "drawLinesBetweenPoints": True, "lineWidth": 2,
                          "interpolate": "linear", "showCircles": True}],
        "addTooltip": True, "addLegend": True, "legendPosition": "right", "times": [], "addTimeMarker": False,
        "labels": {"show": False},
        "thresholdLine": {"show": False, "value": 10, "width": 1, "style": "full", "color": "#E7664C"},
    }


def date_histogram(agg_id="2"):
    return {"id": agg_id, "enabled": True, "type": "date_histogram", "schema": "segment",
            "params": {"field": "@timestamp", "useNormalizedEsInterval": True, "scaleMetricValues": False,
                       "interval": "auto", "drop_partials": False, "min_doc_count": 1, "extended_bounds": {}}}


def terms(field, agg_id="3", size=10):
    return {"id": agg_id, "enabled": True, "type": "terms", "schema": "group",
            "params": {"field": field, "orderBy": "1", "order": "desc", "size": size, "otherBucket": True,
                       "otherBucketLabel": "Other", "missingBucket": False, "missingBucketLabel": "Missing"}}


COUNT = {"id": "1", "enabled": True, "type": "count", "schema": "metric", "params": {}}


def visualization(vid, title, description, chart, mode, y_title, aggs, query):
    vis_state = {"title": title, "type": chart, "aggs": aggs, "params": xy_params(chart, mode, y_title)}
    return {
        "id": vid, "type": "visualization", "migrationVersion": {"visualization": "7.10.0"},
        "attributes": {"title": title, "description": description, "version": 1, "uiStateJSON": "{}",
                       "visState": json.dumps(vis_state, sort_keys=True),
                       "kibanaSavedObjectMeta": {"searchSourceJSON": search_source(query)}},
        "references": index_ref(),
    }


def objects():
    data_view = {
        "id": DATA_VIEW, "type": "index-pattern", "migrationVersion": {"index-pattern": "7.6.0"},
        "attributes": {
            "title": "logs-storybot-*", "name": "storybot logs", "timeFieldName": "@timestamp",
            "fields": "[]",
            # event.duration is in nanoseconds: show it as milliseconds
            "fieldFormatMap": json.dumps({"event.duration": {"id": "duration", "params": {
                "inputFormat": "nanoseconds", "outputFormat": "asMilliseconds", "outputPrecision": 1}}},
                sort_keys=True),
        },
        "references": [],
    }
    errors = {
        "id": "storybot-errors", "type": "search", "migrationVersion": {"search": "7.9.3"},
        "attributes": {"title": "storybot errors", "description": "log.level: error, newest first",
                       "hits": 0, "version": 1,
                       "columns": ["log.level", "message", "trace.id", "error.type", "error.message",
                                   "storybot.channel"],
                       "sort": [["@timestamp", "desc"]],
                       "kibanaSavedObjectMeta": {"searchSourceJSON": search_source(ERRORS)}},
        "references": index_ref(),
    }
    vis = [
        visualization("storybot-requests-by-status", "storybot: requests by status",
                      "HTTP requests (storybot.access) over time, by http.response.status_code",
                      "histogram", "stacked", "Requests",
                      [COUNT, date_histogram(), terms("http.response.status_code")], ACCESS),
        visualization("storybot-latency", "storybot: request latency (p50, p95, p99)",
                      "event.duration percentiles of HTTP requests (nanoseconds, shown as ms)",
                      "line", "normal", "event.duration",
                      [{"id": "1", "enabled": True, "type": "percentiles", "schema": "metric",
                        "params": {"field": "event.duration", "percents": [50, 95, 99]}},
                       date_histogram()], ACCESS),
        visualization("storybot-messages-by-channel", "storybot: messages received by channel",
                      "Received chat messages over time, by storybot.channel",
                      "histogram", "stacked", "Messages",
                      [COUNT, date_histogram(), terms("storybot.channel")], RECEIVED),
        visualization("storybot-llm-fallbacks", "storybot: LLM fallbacks",
                      "Stories that fell back to the offline storyteller (storybot.outcome: fallback)",
                      "histogram", "stacked", "Fallbacks",
                      [COUNT, date_histogram(), terms("storybot.engine", size=5)], FALLBACK),
    ]
    panels, refs = [], []
    layout = [(0, 0), (24, 0), (0, 15), (24, 15)]
    for i, (v, (x, y)) in enumerate(zip(vis, layout)):
        panels.append({"version": "7.10.0", "gridData": {"x": x, "y": y, "w": 24, "h": 15, "i": str(i + 1)},
                       "panelIndex": str(i + 1), "embeddableConfig": {}, "panelRefName": f"panel_{i}"})
        refs.append({"name": f"panel_{i}", "type": "visualization", "id": v["id"]})
    i = len(vis)
    panels.append({"version": "7.10.0", "gridData": {"x": 0, "y": 30, "w": 48, "h": 15, "i": str(i + 1)},
                   "panelIndex": str(i + 1), "embeddableConfig": {}, "panelRefName": f"panel_{i}"})
    refs.append({"name": f"panel_{i}", "type": "search", "id": errors["id"]})
    dashboard = {
        "id": "storybot-overview", "type": "dashboard", "migrationVersion": {"dashboard": "7.9.3"},
        "attributes": {
            "title": "storybot overview", "description": "Requests, latency, messages by channel, LLM fallbacks, errors",
            "hits": 0, "version": 1, "timeRestore": True, "timeFrom": "now-24h", "timeTo": "now",
            "refreshInterval": {"pause": False, "value": 60000},
            "optionsJSON": json.dumps({"hidePanelTitles": False, "useMargins": True}, sort_keys=True),
            "panelsJSON": json.dumps(panels, sort_keys=True),
            "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps(
                {"query": {"query": "", "language": "kuery"}, "filter": []}, sort_keys=True)},
        },
        "references": refs,
    }
    return [data_view, errors, *vis, dashboard]


def render():
    return "".join(json.dumps(o, sort_keys=True, ensure_ascii=False) + "\n" for o in objects())


if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "saved-objects.ndjson")
    with open(out, "w", encoding="utf-8") as f:
        f.write(render())
    print(f"wrote {out}")
