"""Trips on the dispatch board: the shell, the board, and putting trips on it."""
