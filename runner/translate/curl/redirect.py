"""`curl -L`: the request curl 7.88 sends after a redirect, hop by hop.

Without `-X`, a POST answered 301, 302 or 303 becomes a GET without its body, and any
other method answered 303 becomes a GET too (HEAD stays HEAD); 307 and 308 repeat the
request whole. With `-X`, the method written is kept on every hop, but after 301, 302 and
303 the body is not sent again. Headers travel along, the framing ones aside.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

__all__ = ["MAX_REDIRECTS", "Redirects", "next_request"]

MAX_REDIRECTS = 50
"""curl's default `--max-redirs`, and the bound for `--max-redirs -1` (unlimited in curl)."""



@dataclass(frozen=True, slots=True)
class Redirects:
    """How one `curl -L` command follows redirects."""

    max_hops: int = MAX_REDIRECTS
    """`--max-redirs`."""
    custom_method: bool = False
    """`-X` was given: its method is kept on every hop."""
    body_headers: frozenset[str] = frozenset()
    """The headers curl wrote for the body (lower-cased names), dropped with it."""


def next_request(
    request: httpx.Request, response: httpx.Response, rules: Redirects
) -> httpx.Request | None:
    """The next hop's request, or None when the answer names no place to go."""
    location = response.headers.get("location")
    if not location:
        return None
    try:
        url = request.url.join(location)
    except httpx.InvalidURL:
        return None
    status, method = response.status_code, request.method
    keeps_body = status in (307, 308)
    if not rules.custom_method and ((status in (301, 302) and method == "POST")
                              or (status == 303 and method != "HEAD")):
        method = "GET"
    # `.raw` keeps each name as written: curl's `User-Agent`, not httpx's `user-agent`.
    headers = [(name, value) for name, value in request.headers.raw
               if name.lower() != b"host"
               and (keeps_body or name.lower().decode("latin-1") not in rules.body_headers)]
    # Host first, as curl writes it; only the new path goes on the request line (a copied
    # `target` would send the first hop's path again, forever).
    host = url.netloc
    content = request.content if keeps_body else b""
    nxt = httpx.Request(method, url, stream=httpx.ByteStream(content),
                        extensions={"target": url.raw_path})
    nxt.headers = httpx.Headers([(b"Host", host), *headers])
    nxt.read()
    return nxt
