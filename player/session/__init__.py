"""Session scripts as data: the format, the model, the YAML loader, flex, the timeline and the
search path. Pure: no numpy, no subprocesses, no file writes."""
