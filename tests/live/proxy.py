"""A recording proxy for the live check (LIVE_RECORD=1): forwards laysum's chat requests to the
model server and writes each exchange (request, status, reply) to OUT_DIR/NNN.json, so the
drafts of a live run can become test cases. The proxy holds its call to the server open until
the server answers, so a call laysum gave up on still runs to its end: measure timings without
it.

    python3 proxy.py LISTEN_PORT MODEL_URL OUT_DIR
"""

import http.server
import itertools
import json
import pathlib
import sys
import urllib.error
import urllib.request

port, upstream, out = int(sys.argv[1]), sys.argv[2].rstrip("/"), pathlib.Path(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)
numbers = itertools.count(1)


class Proxy(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        req = urllib.request.Request(upstream + self.path.removeprefix("/v1"), data=body,
                                     headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=600) as resp:
                status, reply = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, reply = e.code, e.read()
        record = {"request": json.loads(body), "status": status}
        try:
            record["reply"] = json.loads(reply)
        except ValueError:
            record["reply"] = reply.decode(errors="replace")
        number = next(numbers)
        (out / f"{number:03}.json").write_text(json.dumps(record, indent=1))
        # laysum may have given up on this call (its page's time spent) and closed the
        # connection: the exchange is kept all the same, and there is no one to answer.
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)
        except (BrokenPipeError, ConnectionResetError):
            record["laysum_gave_up"] = True
            (out / f"{number:03}.json").write_text(json.dumps(record, indent=1))

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Proxy).serve_forever()
