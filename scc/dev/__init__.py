"""For people at a terminal: the `scc` command, `make dev`'s server and its demo data."""
