"""The bot folder as a sandbox: which paths a model may name, and file access that cannot leave the folder.

Paths are hostile input and are taken literally, never decoded or expanded (`parse_path`):

    relative only          no `/x`, `//x`, `C:…`, `\\\\server\\…`, no `\\` at all, `~` is not a home folder
    no way up or around    no `..` (nor a Unicode look-alike that normalises to it), no `.` or empty names
    plain names            ≤ 120 characters, no leading `.` (no `.env`, `.git`), no `%` (so `%2e%2e` can never
                           turn into `..` in some layer that decodes), no `:*?"<>|`, no control characters,
                           each rule checked as written and again after NFKC normalisation
    at most 4 subfolders   and the file name must end in one of the note suffixes

The file system is walked from the bot folder down (`opened_root`, `walk`), one directory file descriptor per
component, opened with `O_NOFOLLOW | O_DIRECTORY`, and every operation is relative to the parent's descriptor
(`dir_fd`). No path is ever resolved as a whole, so a symlink planted anywhere (a file, a subfolder, a link to
another bot's folder) cannot be followed, not even if it appears between a check and the operation. Hard-linked
files (`st_nlink > 1`) and special files (FIFOs, devices, sockets) are refused (`existing`, `read_bytes`).
`atomic_write` goes to a temporary file in the same folder that is fsynced and then renamed over the target, so
a reader sees the old or the new file, never half of one. POSIX only (it relies on `dir_fd` and `O_NOFOLLOW`).

Refusals are `ToolRefused` with a `RefusalCode`; the `files` tool (`tools/types/files.py`) lists what each means.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from openorchestrator.core.notes import TEXT_SUFFIXES
from openorchestrator.tools.base import ToolRefused

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
LEFTOVER_SECONDS = 3600
_FORBIDDEN = frozenset('\\/:*?"<>|%')
_DRIVE = re.compile(r"[A-Za-z]:")


def refuse(message: str, code: RefusalCode) -> ToolRefused:
    return ToolRefused(message, code=code)


# -- paths ------------------------------------------------------------------------------------------------


def parse_path(path: object) -> tuple[str, ...]:
    """The parts of a path the model gave, or ToolRefused. Pure: it touches no file."""
    if not isinstance(path, str) or not path.strip():
        raise refuse("Path refused: give a file name relative to your folder, e.g. notes.md.", "invalid_path")
    if "\x00" in path:
        raise refuse("Path refused: it contains a NUL byte.", "invalid_path")
    if len(path) > (MAX_DEPTH + 1) * (MAX_NAME_CHARS + 1):
        raise refuse("Path refused: it is too long.", "invalid_path")
    if path.startswith(("/", "\\")) or _DRIVE.match(path):
        raise refuse(
            "Path refused: absolute paths are not allowed; use e.g. notes.md or notes/today.md.", "outside_folder"
        )
    if "\\" in path:
        raise refuse("Path refused: use '/' between folder names, not '\\'.", "invalid_path")
    parts = tuple(path.split("/"))
    for name in parts:
        _check_name(name)
    if len(parts) > MAX_DEPTH + 1:
        raise refuse(f"Path refused: at most {MAX_DEPTH} folders deep.", "invalid_path")
    if PurePosixPath(parts[-1]).suffix.lower() not in TEXT_SUFFIXES:
        raise refuse(f"Only text files can be used here; the name must end in {_suffixes()}.", "not_text")
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
        raise refuse(f"Path refused: {problem[0]}.", problem[1])


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
        return refuse(f"'{shown}' is a link; links are not followed.", "outside_folder")
    if exc.errno == errno.ENOTDIR:
        return refuse(f"'{shown}' is not a folder.", "invalid_path")
    if exc.errno == errno.ENOENT:
        return refuse(f"'{shown}' does not exist.", "not_found")
    return refuse(f"The file system refused: {exc.strerror or 'unknown error'}.", "io_error")


def open_root(bot_dir: Path, *, create: bool) -> int | None:
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
def opened_root(bot_dir: Path, *, create: bool) -> Iterator[int]:
    """The bot folder's descriptor, closed afterwards; `not_found` if the folder does not exist yet."""
    fd = open_root(bot_dir, create=create)
    if fd is None:
        raise refuse("That file does not exist (your folder is still empty).", "not_found")
    try:
        yield fd
    finally:
        os.close(fd)


@contextlib.contextmanager
def walk(root_fd: int, dirs: tuple[str, ...], *, create: bool) -> Iterator[list[int]]:
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


def existing(parent_fd: int, name: str, shown: str) -> os.stat_result | None:
    """The file's own status (links not followed), None if absent; refuses anything but a plain file."""
    try:
        info = os.stat(name, dir_fd=parent_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    _check_plain_file(info, shown)
    return info


def _check_plain_file(info: os.stat_result, shown: str) -> None:
    if stat.S_ISLNK(info.st_mode):
        raise refuse(f"'{shown}' is a link; links are not followed.", "outside_folder")
    if stat.S_ISDIR(info.st_mode):
        raise refuse(f"'{shown}' is a folder, not a file.", "invalid_path")
    if not stat.S_ISREG(info.st_mode):
        raise refuse(f"'{shown}' is not a plain file (a pipe, device or socket).", "invalid_path")
    if info.st_nlink > 1:
        raise refuse(f"'{shown}' is also linked from elsewhere (a hard link); it is left alone.", "outside_folder")


def read_bytes(parent_fd: int, name: str, shown: str, limit: int) -> tuple[bytes, int]:
    """At most `limit` bytes of the file and its full size."""
    if existing(parent_fd, name, shown) is None:
        raise refuse(f"'{shown}' does not exist.", "not_found")
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


def atomic_write(parent_fd: int, name: str, data: bytes) -> None:
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


def _clear_leftover(dir_fd: int, name: str, info: os.stat_result) -> None:
    """Remove a temporary file an interrupted write left behind (an hour old: no write takes that long)."""
    if time.time() - info.st_mtime > LEFTOVER_SECONDS:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=dir_fd)


@dataclass(frozen=True)
class Entry:
    parts: tuple[str, ...]
    size: int
    modified_at: float


def scan(dir_fd: int, prefix: tuple[str, ...] = ()) -> Iterator[Entry]:
    """Every plain file in the folder (links not followed), for the listing and the folder limits."""
    with os.scandir(dir_fd) as entries:
        names = [entry.name for entry in entries]
    for name in sorted(names):
        try:
            info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            continue
        if stat.S_ISREG(info.st_mode) and name.startswith(_TEMP_PREFIX):
            _clear_leftover(dir_fd, name, info)  # not a note: a write cut off by a crash
        elif stat.S_ISREG(info.st_mode):
            yield Entry((*prefix, name), info.st_size, info.st_mtime)
        elif stat.S_ISDIR(info.st_mode) and len(prefix) < MAX_DEPTH:
            try:
                sub = os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
            except OSError:
                continue
            try:
                yield from scan(sub, (*prefix, name))
            finally:
                os.close(sub)
