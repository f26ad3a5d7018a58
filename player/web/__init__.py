"""The web player (`meditate serve`): the library, the timer and the practice log in a
browser, on this computer or a phone at home. The only package that speaks HTTP."""

DEFAULT_PORT = 8765
