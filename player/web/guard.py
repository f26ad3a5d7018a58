"""What every request passes before the app sees it: a size limit, the Host this server is
known by (on this computer), the token (on the home network), and a form sent only from the
server's own pages. Every response says the page may ask nothing of any other place."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from player.web.html import plain_page

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "meditate_token"
MAX_TARGET = 4096  # bytes of path and query
MAX_BODY = 64 * 1024  # the practice log's reports are far smaller
COOKIE_SECONDS = 30 * 24 * 3600
# Nothing from anywhere but this server: no fonts, scripts, styles, images or requests.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


class Guard:
    """ASGI middleware. `token`: what a request must carry (None on this computer alone);
    `hosts`: the Host headers it answers (None: any, as a home network's address may be)."""

    def __init__(self, app: App, *, token: str | None, hosts: frozenset[str] | None) -> None:
        self.app = app
        self.token = token
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        if target > MAX_TARGET:
            await _refuse(send, 414, "Too long", "This address is longer than any page here.")
            return
        if _length(headers) > MAX_BODY:
            await _refuse(send, 413, "Too large", "This request is larger than any form here.")
            return
        host = headers.get("host", "")
        if self.hosts is not None and host not in self.hosts:
            await _refuse(send, 421, "Wrong address", "This server answers at another address.")
            return
        if self.token is not None:
            granted = await self._token(scope, headers, send)
            if not granted:
                return
        origin = headers.get("origin")
        if scope["method"] not in ("GET", "HEAD") and origin not in (None, _own_origin(host)):
            await _refuse(send, 403, "Refused", "Forms here are sent from this server's pages.")
            return
        await self.app(scope, receive, _with_headers(send))

    async def _token(self, scope: Scope, headers: dict[str, str], send: Send) -> bool:
        """Whether the request carries the token; a first visit by the printed address is sent
        on without it in the address, with a cookie holding it instead."""
        assert self.token is not None
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = [value for key, value in query if key == "token"]
        if given and _same(given[-1], self.token):
            rest = urlencode([(key, value) for key, value in query if key != "token"])
            location = scope["path"] + (f"?{rest}" if rest else "")
            cookie = (
                f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={COOKIE_SECONDS}"
            )
            await send(
                {
                    "type": "http.response.start",
                    "status": 303,
                    "headers": [
                        (b"location", location.encode("latin-1", "replace")),
                        (b"set-cookie", cookie.encode()),
                        (b"content-length", b"0"),
                        *SECURITY_HEADERS,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return False
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # a malformed cookie header is no token
            cookies = SimpleCookie()
        held = cookies.get(COOKIE)
        if held is not None and _same(held.value, self.token):
            return True
        await _refuse(
            send,
            403,
            "Open the address meditate printed",
            "This server plays only for the address it printed in the terminal (or its QR "
            "code), which carries a key. Open that address on this device.",
        )
        return False


def _same(given: str, token: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode())


def _own_origin(host: str) -> str:
    return f"http://{host}"


def _length(headers: dict[str, str]) -> int:
    try:
        return int(headers.get("content-length", "0"))
    except ValueError:
        return MAX_BODY + 1


def _with_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
        await send(message)

    return sending


async def _refuse(send: Send, status: int, title: str, message: str) -> None:
    body = plain_page(title, message).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
