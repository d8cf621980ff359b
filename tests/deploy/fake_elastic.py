#!/usr/bin/env python3
"""A fake Elasticsearch or Kibana on 127.0.0.1 that records every request (for testing deploy/elk/load.sh).

    fake_elastic.py ROLE MODE PORT_FILE LOG_FILE
ROLE: es | kibana. MODE: ok | fail. Listens on a free port, writes it to PORT_FILE, appends one JSON line per
request to LOG_FILE: method, path, headers, body (base64), plus for multipart bodies the parts' names,
filenames and contents.
"""
import base64
import email.parser
import email.policy
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROLE, MODE, PORT_FILE, LOG_FILE = sys.argv[1:5]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _record(self, body):
        entry = {"role": ROLE, "method": self.command, "path": self.path,
                 "headers": {k.lower(): v for k, v in self.headers.items()},
                 "body_b64": base64.b64encode(body).decode()}
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("multipart/form-data"):
            msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
            entry["parts"] = [{"name": p.get_param("name", header="content-disposition"),
                               "filename": p.get_filename(),
                               "content_type": p.get_content_type(),
                               "content": p.get_payload(decode=True).decode("utf-8")}
                              for p in msg.iter_parts()]
        with open(LOG_FILE, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")

    def _answer(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self):
        body = self._body()
        self._record(body)
        p, m = self.path, self.command
        if ROLE == "es":
            if m == "GET" and p == "/":
                return self._answer(200, {"version": {"number": "8.15.3"}, "tagline": "You Know, for Search"})
            if m == "PUT" and p == "/_index_template/logs-storybot":
                if MODE == "fail":
                    return self._answer(400, {"error": {"type": "illegal_argument_exception",
                                                        "reason": "fake refusal"}, "status": 400})
                json.loads(body)
                return self._answer(200, {"acknowledged": True})
            if m == "GET" and p.startswith("/_data_stream/"):
                return self._answer(404, {"error": {"type": "index_not_found_exception"}, "status": 404})
        else:
            if m == "GET" and p == "/api/status":
                return self._answer(200, {"status": {"overall": {"level": "available"}}})
            if m == "POST" and p.startswith("/api/saved_objects/_import"):
                if self.headers.get("kbn-xsrf") is None:
                    return self._answer(400, {"statusCode": 400, "message": "Request must contain a kbn-xsrf header."})
                if MODE == "fail":
                    return self._answer(200, {"success": False, "successCount": 0,
                                              "errors": [{"id": "x", "error": {"type": "unknown"}}]})
                return self._answer(200, {"success": True, "successCount": 7})
        return self._answer(404, {"error": "no such fake route", "path": p})

    do_GET = do_PUT = do_POST = do_DELETE = _handle

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os  # noqa: E402
os.replace(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
