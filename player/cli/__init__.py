"""The `meditate` command line: thin commands over the layers below."""

from player.cli.app import main

__all__ = ["main"]
