"""The `files` tool: a bot reads and writes text files in its own folder `<data>/bots/<bot_id>/`, and nowhere else.

The model sees `list_files`, `read_file`, `write_file`, `append_file` and `delete_file`. Files at the top of the
folder are the bot's notes: the context loader (`engine/context.py`) puts them into the next run's prompt, so the
suffixes allowed here are exactly its `TEXT_SUFFIXES`.

Which paths may be named, and how the folder is walked without ever leaving it, is `tools/sandbox.py`: relative
names only, no `..`, no hidden files, at most 4 subfolders, a note suffix, links and hard links never followed,
writes atomic. POSIX only.

Every refusal is a `ToolRefused` with one of these codes:

    invalid_path      the path breaks a name rule, is too deep, names a folder or a special file
    outside_folder    absolute, `..`, a symlink, a hard link: anything that could reach past the folder
    not_found         no such file
    not_text          not a note suffix, not UTF-8, contains NUL bytes
    too_large         over `max_file_bytes`
    folder_full       over `max_folder_bytes` or `max_files` for the whole folder
    io_error          the file system failed (e.g. disk full)
"""

from __future__ import annotations

import asyncio
import codecs
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from openorchestrator.core.notes import TEXT_SUFFIXES
from openorchestrator.tools import registry
from openorchestrator.tools.base import ToolCall, ToolContext, ToolFunction
from openorchestrator.tools.sandbox import (
    MAX_DEPTH,
    MAX_NAME_CHARS,
    atomic_write,
    existing,
    open_root,
    opened_root,
    parse_path,
    read_bytes,
    refuse,
    scan,
    walk,
)

MAX_FILE_BYTES = 256 * 1024
MAX_FOLDER_BYTES = 5 * 1024 * 1024
MAX_FILES = 200
MAX_READ_CHARS = 20_000


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = MAX_FILE_BYTES
    max_folder_bytes: int = MAX_FOLDER_BYTES
    max_files: int = MAX_FILES
    max_read_chars: int = MAX_READ_CHARS

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Limits:
        """Positive integers from `ToolContext.options` win; anything else keeps the default, so a typo in a
        setting can loosen nothing."""
        values = {
            key: value
            for key in ("max_file_bytes", "max_folder_bytes", "max_files", "max_read_chars")
            if isinstance(value := options.get(key), int) and not isinstance(value, bool) and value > 0
        }
        return cls(**values)


# -- what the model calls ---------------------------------------------------------------------------------


def _path_arg(args: dict[str, Any]) -> tuple[tuple[str, ...], str]:
    parts = parse_path(args.get("path"))
    return parts, "/".join(parts)


def _content_arg(args: dict[str, Any], limits: Limits) -> bytes:
    """The content as UTF-8; refused before any file is touched when it alone is too large."""
    content = args.get("content")
    if not isinstance(content, str):
        raise refuse("'content' must be text.", "not_text")
    if "\x00" in content:
        raise refuse("The content contains NUL bytes; only text can be stored.", "not_text")
    try:
        data = content.encode("utf-8")
    except UnicodeEncodeError:
        raise refuse("The content is not valid Unicode text.", "not_text") from None
    _check_file_size(len(data), limits)
    return data


def _list_files(ctx: ToolContext, args: dict[str, Any]) -> str:
    limits = Limits.from_options(ctx.options)
    root = open_root(ctx.bot_dir, create=False)
    if root is None:
        return "No files yet."
    try:
        entries = list(scan(root))
    finally:
        os.close(root)
    shown = [entry for entry in entries if not any(part.startswith(".") for part in entry.parts)]
    lines = [f"{'/'.join(e.parts)}\t{e.size} bytes\t{_iso(e.modified_at)}" for e in shown]
    used = sum(entry.size for entry in entries)
    lines.append(
        f"({len(shown)} files; {used:,} of {limits.max_folder_bytes:,} bytes and "
        f"{len(entries)} of {limits.max_files} files used)"
    )
    return "\n".join(lines) if shown else "No files yet.\n" + lines[-1]


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _read_file(ctx: ToolContext, args: dict[str, Any]) -> str:
    limits = Limits.from_options(ctx.options)
    parts, shown = _path_arg(args)
    with opened_root(ctx.bot_dir, create=False) as root, walk(root, parts[:-1], create=False) as fds:
        data, size = read_bytes(fds[-1], parts[-1], shown, limits.max_read_chars * 4)
    text = _decode(data, shown, final=len(data) >= size)
    if len(text) > limits.max_read_chars or len(data) < size:
        return f"{text[: limits.max_read_chars]}\n[… cut after {limits.max_read_chars:,} characters of {size:,} bytes]"
    return text


def _decode(data: bytes, shown: str, *, final: bool) -> str:
    """UTF-8 or a refusal; a character cut in half at the end of a partial read is dropped, not an error."""
    if b"\x00" in data:
        raise refuse(f"'{shown}' is not a text file (it contains NUL bytes).", "not_text")
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
    except UnicodeDecodeError:
        raise refuse(f"'{shown}' is not UTF-8 text and cannot be read here.", "not_text") from None


def _write_file(ctx: ToolContext, args: dict[str, Any]) -> str:
    parts, shown = _path_arg(args)
    data = _content_arg(args, Limits.from_options(ctx.options))
    _save(ctx, parts, shown, data, append=False)
    return f"Wrote {shown} ({len(data):,} bytes)."


def _append_file(ctx: ToolContext, args: dict[str, Any]) -> str:
    parts, shown = _path_arg(args)
    data = _content_arg(args, Limits.from_options(ctx.options))
    total = _save(ctx, parts, shown, data, append=True)
    return f"Appended {len(data):,} bytes to {shown} (now {total:,} bytes)."


def _save(ctx: ToolContext, parts: tuple[str, ...], shown: str, data: bytes, *, append: bool) -> int:
    """Write (or append) atomically within the limits, creating folders only once the limits allow it; the new
    size of the file."""
    limits = Limits.from_options(ctx.options)
    with opened_root(ctx.bot_dir, create=True) as root:
        _check_limits(root, parts, len(data), append=append, limits=limits)
        with walk(root, parts[:-1], create=True) as fds:
            parent, name = fds[-1], parts[-1]
            if existing(parent, name, shown) is not None and append:
                old, _ = read_bytes(parent, name, shown, limits.max_file_bytes + 1)
                _decode(old, shown, final=True)
                data = old + data
                _check_file_size(len(data), limits)
            atomic_write(parent, name, data)
    return len(data)


def _check_file_size(size: int, limits: Limits) -> None:
    if size > limits.max_file_bytes:
        raise refuse(f"Too large: at most {limits.max_file_bytes:,} bytes per file.", "too_large")


def _check_limits(root_fd: int, parts: tuple[str, ...], added: int, *, append: bool, limits: Limits) -> None:
    entries = list(scan(root_fd))
    old_size = next((entry.size for entry in entries if entry.parts == parts), None)
    new_size = (old_size or 0) + added if append else added
    _check_file_size(new_size, limits)
    if sum(entry.size for entry in entries) - (old_size or 0) + new_size > limits.max_folder_bytes:
        raise refuse(
            f"Your folder is full: at most {limits.max_folder_bytes:,} bytes in all. Delete or shorten files first.",
            "folder_full",
        )
    if old_size is None and len(entries) + 1 > limits.max_files:
        raise refuse(f"Your folder is full: at most {limits.max_files} files. Delete some first.", "folder_full")


def _delete_file(ctx: ToolContext, args: dict[str, Any]) -> str:
    parts, shown = _path_arg(args)
    with opened_root(ctx.bot_dir, create=False) as root, walk(root, parts[:-1], create=False) as fds:
        if existing(fds[-1], parts[-1], shown) is None:
            raise refuse(f"'{shown}' does not exist.", "not_found")
        os.unlink(parts[-1], dir_fd=fds[-1])
        os.fsync(fds[-1])
        _remove_empty(fds, parts[:-1])
    return f"Deleted {shown}."


def _remove_empty(fds: list[int], dirs: tuple[str, ...]) -> None:
    """Subfolders left empty go too (the bot folder itself stays); the first one still in use stops it."""
    for depth in range(len(dirs), 0, -1):
        try:
            os.rmdir(dirs[depth - 1], dir_fd=fds[depth - 1])
        except OSError:
            return


# -- the tool ---------------------------------------------------------------------------------------------

_PATH = {
    "type": "string",
    "description": "Relative to your folder, e.g. notes.md or shop/offers.csv (no '..', no leading '/' or '.').",
}
_CONTENT = {"type": "string", "description": "UTF-8 text."}


def _schema(**properties: dict[str, str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def _in_thread(function: Callable[[ToolContext, dict[str, Any]], str]) -> ToolCall:
    """File work (fsync above all) must not stall the event loop; a failing disk is a refusal, not a bug."""

    async def call(ctx: ToolContext, args: dict[str, Any]) -> str:
        try:
            return await asyncio.to_thread(function, ctx, args)
        except OSError as exc:
            raise refuse(f"The file system refused: {exc.strerror or 'unknown error'}.", "io_error") from None

    return call


class FilesTool:
    """The built-in `files` tool."""

    name: ClassVar[str] = "files"
    description: ClassVar[str] = (
        "Read and write text files in the bot's own folder. Files at the top of the folder are shown to the "
        "bot at the start of every run (newest first, within a budget); files in subfolders only on request."
    )

    def functions(self) -> list[ToolFunction]:
        return [
            ToolFunction(
                "list_files", "Your files: path, size, last change (UTC).", _schema(), _in_thread(_list_files)
            ),
            ToolFunction(
                "read_file",
                f"Read a text file (at most {MAX_READ_CHARS:,} characters are returned).",
                _schema(path=_PATH),
                _in_thread(_read_file),
            ),
            ToolFunction(
                "write_file",
                "Create or replace a text file. Top-level files are your notes for the next runs.",
                _schema(path=_PATH, content=_CONTENT),
                _in_thread(_write_file),
                changes_state=True,
            ),
            ToolFunction(
                "append_file",
                "Add text to the end of a file (created if missing). Include a newline where you want one.",
                _schema(path=_PATH, content=_CONTENT),
                _in_thread(_append_file),
                changes_state=True,
            ),
            ToolFunction(
                "delete_file",
                "Delete a file (not a folder).",
                _schema(path=_PATH),
                _in_thread(_delete_file),
                changes_state=True,
            ),
        ]

    def settings(self) -> dict[str, Any]:
        return {
            "max_file_bytes": MAX_FILE_BYTES,
            "max_folder_bytes": MAX_FOLDER_BYTES,
            "max_files": MAX_FILES,
            "max_read_chars": MAX_READ_CHARS,
            "max_depth": MAX_DEPTH,
            "max_name_chars": MAX_NAME_CHARS,
            "suffixes": sorted(TEXT_SUFFIXES),
        }


registry.register(FilesTool())
