"""Live playback: the device, the buffer rendered ahead, the player, the terminal display
and keys."""
