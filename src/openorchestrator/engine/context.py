"""What a bot sees in one run, kept lean: who it is, its last result, its notes, its task; the input.

System prompt (in the app's language), nothing else added:

    You are <name>. <description>
    Your last result (<time>):            ≤ 2,000 characters
    Your notes:                           text files of the bot's folder, newest first, within a token budget
    Your task:                            the bot's prompt

User message: the run's input, or the current time when there is none.
Token counts are estimates (`estimate_tokens`), made before the call; every cut is logged as a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from openorchestrator.core.i18n import Language
from openorchestrator.core.notes import TEXT_SUFFIXES

LAST_OUTPUT_CHARS = 2000
NOTES_TOKEN_BUDGET = 4000
MAX_NOTE_BYTES = 1_000_000

_TOKEN = re.compile(r"\w{1,4}|[^\w\s]", re.UNICODE)

_WORDS: dict[Language, dict[str, str]] = {
    "de": {
        "you_are": "Du bist {name}.",
        "last": "Dein letztes Ergebnis ({at}):",
        "notes": "Deine Notizen:",
        "task": "Deine Aufgabe:",
        "no_input": "Jetzt: {now}.",
        "cut": "[… gekürzt]",
    },
    "en": {
        "you_are": "You are {name}.",
        "last": "Your last result ({at}):",
        "notes": "Your notes:",
        "task": "Your task:",
        "no_input": "Now: {now}.",
        "cut": "[… shortened]",
    },
}


def estimate_tokens(text: str) -> int:
    """A BPE-like estimate (one token per word piece of ≤ 4 characters or per symbol), slightly high on purpose."""
    return len(_TOKEN.findall(text))


@dataclass
class Note:
    name: str
    text: str
    modified_at: float


@dataclass
class BotContext:
    system: str
    user: str
    log: list[dict[str, Any]] = field(default_factory=list)

    @property
    def tokens(self) -> int:
        return estimate_tokens(self.system) + estimate_tokens(self.user)


def read_notes(folder: Path) -> list[Note]:
    """The text files in a bot's folder (not in sub-folders, no symlinks), newest first."""
    notes: list[Note] = []
    try:
        entries = list(folder.iterdir())
    except FileNotFoundError:
        return notes
    for path in entries:
        if path.is_symlink() or not path.is_file() or path.suffix.lower() not in TEXT_SUFFIXES:
            continue
        stat = path.stat()
        if stat.st_size > MAX_NOTE_BYTES:
            continue
        data = path.read_bytes()
        if b"\x00" in data:
            continue
        notes.append(Note(path.name, data.decode("utf-8", errors="replace"), stat.st_mtime))
    notes.sort(key=lambda note: (-note.modified_at, note.name))
    return notes


def build_context(
    *,
    name: str,
    description: str,
    prompt: str,
    run_input: str | None,
    last_output: str | None,
    last_output_at: datetime | None,
    notes: list[Note],
    now_text: str,
    language: Language,
    notes_budget: int = NOTES_TOKEN_BUDGET,
) -> BotContext:
    words = _WORDS[language]
    log: list[dict[str, Any]] = []
    parts = [_identity(words, name, description)]
    if last_output:
        shown = last_output
        if len(shown) > LAST_OUTPUT_CHARS:
            shown = shown[:LAST_OUTPUT_CHARS] + " " + words["cut"]
            log.append(_warn(f"Last result shortened from {len(last_output)} to {LAST_OUTPUT_CHARS} characters."))
        at = last_output_at.strftime("%Y-%m-%d %H:%M %Z") if last_output_at else "?"
        parts.append(f"{words['last'].format(at=at)}\n{shown}")
    notes_text = _notes_section(notes, notes_budget, words["cut"], log)
    if notes_text:
        parts.append(f"{words['notes']}\n{notes_text}")
    parts.append(f"{words['task']}\n{prompt}")
    user = run_input if run_input else words["no_input"].format(now=now_text)
    context = BotContext(system="\n\n".join(parts), user=user, log=log)
    log.append(
        {
            "level": "info",
            "message": "Context assembled.",
            "tokens_estimate": context.tokens,
            "notes": len(notes),
            "has_last_result": bool(last_output),
            "has_input": bool(run_input),
        }
    )
    return context


def _identity(words: dict[str, str], name: str, description: str) -> str:
    line = words["you_are"].format(name=name)
    return f"{line} {description.strip()}" if description.strip() else line


def _notes_section(notes: list[Note], budget: int, cut_marker: str, log: list[dict[str, Any]]) -> str:
    blocks: list[str] = []
    left = budget
    skipped: list[str] = []
    for note in notes:
        block = f"### {note.name}\n{note.text.strip()}"
        cost = estimate_tokens(block)
        if cost <= left:
            blocks.append(block)
            left -= cost
        elif left > 50 and not skipped:
            marker = " " + cut_marker
            blocks.append(_cut_to_tokens(block, left - estimate_tokens(marker)) + marker)
            log.append(_warn(f"Note {note.name!r} shortened to fit the notes budget of {budget} tokens."))
            left = 0
        else:
            skipped.append(note.name)
    if skipped:
        log.append(_warn(f"{len(skipped)} older note(s) left out (budget {budget} tokens): {', '.join(skipped)}"))
    return "\n\n".join(blocks)


def _cut_to_tokens(text: str, tokens: int) -> str:
    matches = list(_TOKEN.finditer(text))
    if len(matches) <= tokens:
        return text
    return text[: matches[tokens].start()].rstrip()


def _warn(message: str) -> dict[str, Any]:
    return {"level": "warning", "message": message}
