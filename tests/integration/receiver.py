"""Local HTTP endpoints for webhook tests: every POST recorded, some answered 503 as the test says."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    """Serves on 127.0.0.1 from construction to close(). `failing(path, calls)` (calls counts this
    POST) says which POSTs answer 503; the others answer 204 and are kept in `received`."""

    def __init__(self, failing: Callable[[str, int], bool] = lambda _path, _calls: False) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        receiver, calls = self, Counter[str]()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    calls[self.path] += 1
                    refused = failing(self.path, calls[self.path])
                    if not refused:
                        receiver.received.append((self.path, dict(self.headers), body))
                self.send_response(503 if refused else 204)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def by_path(self, path: str) -> list[tuple[str, dict[str, Any]]]:
        """(X-Newsflow-Event, body) of each POST to `path`."""
        with self.lock:
            return [(h["X-Newsflow-Event"], json.loads(b)) for p, h, b in self.received if p == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
