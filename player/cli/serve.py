"""`meditate serve`: the library, the timer and the practice log in a browser."""

from __future__ import annotations

import contextlib

import click

from player.web import DEFAULT_PORT


@click.command()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="The port to listen on.",
)
@click.option(
    "--lan",
    is_flag=True,
    help="Serve the home network too (a phone, a tablet): the address printed, with its key "
    "and as a QR code, is the only way in.",
)
@click.option(
    "--open", "open_browser", is_flag=True, help="Open the page in this computer's browser."
)
@click.option("--log", "show_requests", is_flag=True, help="Print every request.")
def serve(port: int, lan: bool, open_browser: bool, show_requests: bool) -> None:
    """Play the library in a browser, here or on a phone at home.

    Every session at any length, with or without ambience and bells, the words
    shown as they are spoken; the timer; and your practice log, which sittings
    in the browser join by the same rules as `play`. Audio is made once for
    each choice and kept in the cache. Nothing is fetched from the internet.

    Without --lan only this computer can connect (127.0.0.1). With --lan the
    home network can, by the printed address, which carries a random key.

    \b
    Example:
      meditate serve --open
      meditate serve --lan
      meditate serve --port 8800
    """
    from player.cli.signals import sigterm_as_keyboard_interrupt
    from player.common.cache import user_cache
    from player.web.server import announce, prepare_server

    serving = prepare_server(user_cache(), port=port, lan=lan, log=show_requests)
    announce(serving, lan, click.echo)
    if open_browser:
        import webbrowser

        webbrowser.open(serving.url)
    sigterm_as_keyboard_interrupt()
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a server is stopped
        serving.run()
    click.echo("Stopped serving.")
