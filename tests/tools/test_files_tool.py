"""The `files` tool through the registry, on real folders in tmp_path: every way out of the bot's folder is
refused and leaves the disk as it was; inside, files round-trip within their limits and become notes."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import openorchestrator.tools.types.files  # noqa: F401  (registers "files" even when other built-ins are absent)
from openorchestrator.engine.context import TEXT_SUFFIXES, read_notes
from openorchestrator.tools import registry
from openorchestrator.tools.base import ToolContext, ToolRefused

BOT_ID = "bot_me"
OTHER_ID = "bot_other"
OPS = ("read_file", "write_file", "append_file", "delete_file")


@dataclass
class Scene:
    root: Path
    bots: Path
    bot_dir: Path
    other_dir: Path
    outside: Path

    def ctx(self, **options: Any) -> ToolContext:
        return ToolContext(bot_id=BOT_ID, bot_dir=self.bot_dir, options=options)


@pytest.fixture
def scene(tmp_path: Path) -> Scene:
    bots = tmp_path / "data" / "bots"
    other_dir = bots / OTHER_ID
    other_dir.mkdir(parents=True)
    (other_dir / "notes.md").write_text("the other bot's notes")
    outside = tmp_path / "outside.txt"
    outside.write_text("outside the data folder")
    return Scene(tmp_path, bots, bots / BOT_ID, other_dir, outside)


@pytest.fixture
def home(scene: Scene) -> Scene:
    """A scene whose bot already has a folder with one note."""
    scene.bot_dir.mkdir(mode=0o700)
    (scene.bot_dir / "notes.md").write_text("mine")
    return scene


async def call(ctx: ToolContext, function: str, **args: Any) -> str:
    functions = {f.name: f for f in registry.get("files").functions()}
    return await functions[function].call(ctx, args)


async def refusal(ctx: ToolContext, function: str, **args: Any) -> ToolRefused:
    with pytest.raises(ToolRefused) as info:
        await call(ctx, function, **args)
    assert info.value.message
    return info.value


def snapshot(root: Path) -> dict[str, tuple[object, ...]]:
    """Everything under `root` as lstat sees it, with file contents and link targets."""
    state: dict[str, tuple[object, ...]] = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files, "."]:
            path = Path(folder, name)
            info = path.lstat()
            body: object = None
            if stat.S_ISREG(info.st_mode):
                body = hashlib.sha256(path.read_bytes()).hexdigest()
            elif stat.S_ISLNK(info.st_mode):
                body = os.readlink(path)
            state[str(path.relative_to(root))] = (info.st_mode, info.st_size, info.st_mtime_ns, info.st_nlink, body)
    return state


def op_args(op: str, path: object) -> dict[str, Any]:
    return {"path": path, "content": "pwned\n"} if op in ("write_file", "append_file") else {"path": path}


# -- the traversal suite ----------------------------------------------------------------------------------

PAYLOADS: list[tuple[object, str]] = [
    # dot-dot
    ("../x.txt", "outside_folder"),
    ("a/../../x.txt", "outside_folder"),
    ("a/../notes.md", "outside_folder"),
    ("..", "outside_folder"),
    (f"../{OTHER_ID}/notes.md", "outside_folder"),
    ("../../outside.txt", "outside_folder"),
    ("..\\x.txt", "invalid_path"),
    ("....//x.txt", "invalid_path"),
    ("./../x.txt", "invalid_path"),
    (".", "invalid_path"),
    ("./notes.md", "invalid_path"),
    ("...", "invalid_path"),
    # encodings: never decoded, and '%' is refused outright
    ("%2e%2e/x.txt", "invalid_path"),
    ("..%2fx.txt", "invalid_path"),
    ("%252e%252e/x.txt", "invalid_path"),
    ("%2e%2e%2fx.txt", "invalid_path"),
    # Unicode look-alikes that normalise (NFKC) to '..' or '/'
    ("\u2024\u2024/x.txt", "outside_folder"),
    ("\u2025/x.txt", "outside_folder"),
    ("\uff0e\uff0e/x.txt", "outside_folder"),
    ("a\uff0f..\uff0fx.txt", "invalid_path"),
    # absolute, drive, UNC, home
    ("/etc/passwd", "outside_folder"),
    ("//etc/passwd", "outside_folder"),
    ("/", "outside_folder"),
    (str(Path("/tmp/outside.txt")), "outside_folder"),
    ("C:\\Windows\\win.ini", "outside_folder"),
    ("C:/Windows/win.txt", "outside_folder"),
    ("\\\\server\\share\\x.txt", "outside_folder"),
    ("\\x.txt", "outside_folder"),
    ("~/x.txt", "invalid_path"),
    ("~root/x.txt", "invalid_path"),
    ("file:///etc/passwd.txt", "invalid_path"),
    # NUL, control and invisible characters, broken Unicode
    ("notes.md\x00.txt", "invalid_path"),
    ("\x00", "invalid_path"),
    ("a\nb.md", "invalid_path"),
    ("\u202etxt.md", "invalid_path"),
    ("\ud800.md", "invalid_path"),
    # empty and odd shapes
    ("", "invalid_path"),
    ("   ", "invalid_path"),
    ("a//b.md", "invalid_path"),
    ("notes.md/", "invalid_path"),
    (" notes.md", "invalid_path"),
    (None, "invalid_path"),
    (42, "invalid_path"),
    (["../x.txt"], "invalid_path"),
    # name rules
    (".env", "invalid_path"),
    (".git/config.txt", "invalid_path"),
    ("notes/.hidden.md", "invalid_path"),
    ("notes.md:stream.txt", "invalid_path"),
    ("a*?.md", "invalid_path"),
    ("x" * 121 + ".md", "invalid_path"),
    ("€" * 85 + ".md", "invalid_path"),
    ("a/b/c/d/e/x.md", "invalid_path"),
    ("x" * 5000, "invalid_path"),
    ("run.sh", "not_text"),
    ("notes", "not_text"),
    ("page.md.exe", "not_text"),
]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize(("path", "code"), PAYLOADS, ids=[repr(p)[:40] for p, _ in PAYLOADS])
async def test_a_hostile_path_is_refused_and_nothing_changes(home: Scene, op: str, path: object, code: str) -> None:
    before = snapshot(home.root)
    refused = await refusal(home.ctx(), op, **op_args(op, path))
    assert refused.code == code, refused.message
    assert snapshot(home.root) == before


@pytest.mark.parametrize("path", ["../x.txt", "/etc/passwd", "%2e%2e/x.txt", "\u2024\u2024/x.txt", "run.sh"])
async def test_a_refused_first_write_does_not_even_create_the_folder(scene: Scene, path: str) -> None:
    before = snapshot(scene.root)
    await refusal(scene.ctx(), "write_file", path=path, content="x")
    assert snapshot(scene.root) == before
    assert not scene.bot_dir.exists()


def plant_file_link(scene: Scene) -> tuple[str, str]:
    (scene.bot_dir / "link.txt").symlink_to(scene.outside)
    return "link.txt", "outside_folder"


def plant_relative_link(scene: Scene) -> tuple[str, str]:
    (scene.bot_dir / "theirs.md").symlink_to(Path("..", OTHER_ID, "notes.md"))
    return "theirs.md", "outside_folder"


def plant_dangling_link(scene: Scene) -> tuple[str, str]:
    (scene.bot_dir / "ghost.md").symlink_to(scene.root / "created-outside.md")
    return "ghost.md", "outside_folder"


def plant_folder_link(scene: Scene) -> tuple[str, str]:
    (scene.bot_dir / "other").symlink_to(scene.other_dir, target_is_directory=True)
    return "other/notes.md", "outside_folder"


def plant_parent_link(scene: Scene) -> tuple[str, str]:
    (scene.bot_dir / "up").symlink_to(scene.bots, target_is_directory=True)
    return f"up/{OTHER_ID}/notes.md", "outside_folder"


def plant_deep_folder_link(scene: Scene) -> tuple[str, str]:
    (scene.bot_dir / "real").mkdir()
    (scene.bot_dir / "real" / "deeper").symlink_to(scene.root, target_is_directory=True)
    return "real/deeper/outside.txt", "outside_folder"


def plant_hard_link(scene: Scene) -> tuple[str, str]:
    os.link(scene.outside, scene.bot_dir / "hard.txt")
    return "hard.txt", "outside_folder"


def plant_fifo(scene: Scene) -> tuple[str, str]:
    os.mkfifo(scene.bot_dir / "pipe.txt")
    return "pipe.txt", "invalid_path"


def plant_socket(scene: Scene) -> tuple[str, str]:
    os.mknod(scene.bot_dir / "sock.md", stat.S_IFSOCK | 0o600)
    return "sock.md", "invalid_path"


def plant_device(scene: Scene) -> tuple[str, str]:
    try:
        os.mknod(scene.bot_dir / "null.txt", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD")
    return "null.txt", "invalid_path"


def plant_folder_named_like_a_file(scene: Scene) -> tuple[str, str]:
    (scene.bot_dir / "old.md").mkdir()
    (scene.bot_dir / "old.md" / "keep.md").write_text("keep")
    return "old.md", "invalid_path"


PLANTS: list[Callable[[Scene], tuple[str, str]]] = [
    plant_file_link,
    plant_relative_link,
    plant_dangling_link,
    plant_folder_link,
    plant_parent_link,
    plant_deep_folder_link,
    plant_hard_link,
    plant_fifo,
    plant_socket,
    plant_device,
    plant_folder_named_like_a_file,
]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("plant", PLANTS, ids=[p.__name__.removeprefix("plant_") for p in PLANTS])
async def test_a_planted_link_or_special_file_is_refused_and_nothing_changes(
    home: Scene, op: str, plant: Callable[[Scene], tuple[str, str]]
) -> None:
    path, code = plant(home)
    before = snapshot(home.root)
    refused = await refusal(home.ctx(), op, **op_args(op, path))
    assert refused.code == code, refused.message
    assert snapshot(home.root) == before
    assert home.outside.read_text() == "outside the data folder"
    assert (home.other_dir / "notes.md").read_text() == "the other bot's notes"


async def test_the_listing_shows_no_links_and_nothing_behind_them(home: Scene) -> None:
    for plant in (plant_file_link, plant_folder_link, plant_parent_link, plant_deep_folder_link, plant_fifo):
        plant(home)
    listing = await call(home.ctx(), "list_files")
    assert [line.split("\t")[0] for line in listing.splitlines()[:-1]] == ["notes.md"]
    assert OTHER_ID not in listing and "outside" not in listing


async def test_a_bot_folder_that_is_itself_a_link_is_refused(scene: Scene) -> None:
    scene.bot_dir.symlink_to(scene.other_dir, target_is_directory=True)
    before = snapshot(scene.root)
    for op in OPS:
        assert (await refusal(scene.ctx(), op, **op_args(op, "notes.md"))).code == "outside_folder"
    assert snapshot(scene.root) == before


# -- what works -------------------------------------------------------------------------------------------


async def test_write_read_append_list_delete_round_trip(scene: Scene) -> None:
    ctx = scene.ctx()
    assert await call(ctx, "write_file", path="notes.md", content="Preis: 120 €\n") == "Wrote notes.md (15 bytes)."
    assert await call(ctx, "read_file", path="notes.md") == "Preis: 120 €\n"
    assert await call(ctx, "append_file", path="notes.md", content="neu\n") == (
        "Appended 4 bytes to notes.md (now 19 bytes)."
    )
    assert await call(ctx, "read_file", path="notes.md") == "Preis: 120 €\nneu\n"
    listing = await call(ctx, "list_files")
    line, summary = listing.splitlines()
    assert re.fullmatch(r"notes\.md\t19 bytes\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", line), line
    assert summary == "(1 files; 19 of 5,242,880 bytes and 1 of 200 files used)"
    assert await call(ctx, "delete_file", path="notes.md") == "Deleted notes.md."
    assert (await refusal(ctx, "read_file", path="notes.md")).code == "not_found"
    assert (await call(ctx, "list_files")).startswith("No files yet.")


async def test_the_folder_is_created_0700_on_the_first_write_and_not_before(scene: Scene) -> None:
    ctx = scene.ctx()
    assert await call(ctx, "list_files") == "No files yet."
    assert (await refusal(ctx, "read_file", path="notes.md")).code == "not_found"
    assert (await refusal(ctx, "delete_file", path="notes.md")).code == "not_found"
    assert not scene.bot_dir.exists()
    await call(ctx, "write_file", path="notes.md", content="first")
    assert stat.S_IMODE(scene.bot_dir.lstat().st_mode) == 0o700
    assert stat.S_IMODE((scene.bot_dir / "notes.md").lstat().st_mode) == 0o600


async def test_subfolders_are_made_private_and_removed_once_empty(home: Scene) -> None:
    ctx = home.ctx()
    await call(ctx, "write_file", path="Einkäufe/2025/März.csv", content="a;b\n")
    await call(ctx, "write_file", path="Einkäufe/liste.md", content="- Rad\n")
    assert stat.S_IMODE((home.bot_dir / "Einkäufe" / "2025").stat().st_mode) == 0o700
    assert await call(ctx, "read_file", path="Einkäufe/2025/März.csv") == "a;b\n"
    await call(ctx, "delete_file", path="Einkäufe/2025/März.csv")
    assert not (home.bot_dir / "Einkäufe" / "2025").exists()
    assert (home.bot_dir / "Einkäufe" / "liste.md").exists()
    await call(ctx, "delete_file", path="Einkäufe/liste.md")
    assert sorted(os.listdir(home.bot_dir)) == ["notes.md"]


async def test_four_subfolders_deep_is_the_limit(scene: Scene) -> None:
    await call(scene.ctx(), "write_file", path="a/b/c/d/deep.md", content="ok")
    assert (scene.bot_dir / "a/b/c/d/deep.md").read_text() == "ok"


async def test_a_write_replaces_the_file_atomically_and_leaves_no_temp_file(home: Scene) -> None:
    ctx = home.ctx()
    reader = os.open(home.bot_dir / "notes.md", os.O_RDONLY)
    try:
        await call(ctx, "write_file", path="notes.md", content="new text")
        assert os.read(reader, 100) == b"mine"  # the old file was never truncated, only replaced
    finally:
        os.close(reader)
    for n in range(5):
        await call(ctx, "append_file", path="notes.md", content=f" {n}")
    assert (home.bot_dir / "notes.md").read_text() == "new text 0 1 2 3 4"
    assert sorted(os.listdir(home.bot_dir)) == ["notes.md"]


async def test_a_write_over_a_non_text_file_replaces_it_but_append_refuses(home: Scene) -> None:
    (home.bot_dir / "data.csv").write_bytes(b"\xff\xfe\x00binary")
    ctx = home.ctx()
    assert (await refusal(ctx, "read_file", path="data.csv")).code == "not_text"
    assert (await refusal(ctx, "append_file", path="data.csv", content="x")).code == "not_text"
    (home.bot_dir / "latin1.txt").write_bytes("Grüße".encode("latin-1"))
    assert (await refusal(ctx, "read_file", path="latin1.txt")).code == "not_text"
    await call(ctx, "write_file", path="data.csv", content="a,b\n")
    assert (home.bot_dir / "data.csv").read_text() == "a,b\n"


@pytest.mark.parametrize("content", ["a\x00b", "\ud800", 7, None])
async def test_content_that_is_not_text_is_refused(home: Scene, content: object) -> None:
    before = snapshot(home.root)
    assert (await refusal(home.ctx(), "write_file", path="x.md", content=content)).code == "not_text"
    assert snapshot(home.root) == before


async def test_reading_cuts_long_text_with_a_marker(home: Scene) -> None:
    ctx = home.ctx(max_read_chars=10)
    await call(ctx, "write_file", path="long.md", content="x" * 25)
    assert await call(ctx, "read_file", path="long.md") == "x" * 10 + "\n[… cut after 10 characters of 25 bytes]"
    await call(ctx, "write_file", path="umlaut.md", content="ä" * 30)
    assert await call(ctx, "read_file", path="umlaut.md") == "ä" * 10 + "\n[… cut after 10 characters of 60 bytes]"
    await call(ctx, "write_file", path="short.md", content="ä" * 10)
    assert await call(ctx, "read_file", path="short.md") == "ä" * 10


async def test_the_default_read_limit_is_20000_characters(home: Scene) -> None:
    (home.bot_dir / "big.log").write_text("y" * 50_000)
    text = await call(home.ctx(), "read_file", path="big.log")
    assert text.startswith("y" * 20_000 + "\n[… cut after 20,000 characters of 50,000 bytes]")


async def test_a_file_over_the_size_limit_is_refused(scene: Scene) -> None:
    ctx = scene.ctx()
    assert (await refusal(ctx, "write_file", path="big.md", content="x" * (256 * 1024 + 1))).code == "too_large"
    assert not scene.bot_dir.exists()
    await call(ctx, "write_file", path="big.md", content="x" * (256 * 1024))
    small = scene.ctx(max_file_bytes=10)
    await call(small, "write_file", path="a.md", content="12345678")
    assert (await refusal(small, "append_file", path="a.md", content="xyz")).code == "too_large"
    assert (scene.bot_dir / "a.md").read_text() == "12345678"


@pytest.mark.parametrize("value", ["huge", True, -1, 0, 10**9 + 0.5])
async def test_an_unusable_option_keeps_the_default_limit(scene: Scene, value: object) -> None:
    ctx = scene.ctx(max_file_bytes=value)
    assert (await refusal(ctx, "write_file", path="a.md", content="x" * (256 * 1024 + 1))).code == "too_large"


async def test_the_folder_has_a_byte_limit(home: Scene) -> None:
    ctx = home.ctx(max_folder_bytes=104)  # notes.md already holds 4
    await call(ctx, "write_file", path="a.md", content="a" * 60)
    await call(ctx, "write_file", path="sub/b.md", content="b" * 40)
    refused = await refusal(ctx, "write_file", path="c.md", content="c")
    assert refused.code == "folder_full" and "104" in refused.message
    await call(ctx, "write_file", path="a.md", content="a" * 50)  # replacing frees what the old file held
    assert (await refusal(ctx, "append_file", path="sub/b.md", content="b" * 11)).code == "folder_full"
    await call(ctx, "append_file", path="sub/b.md", content="b" * 10)
    assert (await refusal(ctx, "write_file", path="new/c.md", content="c")).code == "folder_full"
    assert not (home.bot_dir / "new").exists()
    assert not (home.bot_dir / "c.md").exists()


async def test_the_folder_has_a_file_count_limit(home: Scene) -> None:
    ctx = home.ctx(max_files=3)
    await call(ctx, "write_file", path="a.md", content="a")
    await call(ctx, "write_file", path="b.md", content="b")
    assert (await refusal(ctx, "write_file", path="c.md", content="c")).code == "folder_full"
    assert (await refusal(ctx, "append_file", path="c.md", content="c")).code == "folder_full"
    await call(ctx, "write_file", path="a.md", content="again")
    await call(ctx, "delete_file", path="b.md")
    await call(ctx, "write_file", path="c.md", content="c")
    assert sorted(os.listdir(home.bot_dir)) == ["a.md", "c.md", "notes.md"]


async def test_hidden_files_count_toward_the_limits_but_are_not_listed(home: Scene) -> None:
    (home.bot_dir / ".cache.txt").write_text("z" * 100)
    ctx = home.ctx(max_folder_bytes=110)
    listing = await call(ctx, "list_files")
    assert ".cache" not in listing and "104 of 110 bytes and 2 of 200 files" in listing
    assert (await refusal(ctx, "write_file", path="a.md", content="a" * 7)).code == "folder_full"


async def test_a_folder_cannot_be_deleted(home: Scene) -> None:
    plant_folder_named_like_a_file(home)
    assert (await refusal(home.ctx(), "delete_file", path="old.md")).code == "invalid_path"
    assert (home.bot_dir / "old.md" / "keep.md").read_text() == "keep"


async def test_the_listing_gives_path_size_and_utc_time(home: Scene) -> None:
    ctx = home.ctx()
    await call(ctx, "write_file", path="shop/offers.csv", content="a,b\n")
    moment = 1741959000  # 2025-03-14 13:30:00 UTC
    for name in ("notes.md", "shop/offers.csv"):
        os.utime(home.bot_dir / name, (moment, moment))
    assert (await call(ctx, "list_files")).splitlines() == [
        "notes.md\t4 bytes\t2025-03-14T13:30:00Z",
        "shop/offers.csv\t4 bytes\t2025-03-14T13:30:00Z",
        "(2 files; 8 of 5,242,880 bytes and 2 of 200 files used)",
    ]


async def test_a_note_written_here_is_in_the_next_runs_context(scene: Scene) -> None:
    ctx = scene.ctx()
    await call(ctx, "write_file", path="notes.md", content="Letzter Preis: 120 €")
    await call(ctx, "write_file", path="archive/old.md", content="only on request")
    notes = read_notes(scene.bot_dir)
    assert [(note.name, note.text) for note in notes] == [("notes.md", "Letzter Preis: 120 €")]


async def test_every_note_suffix_of_the_context_loader_can_be_written(scene: Scene) -> None:
    ctx = scene.ctx()
    for suffix in sorted(TEXT_SUFFIXES):
        await call(ctx, "write_file", path=f"note{suffix.upper()}", content=suffix)
    assert sorted(note.text for note in read_notes(scene.bot_dir)) == sorted(TEXT_SUFFIXES)


def test_the_tool_offers_five_functions_with_strict_schemas() -> None:
    tool = registry.get("files")
    schemas = {f.name: f.parameters for f in tool.functions()}
    assert list(schemas) == ["list_files", "read_file", "write_file", "append_file", "delete_file"]
    for schema in schemas.values():
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        assert schema["required"] == list(schema["properties"])
    assert schemas["list_files"]["required"] == []
    assert schemas["write_file"]["required"] == schemas["append_file"]["required"] == ["path", "content"]
    assert schemas["read_file"]["required"] == schemas["delete_file"]["required"] == ["path"]
    assert tool.settings()["max_file_bytes"] == 256 * 1024
    assert tool.settings()["suffixes"] == sorted(TEXT_SUFFIXES)


async def test_a_write_cut_off_by_a_crash_leaves_nothing_that_counts(tmp_path: Path) -> None:
    """A temporary file of an interrupted write is not a note, not listed, not counted; an old one is removed."""
    import os
    import time

    context = ToolContext(bot_id="b1", bot_dir=tmp_path / "bots" / "b1")
    await call(context, "write_file", path="notes.md", content="hi")
    fresh, stale = context.bot_dir / ".oo-write-fresh.tmp", context.bot_dir / ".oo-write-stale.tmp"
    fresh.write_bytes(b"x" * 100)
    stale.write_bytes(b"x" * 100)
    old = time.time() - 7200
    os.utime(stale, (old, old))
    listed = await call(context, "list_files")
    assert ".oo-write" not in listed and "notes.md" in listed
    assert fresh.exists() and not stale.exists()
