"""How listings look in a terminal: JSON for scripts (`--json`), a table in plain words for people."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openorchestrator.core.i18n import Language


@dataclass
class Listing:
    json_rows: list[dict[str, Any]]
    table_rows: list[dict[str, str]]

    def show(self, as_json: bool) -> None:
        if as_json:
            print(json.dumps(self.json_rows, indent=2, default=str, ensure_ascii=False))
            return
        if not self.table_rows:
            print("Nothing yet.")
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(*self.table_rows[0])
        for row in self.table_rows:
            table.add_row(*row.values())
        Console().print(table)


def local_time(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def money(usd: float | None, answered: bool, language: Language) -> str:
    """Costs as people read them: "—" when no model answered, "unbekannt"/"unknown" when it has no price."""
    if usd is None:
        return ("unbekannt" if language == "de" else "unknown") if answered else "—"
    return f"${usd:.5f}" if usd < 0.01 else f"${usd:.2f}"
