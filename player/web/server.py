"""Runs the web app: on this computer alone (127.0.0.1), or on the home network with a token.

uvicorn serves it on a socket bound here first, so a port in use is known (and a free one
named) before anything starts. Connections, request headers and idle time are bounded.
uvicorn stops on Ctrl-C (or SIGTERM): it stops listening, lets open requests end for a
moment, and then the app's render jobs stop and remove what they were writing.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import secrets
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass

import uvicorn

from player.common.cache import Cache
from player.common.errors import MeditateError
from player.web import DEFAULT_PORT
from player.web.app import create_app
from player.web.guard import Guard

LOOPBACK = "127.0.0.1"
EVERYWHERE = "0.0.0.0"  # --lan: the home network, behind the token
MAX_CONNECTIONS = 64  # more at once are answered 503
MAX_HEADER_BYTES = 16 * 1024
IDLE_SECONDS = 15  # a kept-alive connection left unused is closed
STOP_SECONDS = 3  # requests still open at Ctrl-C get this long to end
_FREE_PORT_TRIES = 50
_SIOCGIFADDR = 0x8915


@dataclass(frozen=True)
class Serving:
    """A server ready to run: its socket, and the address to open it at."""

    server: uvicorn.Server
    sock: socket.socket
    url: str  # with the token, on the home network

    def run(self) -> None:
        """Serve until Ctrl-C or SIGTERM (which uvicorn raises again once it has stopped)."""
        self.server.run(sockets=[self.sock])


def prepare_server(
    cache: Cache, *, port: int, lan: bool, render_workers: int = 1, log: bool = False
) -> Serving:
    """Bind the port and build the server. Raises MeditateError for a port in use (naming a
    free one) or one that cannot be had."""
    host = EVERYWHERE if lan else LOOPBACK
    sock = bind(host, port)
    bound = sock.getsockname()[1]
    token = secrets.token_urlsafe(18) if lan else None
    hosts = None if lan else frozenset(f"{name}:{bound}" for name in ("127.0.0.1", "localhost"))
    app = Guard(create_app(cache, render_workers=render_workers), token=token, hosts=hosts)
    config = uvicorn.Config(
        app,
        limit_concurrency=MAX_CONNECTIONS,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        timeout_keep_alive=IDLE_SECONDS,
        timeout_graceful_shutdown=STOP_SECONDS,
        log_level="info" if log else "warning",
        access_log=log,
        server_header=False,
        lifespan="on",
    )
    url = f"http://{home_address() if lan else LOOPBACK}:{bound}/"
    if token:
        url += f"?token={token}"
    return Serving(uvicorn.Server(config), sock, url)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on `host`:`port` (0: any free port). Raises MeditateError."""
    try:
        return _listening(host, port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            free = free_port(host, port)
            then = f": try --port {free}" if free else ""
            raise MeditateError(f"port {port} is in use by another program{then}") from None
        if error.errno == errno.EACCES:
            raise MeditateError(
                f"port {port} needs the administrator: choose one from 1024 up, such as "
                f"--port {DEFAULT_PORT}"
            ) from None
        raise MeditateError(f"cannot listen on {host}:{port}: {error.strerror}") from None


def free_port(host: str, after: int) -> int | None:
    """The first port after `after` that can be had on `host`, if one is near."""
    for port in range(after + 1, min(after + 1 + _FREE_PORT_TRIES, 65536)):
        with contextlib.suppress(OSError), _listening(host, port):
            return port
    return None


def _listening(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.set_inheritable(True)
    except BaseException:
        sock.close()
        raise
    return sock


def home_address() -> str:
    """This computer's address on the home network: the first IPv4 address of a network
    interface other than loopback (read from the interfaces, without sending anything);
    127.0.0.1 when it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            if name == "lo":
                continue
            request = struct.pack("256s", name.encode()[:15])
            try:
                answer = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, request)
            except OSError:  # no IPv4 address on this one
                continue
            address = socket.inet_ntoa(answer[20:24])
            if not address.startswith("127."):
                return address
    return LOOPBACK


def qr_text(url: str) -> str:
    """A QR code of `url` drawn with text blocks, for a phone's camera."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def announce(serving: Serving, lan: bool, say: Callable[[str], None]) -> None:
    """What the terminal shows when the server starts."""
    if lan:
        say(f"Serving the library on your home network at {serving.url}")
        say("Open that address on a phone in the same home, or point its camera at this code:")
        say(qr_text(serving.url))
        say("Only that address (it carries a key) is served. Ctrl-C stops the server.")
    else:
        say(f"Serving the library on this computer at {serving.url}")
        say("Open it in a browser here (--lan serves phones at home). Ctrl-C stops the server.")
