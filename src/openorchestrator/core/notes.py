"""A bot's notes: the text files in its folder that its runs read as memory and its `files` tool may write."""

from __future__ import annotations

TEXT_SUFFIXES = frozenset(
    {".txt", ".md", ".markdown", ".json", ".csv", ".tsv", ".yaml", ".yml", ".log", ".xml", ".html"}
)
"""File suffixes that count as notes (read into a run's context; the only ones the files tool writes)."""
