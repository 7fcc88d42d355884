"""The waitress server of ``sco-kg serve``, with its limits set from the app's settings.

waitress answers some requests before the app sees them. Two of its defaults disagree with
the app's limits, so they are set here:

* its header limit (256 KiB by default) would refuse a ``GET /sparql?query=...`` well below
  ``max_request_bytes``: it is raised to ``max_request_bytes`` plus 64 KiB for the other
  headers, so a query the app accepts by POST it also accepts by GET (and the app's own
  413 speaks beyond the limit);
* beyond that, waitress would say ``431 Request Header Fields Too Large`` for a request line
  longer than the limit: when the request line itself is what overflows, this parser says
  ``414 URI Too Long`` instead, the status that names the problem. The connection is still
  closed without reading further;
* a request target with raw bytes outside ASCII gets waitress' ``400 Bad URI``; the parser
  says what is wrong instead (the app answers the same 400, in its own shape, for
  %-escapes that are not UTF-8: :func:`.errors.reject_invalid_utf8`).
"""

from __future__ import annotations

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import create_server as _waitress_server
from waitress.utilities import BadRequest, RequestHeaderFieldsTooLarge

#: room for the headers other than the request line
HEADER_ALLOWANCE = 64 * 1024


class URITooLong(BadRequest):
    code = 414
    reason = "URI Too Long"


class LimitedRequestParser(HTTPRequestParser):
    def received(self, data):
        seen = self.header_plus + data
        consumed = super().received(data)
        if isinstance(self.error, RequestHeaderFieldsTooLarge) and b"\n" not in seen:
            limit = self.adj.max_request_header_size
            self.error = URITooLong(f"the request line is longer than the limit of {limit} bytes")
        elif type(self.error) is BadRequest and self.error.body == "Bad URI":
            self.error = BadRequest("the request target holds raw bytes outside ASCII: "
                                    "percent-encode them, as UTF-8 (RFC 3986)")
        return consumed


class LimitedChannel(HTTPChannel):
    parser_class = LimitedRequestParser


def create_server(app, *, host: str, port: int, threads: int, max_request_bytes: int, **kw):
    """A waitress server for ``app`` (``server.run()`` serves; ``server.effective_port``)."""
    server = _waitress_server(app, host=host, port=port, threads=threads,
                              max_request_body_size=2 * max_request_bytes,
                              max_request_header_size=max_request_bytes + HEADER_ALLOWANCE,
                              ident="sco-kg", **kw)
    server.channel_class = LimitedChannel
    return server
