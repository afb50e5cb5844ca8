"""How the CLI shows values to people."""

from __future__ import annotations

from openorchestrator.cli.table import money


def test_cli_costs_say_unknown_in_the_apps_language_and_nothing_when_no_model_answered() -> None:
    assert money(None, True, "de") == "unbekannt" and money(None, True, "en") == "unknown"
    assert money(None, False, "de") == "—"
    assert (money(0.000137, True, "de"), money(1.5, True, "en")) == ("$0.00014", "$1.50")
