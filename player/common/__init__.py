"""What every layer shares: the one error type, the master audio format, where files live,
atomic writes and the cache."""
