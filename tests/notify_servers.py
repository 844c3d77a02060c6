"""Real local servers for the notification tests: an HTTP receiver that plays a WeCom
group robot and a DingTalk custom robot (verifying DingTalk's signature as DingTalk
does), and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Post:
    path: str
    query: dict[str, str]
    body: dict[str, Any]
    at: float
    sign_ok: bool | None = None


@dataclass
class Receiver:
    """Posts received; ``replies`` (per path) are served first, then 200 errcode 0."""

    url: str
    posts: list[Post] = field(default_factory=list)
    replies: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)  # path -> DingTalk secret

    def bodies(self, path: str) -> list[dict[str, Any]]:
        return [p.body for p in self.posts if p.path == path]


def _verify(secret: str, query: dict[str, str]) -> bool:
    ts = query.get("timestamp", "")
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    fresh = ts.isdigit() and abs(time.time() * 1000 - int(ts)) < 3600 * 1000
    return fresh and hmac.compare_digest(expected, query.get("sign", ""))


def start_receiver() -> tuple[Receiver, ThreadingHTTPServer]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            split = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(split.query))
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            post = Post(split.path, query, json.loads(raw.decode("utf-8")), time.time())
            secret = state.secrets.get(split.path)
            if secret is not None:
                post.sign_ok = _verify(secret, query)
            state.posts.append(post)
            queue = state.replies.get(split.path) or []
            if queue:
                status, reply = queue.pop(0)
            elif post.sign_ok is False:
                status, reply = 200, {"errcode": 310000, "errmsg": "sign not match"}
            else:
                status, reply = 200, {"errcode": 0, "errmsg": "ok"}
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        self.messages.append((list(envelope.rcpt_tos), mail))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def start_smtp() -> Iterator[tuple[Mailbox, int]]:
    from aiosmtpd.controller import Controller

    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()
