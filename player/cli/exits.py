"""The exit statuses of `meditate`."""

EXIT_USER_ERROR = 2  # something the user can fix: the message says what
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM, as shells report SIGINT
