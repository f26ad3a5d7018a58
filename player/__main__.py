"""`python -m player` is the same program as `meditate`."""

from player.cli import main

main(prog_name="meditate")
