"""A dependency-free FC custom runtime: http.server on 0.0.0.0:$FC_SERVER_PORT (default 9000)."""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps FC's connection open between invocations.
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        rid = self.headers.get("x-fc-request-id", "")
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.path != "/invoke":
            return self.reply(404, b"not found")
        print(f"FC Invoke Start RequestId: {rid}", flush=True)
        event = json.loads(body or b"{}")
        out = json.dumps({"message": f"hello, {event.get('name', 'world')}"}).encode()
        print(f"FC Invoke End RequestId: {rid}", flush=True)
        self.reply(200, out)

    def reply(self, status, body):
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        if status >= 300:
            self.send_header("x-fc-status", "404")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write(fmt % args + "\n")


ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("FC_SERVER_PORT", "9000"))), Handler).serve_forever()
