"""An HTTP client that talks to one configured store only (for :mod:`sco_kg.store.remote`).

Why its own module: the closed defaults live here, in one place. Requests go only to the
origins (scheme, host, port) given at construction; a redirect is an answer like any other,
never followed; no proxy is used (``http.client``, not ``urllib``). Credentials are sent
only when the server asks (a 401 with a Basic or Digest challenge, RFC 7617 / RFC 7616 with
MD5 as Virtuoso asks), or as a bearer token on every request. Every request has a deadline:
the socket times out at it, and :class:`Call` lets a watchdog shut the connection down when
it passes while an answer is still streaming in.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..core.errors import ConfigError, ScoKgError

#: the largest whole answer :meth:`HttpClient.request` reads (a client's query streams instead)
MAX_RESPONSE_BYTES = 256 << 20


class RemoteError(ScoKgError):
    """A request to the other store failed: unreachable, refused, or an error status."""

    def __init__(self, message: str, status: int | None = None, detail: str = ""):
        self.status = status
        self.detail = detail
        super().__init__(message + (f": {detail}" if detail else ""))


class RemoteTimeout(RemoteError):
    """The other store did not answer before the deadline."""


# --- credentials -------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """``user:password`` (Basic or Digest, as the server asks) or a bearer token."""

    user: str | None = None
    password: str | None = None
    token: str | None = None

    @classmethod
    def parse(cls, auth: str | None = None, token: str | None = None) -> "Credentials":
        if auth and token:
            raise ConfigError("give --auth or --token, not both")
        if auth is not None:
            user, sep, password = auth.partition(":")
            if not sep or not user:
                raise ConfigError("--auth: expected user:password")
            return cls(user=user, password=password)
        if token is not None:
            if not token.strip():
                raise ConfigError("--token: empty token")
            return cls(token=token.strip())
        return cls()

    def __repr__(self) -> str:  # never print a secret
        return f"Credentials(user={self.user!r}, token={'***' if self.token else None})"


def _challenge(header: str) -> tuple[str, dict[str, str]]:
    """``Digest realm="x", nonce="y", qop="auth"`` -> ("digest", {...})."""
    scheme, _, rest = header.strip().partition(" ")
    params, key, i = {}, "", 0
    while i < len(rest):
        eq = rest.find("=", i)
        if eq < 0:
            break
        key = rest[i:eq].strip().strip(",").strip().lower()
        i = eq + 1
        if i < len(rest) and rest[i] == '"':
            end = i + 1
            value = []
            while end < len(rest) and rest[end] != '"':
                if rest[end] == "\\" and end + 1 < len(rest):
                    end += 1
                value.append(rest[end])
                end += 1
            params[key] = "".join(value)
            i = end + 1
        else:
            end = rest.find(",", i)
            end = len(rest) if end < 0 else end
            params[key] = rest[i:end].strip()
            i = end
        while i < len(rest) and rest[i] in ", ":
            i += 1
    return scheme.lower(), params


class _Authenticator:
    """Answers the server's challenges; remembers a Digest challenge for the next requests."""

    def __init__(self, credentials: Credentials):
        self.credentials = credentials
        self._lock = threading.Lock()
        self._scheme: str | None = None
        self._params: dict[str, str] = {}
        self._count = 0

    def header(self, method: str, path: str) -> str | None:
        c = self.credentials
        if c.token:
            return f"Bearer {c.token}"
        with self._lock:
            if self._scheme == "basic":
                raw = f"{c.user}:{c.password}".encode("utf-8")
                return "Basic " + base64.b64encode(raw).decode("ascii")
            if self._scheme == "digest":
                self._count += 1
                return self._digest(method, path, self._count)
        return None

    def answer(self, headers: list[str]) -> bool:
        """Take a 401's WWW-Authenticate headers; True if a retry with credentials makes sense."""
        if self.credentials.user is None:
            return False
        for raw in headers:
            scheme, params = _challenge(raw)
            if scheme == "digest" and params.get("algorithm", "MD5").upper() in ("MD5", "MD5-SESS") and \
                    (not params.get("qop") or "auth" in [q.strip() for q in params["qop"].split(",")]):
                with self._lock:
                    stale = params.get("stale", "").lower() == "true"
                    again = self._scheme == "digest" and not stale
                    self._scheme, self._params, self._count = "digest", params, 0
                return not again
        for raw in headers:
            scheme, _ = _challenge(raw)
            if scheme == "basic":
                with self._lock:
                    again = self._scheme == "basic"
                    self._scheme = "basic"
                return not again
        return False

    def _digest(self, method: str, path: str, count: int) -> str:
        c, p = self.credentials, self._params
        realm, nonce = p.get("realm", ""), p.get("nonce", "")

        def h(text: str) -> str:
            return hashlib.md5(text.encode("utf-8")).hexdigest()  # noqa: S324 (RFC 2617)

        cnonce = secrets.token_hex(8)
        ha1 = h(f"{c.user}:{realm}:{c.password}")
        if p.get("algorithm", "").upper() == "MD5-SESS":
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{path}")
        nc = f"{count:08x}"
        if p.get("qop"):
            response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
            extra = f', qop=auth, nc={nc}, cnonce="{cnonce}"'
        else:
            response = h(f"{ha1}:{nonce}:{ha2}")
            extra = ""
        out = (f'Digest username="{c.user}", realm="{realm}", nonce="{nonce}", uri="{path}", '
               f'response="{response}"{extra}')
        if p.get("opaque"):
            out += f', opaque="{p["opaque"]}"'
        if p.get("algorithm"):
            out += f', algorithm={p["algorithm"]}'
        return out


# --- HTTP ----------------------------------------------------------------------------------


def check_url(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{what}: {url!r} is not an http(s) URL")
    return url


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def media_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()


class Call:
    """One request in flight: its response streams from :attr:`response`; :meth:`abort`
    (from another thread) shuts the connection down."""

    def __init__(self, conn: http.client.HTTPConnection, response: http.client.HTTPResponse, sock):
        self.conn = conn
        self.response = response
        self.sock = sock  # kept here: http.client forgets it when the response closes the connection
        self.aborted = False

    def abort(self) -> None:
        self.aborted = True
        sock = self.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self.response.close()
        self.conn.close()


class HttpClient:
    """Requests to a fixed set of origins only, with credentials and a deadline each."""

    def __init__(self, urls, credentials: Credentials | None = None):
        self.origins = set()
        for url in urls:
            parts = urlsplit(check_url(url, "URL"))
            self.origins.add(self._origin(parts))
        self.auth = _Authenticator(credentials or Credentials())

    @staticmethod
    def _origin(parts) -> tuple[str, str, int]:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return parts.scheme, (parts.hostname or "").lower(), port

    def open(self, method: str, url: str, *, body: bytes | None = None, headers: dict | None = None,
             deadline: float) -> Call:
        """Send the request (answering an auth challenge once); the response is not read yet."""
        parts = urlsplit(url)
        origin = self._origin(parts)
        if origin not in self.origins:
            raise RemoteError(f"refused to contact {parts.scheme}://{parts.netloc}: not the configured store")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        for attempt in range(2):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RemoteTimeout(f"{method} {url}: no answer within the time limit")
            cls = http.client.HTTPSConnection if origin[0] == "https" else http.client.HTTPConnection
            conn = cls(origin[1], origin[2], timeout=remaining)
            sent = dict(headers or {})
            auth = self.auth.header(method, path)
            if auth:
                sent["Authorization"] = auth
            try:
                conn.request(method, path, body=body, headers=sent)
                sock = conn.sock
                response = conn.getresponse()
            except (socket.timeout, TimeoutError):
                conn.close()
                raise RemoteTimeout(f"{method} {url}: no answer within the time limit") from None
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                raise RemoteError(f"{method} {url}: cannot reach the store ({exc})") from None
            if response.status == 401 and attempt == 0 and \
                    self.auth.answer(response.headers.get_all("WWW-Authenticate") or []):
                response.read()
                conn.close()
                continue
            return Call(conn, response, sock)
        return Call(conn, response, sock)

    def request(self, method: str, url: str, *, body: bytes | None = None, headers: dict | None = None,
                timeout: float, max_bytes: int = MAX_RESPONSE_BYTES) -> Response:
        """The whole response (read before the deadline; at most ``max_bytes``)."""
        deadline = time.monotonic() + timeout
        call = self.open(method, url, body=body, headers=headers, deadline=deadline)
        timer = threading.Timer(max(0.0, deadline - time.monotonic()), call.abort)
        timer.start()
        try:
            data = call.response.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise RemoteError(f"{method} {url}: the answer is larger than {max_bytes} bytes")
        except (OSError, http.client.HTTPException) as exc:
            if call.aborted:
                raise RemoteTimeout(f"{method} {url}: no answer within the time limit") from None
            raise RemoteError(f"{method} {url}: the connection failed ({exc})") from None
        finally:
            timer.cancel()
            call.close()
        return Response(call.response.status, call.response.headers, data)


def error_detail(status: int, headers, body: bytes) -> str:
    """A short, readable excerpt of an error response (HTML tags dropped)."""
    text = body[:4000].decode("utf-8", "replace")
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text[:500]
