"""Pure logic of the run engine, without a server: context building (engine/context.py), run-log redaction
(engine/runlog.py), the retry pause (engine/spawning.py retry_at), the output hash (engine/outcome.py) and run ids
(core/ids.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.engine.engine_support import write_file

from openorchestrator.core.ids import new_id
from openorchestrator.engine.context import (
    LAST_OUTPUT_CHARS,
    NOTES_TOKEN_BUDGET,
    Note,
    build_context,
    estimate_tokens,
    read_notes,
)
from openorchestrator.engine.outcome import output_hash
from openorchestrator.engine.runlog import RunLog
from openorchestrator.engine.spawning import retry_at

# -- context -------------------------------------------------------------------------------------------------


def test_read_notes_takes_text_files_newest_first_and_skips_the_rest(tmp_path: Path) -> None:
    write_file(tmp_path / "b.md", "b", age_seconds=100)
    write_file(tmp_path / "a.md", "a", age_seconds=100)  # same age as b.md: by name
    write_file(tmp_path / "new.TXT", "new", age_seconds=1)
    write_file(tmp_path / "old.json", '{"old": true}', age_seconds=1000)
    write_file(tmp_path / "latin1.txt", "caf\xe9".encode("latin-1"), age_seconds=500)
    write_file(tmp_path / "image.jpg", b"\xff\xd8\xff\xe0JFIF", age_seconds=1)
    write_file(tmp_path / "nul.md", b"text\x00more", age_seconds=1)
    write_file(tmp_path / "noext", "no suffix", age_seconds=1)
    (tmp_path / "folder.md").mkdir()
    (tmp_path / "link.txt").symlink_to(tmp_path / "b.md")
    (tmp_path / "dangling.md").symlink_to(tmp_path / "missing.md")

    notes = read_notes(tmp_path)
    assert [note.name for note in notes] == ["new.TXT", "a.md", "b.md", "latin1.txt", "old.json"]
    assert notes[3].text == "caf\ufffd"
    assert read_notes(tmp_path / "does-not-exist") == []


def _context(**overrides: object) -> tuple[str, str, list[dict[str, object]]]:
    values: dict[str, object] = {
        "name": "Scout",
        "description": "Watches prices.",
        "prompt": "Find offers.",
        "run_input": None,
        "last_output": None,
        "last_output_at": None,
        "notes": [],
        "now_text": "2026-03-01 09:30 CET",
        "language": "en",
    }
    values.update(overrides)
    context = build_context(**values)  # type: ignore[arg-type]
    return context.system, context.user, context.log


def test_build_context_in_english_with_everything() -> None:
    system, user, log = _context(
        run_input="Nike AM90",
        last_output="2 offers",
        last_output_at=datetime(2026, 2, 28, 18, 5, tzinfo=UTC),
        notes=[Note("todo.md", "  check Samba  \n", 2.0), Note("old.md", "AM90 was 120", 1.0)],
    )
    assert system == (
        "You are Scout. Watches prices.\n\n"
        "Your last result (2026-02-28 18:05 UTC):\n2 offers\n\n"
        "Your notes:\n### todo.md\ncheck Samba\n\n### old.md\nAM90 was 120\n\n"
        "Your task:\nFind offers."
    )
    assert user == "Nike AM90"
    assert [entry["message"] for entry in log] == ["Context assembled."]
    assert log[0]["tokens_estimate"] == estimate_tokens(system) + estimate_tokens(user)


def test_without_input_the_user_message_is_the_current_time() -> None:
    assert _context()[1] == "Now: 2026-03-01 09:30 CET."
    assert _context(run_input="")[1] == "Now: 2026-03-01 09:30 CET."
    assert _context(language="de")[1] == "Jetzt: 2026-03-01 09:30 CET."
    assert _context(description="   ")[0].startswith("You are Scout.\n\n")


def test_the_last_result_is_cut_only_beyond_2000_characters() -> None:
    exact = "x" * LAST_OUTPUT_CHARS
    system, _, log = _context(last_output=exact)
    assert exact + "\n" in system and "shortened" not in system
    assert [entry["level"] for entry in log] == ["info"]

    system, _, log = _context(last_output=exact + "Z")
    assert exact + " [… shortened]" in system and "Z" not in system
    assert log[0] == {"level": "warning", "message": "Last result shortened from 2001 to 2000 characters."}


def test_the_newest_note_is_cut_rather_than_dropped_when_it_alone_exceeds_the_budget() -> None:
    system, _, log = _context(notes=[Note("big.md", "word " * 5000, 2.0), Note("small.md", "tiny", 1.0)])
    notes = system.split("Your notes:\n", 1)[1].split("\n\nYour task:", 1)[0]
    assert notes.startswith("### big.md\nword word")
    assert notes.endswith(" [… shortened]")
    assert "tiny" not in system
    assert [entry["message"] for entry in log if entry["level"] == "warning"] == [
        "Note 'big.md' shortened to fit the notes budget of 4000 tokens.",
        "1 older note(s) left out (budget 4000 tokens): small.md",
    ]


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_cut_note_keeps_the_notes_within_the_budget(language: str) -> None:
    system, _, _ = _context(language=language, notes=[Note("big.md", "word " * 5000, 2.0)])
    headings = {"de": ("Deine Notizen:\n", "\n\nDeine Aufgabe:"), "en": ("Your notes:\n", "\n\nYour task:")}
    heading, task = headings[language]
    notes = system.split(heading, 1)[1].split(task, 1)[0]
    assert "[…" in notes
    assert NOTES_TOKEN_BUDGET - 5 <= estimate_tokens(notes) <= NOTES_TOKEN_BUDGET


def test_an_older_note_is_left_out_when_too_little_budget_is_left_to_cut_it() -> None:
    first = Note("first.md", "word " * 3960, 2.0)  # 3,960 + 5 header tokens: 35 left
    second = Note("second.md", "word " * 100, 1.0)
    system, _, log = _context(notes=[first, second])
    assert "second.md" not in system and "shortened" not in system
    assert [entry["message"] for entry in log if entry["level"] == "warning"] == [
        "1 older note(s) left out (budget 4000 tokens): second.md"
    ]


def test_estimate_tokens_counts_word_pieces_and_symbols() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcd abcd") == 2
    assert estimate_tokens("abcdefgh") == 2
    assert estimate_tokens("a, b!") == 4
    assert estimate_tokens("   \n\t ") == 0


# -- retry pause, output hash --------------------------------------------------------------------------------


def test_retry_at_waits_the_base_delay_or_longer_if_asked_but_never_beyond_the_cap() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert retry_at(now, 30, None, 3600) == now + timedelta(seconds=30)
    assert retry_at(now, 30, 5, 3600) == now + timedelta(seconds=30)  # never sooner than the base delay
    assert retry_at(now, 30, 120, 3600) == now + timedelta(seconds=120)
    assert retry_at(now, 30, 86400, 3600) == now + timedelta(seconds=3600)
    assert retry_at(now, 0.05, 2, 3600) == now + timedelta(seconds=2)


def test_output_hash_ignores_whitespace_only_changes() -> None:
    assert output_hash("a b\nc") == output_hash("  a\tb   c\r\n") == output_hash("a\u00a0b c")
    assert output_hash("a b c") != output_hash("a b d")
    assert output_hash("") == output_hash("   \n")


# -- run log -------------------------------------------------------------------------------------------------


class _FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 1, 1, tzinfo=UTC)

    async def sleep(self, seconds: float) -> None:  # pragma: no cover - not used here
        pass


def test_run_log_redacts_messages_and_string_details_but_not_short_secrets() -> None:
    log = RunLog(_FixedClock(), ("sk-live-abcdef123456", "abc", ""))
    log.error("bad key sk-live-abcdef123456 twice sk-live-abcdef123456", detail="sk-live-abcdef123456", status=401)
    log.extend([{"level": "warning", "message": "old sk-live-abcdef123456", "at": "x", "extra": "abc"}])
    assert log.entries == [
        {
            "at": "2026-01-01T00:00:00+00:00",
            "level": "error",
            "message": "bad key …3456 twice …3456",
            "detail": "…3456",
            "status": 401,
        },
        {"at": "x", "level": "warning", "message": "old …3456", "extra": "abc"},
    ]


# -- run ids -------------------------------------------------------------------------------------------------


def test_run_ids_sort_in_creation_order_even_within_one_millisecond() -> None:
    ids = [new_id() for _ in range(2000)]  # a few milliseconds' worth: many share one
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
