"""The `files` tool: a bot reads and writes text files in its own folder `<data>/bots/<bot_id>/`, and nowhere else.

The model sees `list_files`, `read_file`, `write_file`, `append_file` and `delete_file`. Files at the top of the
folder are the bot's notes: the context loader (`engine/context.py`) puts them into the next run's prompt, so the
suffixes allowed here are exactly its `TEXT_SUFFIXES`.

Paths are hostile input and are taken literally, never decoded or expanded:

    relative only          no `/x`, `//x`, `C:…`, `\\\\server\\…`, no `\\` at all, `~` is not a home folder
    no way up or around    no `..` (nor a Unicode look-alike that normalises to it), no `.` or empty names
    plain names            ≤ 120 characters, no leading `.` (no `.env`, `.git`), no `%` (so `%2e%2e` can never
                           turn into `..` in some layer that decodes), no `:*?"<>|`, no control characters,
                           each rule checked as written and again after NFKC normalisation
    at most 4 subfolders   and the file name must end in one of the note suffixes

The file system is walked from the bot folder down, one directory file descriptor per component, opened with
`O_NOFOLLOW | O_DIRECTORY`, and every operation is relative to the parent's descriptor (`dir_fd`). No path is
ever resolved as a whole, so a symlink planted anywhere (a file, a subfolder, a link to another bot's folder)
cannot be followed, not even if it appears between a check and the operation. Hard-linked files (`st_nlink > 1`)
and special files (FIFOs, devices, sockets) are refused. Writes go to a temporary file in the same folder that
is fsynced and then renamed over the target, so a reader sees the old or the new file, never half of one.
POSIX only (it relies on `dir_fd` and `O_NOFOLLOW`).

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
import contextlib
import errno
import os
import re
import secrets
import stat
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar, Literal

from openorchestrator.engine.context import TEXT_SUFFIXES
from openorchestrator.tools import registry
from openorchestrator.tools.base import ToolCall, ToolContext, ToolFunction, ToolRefused

MAX_FILE_BYTES = 256 * 1024
MAX_FOLDER_BYTES = 5 * 1024 * 1024
MAX_FILES = 200
MAX_READ_CHARS = 20_000
MAX_NAME_CHARS = 120
MAX_NAME_BYTES = 255
"""What Linux file systems allow per name; 120 characters of emoji would be more."""
MAX_DEPTH = 4
"""Subfolders below the bot folder; a path has at most MAX_DEPTH + 1 parts."""
DIR_MODE = 0o700
FILE_MODE = 0o600

RefusalCode = Literal["invalid_path", "outside_folder", "not_found", "not_text", "too_large", "folder_full", "io_error"]

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_TEMP_PREFIX = ".oo-write-"
_FORBIDDEN = frozenset('\\/:*?"<>|%')
_DRIVE = re.compile(r"[A-Za-z]:")


def _refuse(message: str, code: RefusalCode) -> ToolRefused:
    return ToolRefused(message, code=code)


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


# -- paths ------------------------------------------------------------------------------------------------


def parse_path(path: object) -> tuple[str, ...]:
    """The parts of a path the model gave, or ToolRefused. Pure: it touches no file."""
    if not isinstance(path, str) or not path.strip():
        raise _refuse("Path refused: give a file name relative to your folder, e.g. notes.md.", "invalid_path")
    if "\x00" in path:
        raise _refuse("Path refused: it contains a NUL byte.", "invalid_path")
    if len(path) > (MAX_DEPTH + 1) * (MAX_NAME_CHARS + 1):
        raise _refuse("Path refused: it is too long.", "invalid_path")
    if path.startswith(("/", "\\")) or _DRIVE.match(path):
        raise _refuse(
            "Path refused: absolute paths are not allowed; use e.g. notes.md or notes/today.md.", "outside_folder"
        )
    if "\\" in path:
        raise _refuse("Path refused: use '/' between folder names, not '\\'.", "invalid_path")
    parts = tuple(path.split("/"))
    for name in parts:
        _check_name(name)
    if len(parts) > MAX_DEPTH + 1:
        raise _refuse(f"Path refused: at most {MAX_DEPTH} folders deep.", "invalid_path")
    if PurePosixPath(parts[-1]).suffix.lower() not in TEXT_SUFFIXES:
        raise _refuse(f"Only text files can be used here; the name must end in {_suffixes()}.", "not_text")
    return parts


def _suffixes() -> str:
    return ", ".join(sorted(TEXT_SUFFIXES))


def _check_name(name: str) -> None:
    """A name must be safe as written and after NFKC, because other layers (a browser, a sync tool, macOS)
    may normalise it: two one-dot leaders (U+2024) would become `..` there."""
    problem = _name_problem(name)
    if problem is None and (normal := unicodedata.normalize("NFKC", name)) != name:
        problem = _name_problem(normal)
        if problem is not None:
            problem = (problem[0] + " (counting Unicode look-alike characters)", problem[1])
    if problem is not None:
        raise _refuse(f"Path refused: {problem[0]}.", problem[1])


def _name_problem(name: str) -> tuple[str, RefusalCode] | None:
    if name == "":
        return "a folder name is empty (two '/' in a row, or '/' at the end)", "invalid_path"
    if name == "..":
        return "'..' would lead out of your folder", "outside_folder"
    if name.startswith("."):
        return "names must not start with '.' (no '.' or '..' parts, no hidden files like .env)", "invalid_path"
    if name.startswith("~"):
        return "names must not start with '~' (it does not mean a home folder here)", "invalid_path"
    if bad := sorted(set(name) & _FORBIDDEN):
        return "names must not contain " + " ".join(bad), "invalid_path"
    if any(unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp") for ch in name):
        return "names must not contain control or invisible characters", "invalid_path"
    if name != name.strip():
        return "names must not start or end with a space", "invalid_path"
    if len(name) > MAX_NAME_CHARS or len(name.encode()) > MAX_NAME_BYTES:
        return f"names must be at most {MAX_NAME_CHARS} characters", "invalid_path"
    return None


# -- the folder, one directory descriptor at a time -------------------------------------------------------


def _os_refusal(exc: OSError, shown: str, *, is_link: bool = False) -> ToolRefused:
    if exc.errno == errno.ELOOP or is_link:
        return _refuse(f"'{shown}' is a link; links are not followed.", "outside_folder")
    if exc.errno == errno.ENOTDIR:
        return _refuse(f"'{shown}' is not a folder.", "invalid_path")
    if exc.errno == errno.ENOENT:
        return _refuse(f"'{shown}' does not exist.", "not_found")
    return _refuse(f"The file system refused: {exc.strerror or 'unknown error'}.", "io_error")


def _open_root(bot_dir: Path, *, create: bool) -> int | None:
    """The bot folder's descriptor; None if it does not exist yet and `create` is off."""
    created = False
    if create:
        bot_dir.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.mkdir(bot_dir, DIR_MODE)
            created = True
    try:
        fd = os.open(bot_dir, _DIR_FLAGS)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _os_refusal(exc, "your folder", is_link=bot_dir.is_symlink()) from None
    if created:
        os.fchmod(fd, DIR_MODE)  # the umask may have taken bits away; it must not add any
    return fd


def _open_dir(parent_fd: int, name: str, shown: str, *, create: bool) -> int:
    if create:
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, DIR_MODE, dir_fd=parent_fd)
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=parent_fd)
    except OSError as exc:
        raise _os_refusal(exc, shown, is_link=_is_link(parent_fd, name)) from None


def _is_link(parent_fd: int, name: str) -> bool:
    """Only for the words of a refusal: Linux says ENOTDIR, not ELOOP, for a link opened with O_DIRECTORY."""
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=parent_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


@contextlib.contextmanager
def _root(bot_dir: Path, *, create: bool) -> Iterator[int]:
    fd = _open_root(bot_dir, create=create)
    if fd is None:
        raise _refuse("That file does not exist (your folder is still empty).", "not_found")
    try:
        yield fd
    finally:
        os.close(fd)


@contextlib.contextmanager
def _walk(root_fd: int, dirs: tuple[str, ...], *, create: bool) -> Iterator[list[int]]:
    """Descriptors of the bot folder and of each subfolder in `dirs`, walked down without following links.
    A missing subfolder is `not_found` unless `create`."""
    fds = [root_fd]
    try:
        for depth, name in enumerate(dirs, start=1):
            fds.append(_open_dir(fds[-1], name, "/".join(dirs[:depth]), create=create))
        yield fds
    finally:
        for fd in reversed(fds[1:]):
            os.close(fd)


def _existing(parent_fd: int, name: str, shown: str) -> os.stat_result | None:
    """The file's own status (links not followed), None if absent; refuses anything but a plain file."""
    try:
        info = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    _check_plain_file(info, shown)
    return info


def _check_plain_file(info: os.stat_result, shown: str) -> None:
    if stat.S_ISLNK(info.st_mode):
        raise _refuse(f"'{shown}' is a link; links are not followed.", "outside_folder")
    if stat.S_ISDIR(info.st_mode):
        raise _refuse(f"'{shown}' is a folder, not a file.", "invalid_path")
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(f"'{shown}' is not a plain file (a pipe, device or socket).", "invalid_path")
    if info.st_nlink > 1:
        raise _refuse(f"'{shown}' is also linked from elsewhere (a hard link); it is left alone.", "outside_folder")


def _read_bytes(parent_fd: int, name: str, shown: str, limit: int) -> tuple[bytes, int]:
    """At most `limit` bytes of the file and its full size."""
    if _existing(parent_fd, name, shown) is None:
        raise _refuse(f"'{shown}' does not exist.", "not_found")
    try:
        fd = os.open(name, _READ_FLAGS, dir_fd=parent_fd)
    except OSError as exc:
        raise _os_refusal(exc, shown) from None
    try:
        info = os.fstat(fd)
        _check_plain_file(info, shown)  # again on what was opened: the name may have changed meanwhile
        chunks: list[bytes] = []
        left = limit
        while left > 0 and (chunk := os.read(fd, min(left, 65536))):
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks), info.st_size
    finally:
        os.close(fd)


def _atomic_write(parent_fd: int, name: str, data: bytes) -> None:
    temp = f"{_TEMP_PREFIX}{secrets.token_hex(8)}.tmp"
    fd = os.open(temp, _TEMP_FLAGS, FILE_MODE, dir_fd=parent_fd)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, name, src_dir_fd=parent_fd, dst_dir_fd=parent_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=parent_fd)
        raise
    os.fsync(parent_fd)  # the rename itself survives a crash only once the folder is synced


@dataclass(frozen=True)
class _Entry:
    parts: tuple[str, ...]
    size: int
    modified_at: float


def _scan(dir_fd: int, prefix: tuple[str, ...] = ()) -> Iterator[_Entry]:
    """Every plain file in the folder (links not followed), for the listing and the folder limits."""
    with os.scandir(dir_fd) as entries:
        names = [entry.name for entry in entries]
    for name in sorted(names):
        try:
            info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            continue
        if stat.S_ISREG(info.st_mode):
            yield _Entry((*prefix, name), info.st_size, info.st_mtime)
        elif stat.S_ISDIR(info.st_mode) and len(prefix) < MAX_DEPTH:
            try:
                sub = os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
            except OSError:
                continue
            try:
                yield from _scan(sub, (*prefix, name))
            finally:
                os.close(sub)


# -- what the model calls ---------------------------------------------------------------------------------


def _path_arg(args: dict[str, Any]) -> tuple[tuple[str, ...], str]:
    parts = parse_path(args.get("path"))
    return parts, "/".join(parts)


def _content_arg(args: dict[str, Any], limits: Limits) -> bytes:
    """The content as UTF-8; refused before any file is touched when it alone is too large."""
    content = args.get("content")
    if not isinstance(content, str):
        raise _refuse("'content' must be text.", "not_text")
    if "\x00" in content:
        raise _refuse("The content contains NUL bytes; only text can be stored.", "not_text")
    try:
        data = content.encode("utf-8")
    except UnicodeEncodeError:
        raise _refuse("The content is not valid Unicode text.", "not_text") from None
    _check_file_size(len(data), limits)
    return data


def _list_files(ctx: ToolContext, args: dict[str, Any]) -> str:
    limits = Limits.from_options(ctx.options)
    root = _open_root(ctx.bot_dir, create=False)
    if root is None:
        return "No files yet."
    try:
        entries = list(_scan(root))
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
    with _root(ctx.bot_dir, create=False) as root, _walk(root, parts[:-1], create=False) as fds:
        data, size = _read_bytes(fds[-1], parts[-1], shown, limits.max_read_chars * 4)
    text = _decode(data, shown, final=len(data) >= size)
    if len(text) > limits.max_read_chars or len(data) < size:
        return f"{text[: limits.max_read_chars]}\n[… cut after {limits.max_read_chars:,} characters of {size:,} bytes]"
    return text


def _decode(data: bytes, shown: str, *, final: bool) -> str:
    """UTF-8 or a refusal; a character cut in half at the end of a partial read is dropped, not an error."""
    if b"\x00" in data:
        raise _refuse(f"'{shown}' is not a text file (it contains NUL bytes).", "not_text")
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
    except UnicodeDecodeError:
        raise _refuse(f"'{shown}' is not UTF-8 text and cannot be read here.", "not_text") from None


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
    with _root(ctx.bot_dir, create=True) as root:
        _check_limits(root, parts, len(data), append=append, limits=limits)
        with _walk(root, parts[:-1], create=True) as fds:
            parent, name = fds[-1], parts[-1]
            if _existing(parent, name, shown) is not None and append:
                old, _ = _read_bytes(parent, name, shown, limits.max_file_bytes + 1)
                _decode(old, shown, final=True)
                data = old + data
                _check_file_size(len(data), limits)
            _atomic_write(parent, name, data)
    return len(data)


def _check_file_size(size: int, limits: Limits) -> None:
    if size > limits.max_file_bytes:
        raise _refuse(f"Too large: at most {limits.max_file_bytes:,} bytes per file.", "too_large")


def _check_limits(root_fd: int, parts: tuple[str, ...], added: int, *, append: bool, limits: Limits) -> None:
    entries = list(_scan(root_fd))
    old_size = next((entry.size for entry in entries if entry.parts == parts), None)
    new_size = (old_size or 0) + added if append else added
    _check_file_size(new_size, limits)
    if sum(entry.size for entry in entries) - (old_size or 0) + new_size > limits.max_folder_bytes:
        raise _refuse(
            f"Your folder is full: at most {limits.max_folder_bytes:,} bytes in all. Delete or shorten files first.",
            "folder_full",
        )
    if old_size is None and len(entries) + 1 > limits.max_files:
        raise _refuse(f"Your folder is full: at most {limits.max_files} files. Delete some first.", "folder_full")


def _delete_file(ctx: ToolContext, args: dict[str, Any]) -> str:
    parts, shown = _path_arg(args)
    with _root(ctx.bot_dir, create=False) as root, _walk(root, parts[:-1], create=False) as fds:
        if _existing(fds[-1], parts[-1], shown) is None:
            raise _refuse(f"'{shown}' does not exist.", "not_found")
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
            raise _refuse(f"The file system refused: {exc.strerror or 'unknown error'}.", "io_error") from None

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
            ),
            ToolFunction(
                "append_file",
                "Add text to the end of a file (created if missing). Include a newline where you want one.",
                _schema(path=_PATH, content=_CONTENT),
                _in_thread(_append_file),
            ),
            ToolFunction("delete_file", "Delete a file (not a folder).", _schema(path=_PATH), _in_thread(_delete_file)),
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
