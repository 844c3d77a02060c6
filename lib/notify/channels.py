"""Sending one message to one channel: WeCom group robot, DingTalk custom robot, e-mail.

Robots are posted JSON over HTTP(S) (stdlib ``urllib``); a DingTalk robot with a signing
secret gets ``timestamp`` and ``sign`` query parameters (HMAC-SHA256 of
``timestamp\\nsecret`` keyed by the secret, base64, URL-encoded). A robot accepts at most
20 messages a minute: :class:`RateLimiter` queues (waits) before the 21st. Timeouts,
connection errors, HTTP 5xx and the robots' rate-limit error codes are retried with
backoff; what still fails is a :class:`SendError` whose text never holds the webhook key
or the secret (:func:`redact`). E-mail goes over SMTP (``SMTP_URL``: ``smtp://`` with
STARTTLS when offered, or ``smtps://``), multipart text + HTML, the Chinese subject
encoded (RFC 2047).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import smtplib
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

ROBOT_LIMIT_PER_MINUTE = 20
RETRIES = 3  # attempts in all
BACKOFF = (1.0, 3.0)  # seconds before the 2nd and the 3rd attempt
TIMEOUT = 10.0
# errcodes of a robot that mean "too many messages, try later"
RATE_LIMIT_CODES = {45009, 130101}


class SendError(Exception):
    """A message that could not be delivered (the text is safe to log and show)."""

    def __init__(self, message: str, attempts: int = 1) -> None:
        super().__init__(message)
        self.attempts = attempts


@dataclass
class Message:
    """One message: a title, a markdown body (robots), text and HTML (e-mail), and
    optionally a file attached to the e-mail."""

    title: str
    markdown: str
    text: str
    html: str
    # files attached to the e-mail: (file name, data, MIME type)
    attachments: tuple[tuple[str, bytes, str], ...] = ()


@dataclass
class Clock:
    """Time and sleep, replaceable in tests."""

    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


class RateLimiter:
    """At most ``limit`` sends per ``window`` seconds per key (a robot's webhook): a
    send beyond that waits until the oldest of the window has left it."""

    def __init__(self, limit: int = ROBOT_LIMIT_PER_MINUTE, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._sent: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, key: str, clock: Clock) -> float:
        """Block until a send to ``key`` is allowed; record it; return the seconds waited."""
        waited = 0.0
        with self._lock:
            sent = self._sent.setdefault(key, deque())
            while True:
                now = clock.now()
                while sent and now - sent[0] >= self.window:
                    sent.popleft()
                if len(sent) < self.limit:
                    sent.append(now)
                    return waited
                pause = self.window - (now - sent[0])
                clock.sleep(pause)
                waited += pause


LIMITER = RateLimiter()

_SECRET_QUERY = re.compile(r"(?i)(key|access_token|sign|secret|token)=[^&\s]+")
_USERINFO = re.compile(r"(?i)([a-z][a-z0-9+.-]*://)[^/@\s]+@")


def redact(text: str) -> str:
    """A URL or message with webhook keys, tokens, signatures and passwords masked."""
    text = _SECRET_QUERY.sub(lambda m: f"{m.group(1)}=***", text)
    return _USERINFO.sub(lambda m: f"{m.group(1)}***@", text)


def mask_target(kind: str, target: str) -> str:
    """What the page shows of a saved target: a webhook without its key, e-mail as is."""
    if kind == "email":
        return target
    parts = urllib.parse.urlsplit(target)
    return f"{parts.scheme}://{parts.netloc}{parts.path}?***" if parts.query else redact(target)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature: base64(HMAC-SHA256(key=secret, ``timestamp\\nsecret``))."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_url(url: str, secret: str | None, timestamp_ms: int | None = None) -> str:
    """The DingTalk webhook with ``timestamp`` and ``sign`` added when there is a secret."""
    if not secret:
        return url
    ts = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    extra = urllib.parse.urlencode({"timestamp": ts, "sign": dingtalk_sign(secret, ts)})
    return f"{url}{'&' if '?' in url else '?'}{extra}"


def robot_body(kind: str, message: Message) -> dict[str, object]:
    if kind == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": message.markdown}}
    return {"msgtype": "markdown", "markdown": {"title": message.title, "text": message.markdown}}


@dataclass
class Sender:
    """Sends messages; one per run (shares the rate limiter, clock and SMTP settings)."""

    smtp_url: str | None = None
    smtp_from: str | None = None
    clock: Clock = field(default_factory=Clock)
    limiter: RateLimiter = field(default_factory=lambda: LIMITER)
    timeout: float = TIMEOUT

    def send(self, kind: str, target: str, secret: str | None, message: Message) -> int:
        """Deliver ``message``; the number of attempts it took. Raises SendError."""
        if kind in ("wecom", "dingtalk"):
            return self._robot(kind, target, secret, message)
        if kind == "email":
            self._email(target, message)
            return 1
        raise SendError(f"unknown channel kind {kind!r}")

    def _robot(self, kind: str, url: str, secret: str | None, message: Message) -> int:
        data = json.dumps(robot_body(kind, message), ensure_ascii=False).encode("utf-8")
        last = ""
        for attempt in range(1, RETRIES + 1):
            if attempt > 1:
                self.clock.sleep(BACKOFF[min(attempt - 2, len(BACKOFF) - 1)])
            self.limiter.wait(url, self.clock)
            full = signed_url(url, secret) if kind == "dingtalk" else url
            request = urllib.request.Request(
                full,
                data=data,
                headers={"Content-Type": "application/json; charset=utf-8"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                    body = resp.read(65536)
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}"
                if exc.code >= 500 or exc.code == 429:
                    continue
                raise SendError(last, attempt) from None
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                last = redact(f"{type(exc).__name__}: {reason}")
                continue
            try:
                reply = json.loads(body or b"{}")
            except ValueError:
                raise SendError("invalid reply (not JSON)", attempt) from None
            code = int(reply.get("errcode", 0) or 0)
            if code == 0:
                return attempt
            last = redact(f"errcode {code}: {reply.get('errmsg', '')}")
            if code not in RATE_LIMIT_CODES:
                raise SendError(last, attempt)
        raise SendError(last, RETRIES)

    def _email(self, to: str, message: Message) -> None:
        if not self.smtp_url:
            raise SendError("SMTP_URL is not set")
        url = urllib.parse.urlsplit(self.smtp_url)
        if url.scheme not in ("smtp", "smtps") or not url.hostname:
            raise SendError("SMTP_URL must be smtp://… or smtps://…")
        recipients = [a.strip() for a in re.split(r"[,;\s]+", to) if a.strip()]
        sender = self.smtp_from or (url.username and f"{url.username}@{url.hostname}") or ""
        mail = EmailMessage()
        mail["Subject"] = message.title  # encoded (RFC 2047) by the policy when not ASCII
        mail["From"] = sender
        mail["To"] = ", ".join(recipients)
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = make_msgid()
        mail.set_content(message.text)
        mail.add_alternative(message.html, subtype="html")
        for name, data, mime in message.attachments:
            maintype, _, subtype = mime.partition("/")
            mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
        port = url.port or (465 if url.scheme == "smtps" else 25)
        user = urllib.parse.unquote(url.username or "")
        password = urllib.parse.unquote(url.password or "")
        try:
            smtp: smtplib.SMTP
            if url.scheme == "smtps":
                smtp = smtplib.SMTP_SSL(url.hostname, port, timeout=self.timeout)
            else:
                smtp = smtplib.SMTP(url.hostname, port, timeout=self.timeout)
            with smtp:
                smtp.ehlo()
                if url.scheme == "smtp" and smtp.has_extn("starttls"):
                    smtp.starttls()
                    smtp.ehlo()
                if user:
                    smtp.login(user, password)
                smtp.send_message(mail, from_addr=sender, to_addrs=recipients)
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(redact(f"SMTP: {type(exc).__name__}: {exc}")) from None
