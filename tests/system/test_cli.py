"""`openorch` as a user runs it: a subprocess, `OPENORCH_DATA_DIR` set, no server running.

The data (credentials, bots) is seeded in this process through the service layer; the provider is the local
fake. Output is captured, so stderr is not a TTY (no spinner).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import TEST_KEY
from tests.support.fake_openai import FakeOpenAI, insufficient_quota, rate_limited, text
from tests.system.system_support import (
    cli,
    cli_many,
    free_port,
    port_is_open,
    seed,
    subprocess_env,
    user_texts,
)

from openorchestrator import __version__

WRONG_KEY = "sk-wrong-5555aaaabbbbSECRETWRONG"


@pytest.fixture(scope="module")
def cli_fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_keys=[TEST_KEY]) as server:
        yield server


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, cli_fake: FakeOpenAI) -> tuple[Path, dict[str, str]]:
    """One seeded data dir per module; each test works on its own copy."""
    data_dir = tmp_path_factory.mktemp("cli-template") / "data"
    ids = seed(
        data_dir,
        credentials=[
            {"type": "openai", "api_key": TEST_KEY, "base_url": cli_fake.base_url},
            {
                "type": "openai",
                "name": "wrong",
                "api_key": WRONG_KEY,
                "base_url": cli_fake.base_url,
                "validate": False,
            },
        ],
        bots=[
            {"name": "Scout", "model": "openai:gpt-4.1-mini"},
            {"name": "Broken", "model": "wrong:gpt-4.1-nano"},
        ],
    )
    return data_dir, ids


@pytest.fixture
def seeded(template: tuple[Path, dict[str, str]], tmp_path: Path, cli_fake: FakeOpenAI) -> tuple[Path, dict[str, str]]:
    cli_fake.reset()
    data_dir = tmp_path / "data"
    shutil.copytree(template[0], data_dir)
    return data_dir, template[1]


def _one_friendly_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for secret in (TEST_KEY, WRONG_KEY):
        assert secret not in result.stderr + result.stdout
    return lines[0]


def _runs_in_db(data_dir: Path) -> list[tuple[str, str, str | None, str]]:
    with sqlite3.connect(data_dir / "openorchestrator.db") as conn:
        rows = conn.execute("SELECT bot_id, status, error_code, trigger FROM runs ORDER BY id").fetchall()
    return [tuple(row) for row in rows]


def test_help_and_version(tmp_path: Path) -> None:
    data_dir = tmp_path / "untouched"
    version, help_, bare = cli_many([["--version"], ["--help"], []], env=subprocess_env(data_dir), cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == __version__
    assert help_.returncode == 0, help_.stderr
    for command in ("serve", "run", "bots", "runs", "db"):
        assert command in help_.stdout
    assert "Usage" in bare.stdout + bare.stderr  # no arguments: the help, not a traceback
    assert "Traceback" not in bare.stderr
    assert not data_dir.exists()  # asking for help or the version writes nothing


def test_bots_list_as_table_and_json(seeded: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    data_dir, ids = seeded
    table, as_json = cli_many(
        [["bots", "list"], ["bots", "list", "--json"]], env=subprocess_env(data_dir), cwd=tmp_path
    )
    assert table.returncode == 0, table.stderr
    assert "Scout" in table.stdout and "Broken" in table.stdout
    assert "bot" in table.stdout and "model" in table.stdout and "last run" in table.stdout
    assert as_json.returncode == 0, as_json.stderr
    rows = json.loads(as_json.stdout)
    assert isinstance(rows, list)
    assert [(row["name"], row["id"]) for row in rows] == [("Scout", ids["Scout"]), ("Broken", ids["Broken"])]
    assert rows[0]["model"] == "openai:gpt-4.1-mini"
    assert rows[0]["last_run"] is None
    assert TEST_KEY not in as_json.stdout and WRONG_KEY not in as_json.stdout


def test_run_by_name_and_by_id_then_runs_list_newest_first(
    seeded: tuple[Path, dict[str, str]], tmp_path: Path, cli_fake: FakeOpenAI
) -> None:
    data_dir, ids = seeded
    env = subprocess_env(data_dir)
    cli_fake.script_for_model("gpt-4.1-mini", text("first answer"), text("second answer"))

    first = cli("run", "Scout", "--input", "hi", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == "first answer\n"
    assert first.stderr == ""  # no spinner (stderr is not a TTY), no noise
    second = cli("run", ids["Scout"], "-i", "again", env=env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout == "second answer\n"
    assert second.stderr == ""
    assert [user_texts(request.json) for request in cli_fake.chat_requests] == [["hi"], ["again"]]

    listed = cli("runs", "list", "scout", "--json", env=env, cwd=tmp_path)  # names match case-insensitively
    assert listed.returncode == 0, listed.stderr
    runs = json.loads(listed.stdout)
    assert [(run["input"], run["output"], run["status"]) for run in runs] == [
        ("again", "second answer", "completed"),
        ("hi", "first answer", "completed"),
    ]
    assert runs[0]["created_at"] > runs[1]["created_at"]
    assert {run["bot_id"] for run in runs} == {ids["Scout"]}


def test_failing_runs_end_in_one_friendly_line(
    seeded: tuple[Path, dict[str, str]], tmp_path: Path, cli_fake: FakeOpenAI
) -> None:
    data_dir, ids = seeded
    cli_fake.script_for_model("gpt-4.1-mini", insufficient_quota())
    invalid_key, no_credit, nobody = cli_many(
        [["run", "Broken"], ["run", "Scout", "--input", "x"], ["run", "nobody"]],
        env=subprocess_env(data_dir),
        cwd=tmp_path,
    )

    line = _one_friendly_line(invalid_key)  # the fake really refused the key with 401 invalid_api_key
    assert "Key ungültig" in line, line
    assert invalid_key.stdout == ""
    line = _one_friendly_line(no_credit)
    assert "Kein Guthaben" in line, line
    assert no_credit.stdout == ""
    line = _one_friendly_line(nobody)
    assert "nobody" in line, line

    # Both failures are stored; neither is transient, so no retry run waits anywhere.
    assert sorted(_runs_in_db(data_dir)) == sorted(
        [
            (ids["Broken"], "failed", "invalid_key", "manual"),
            (ids["Scout"], "failed", "quota_exhausted", "manual"),
        ]
    )


def test_a_transient_failure_is_retried_once_and_the_retry_tells_the_result(
    seeded: tuple[Path, dict[str, str]], tmp_path: Path, cli_fake: FakeOpenAI
) -> None:
    data_dir, ids = seeded
    cli_fake.script_for_model("gpt-4.1-mini", rate_limited(), "found it")
    env = subprocess_env(data_dir, OPENORCH_RETRY_DELAY_SECONDS="0.2")
    result = cli("run", "Scout", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "found it"
    assert "Rate-Limit" in result.stderr and "retrying once" in result.stderr, result.stderr
    runs = _runs_in_db(data_dir)
    assert runs[-2:] == [(ids["Scout"], "failed", "rate_limited", "manual"), (ids["Scout"], "completed", None, "retry")]


def test_a_transient_failure_twice_ends_in_one_friendly_line(
    seeded: tuple[Path, dict[str, str]], tmp_path: Path, cli_fake: FakeOpenAI
) -> None:
    data_dir, ids = seeded
    cli_fake.script_for_model("gpt-4.1-mini", rate_limited(), rate_limited())
    env = subprocess_env(data_dir, OPENORCH_RETRY_DELAY_SECONDS="0.2")
    result = cli("run", "Scout", env=env, cwd=tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    retry_line, final_line = result.stderr.strip().splitlines()
    assert "retrying once" in retry_line and "Rate-Limit" in final_line, result.stderr
    runs = _runs_in_db(data_dir)
    assert [run[1:] for run in runs[-2:]] == [("failed", "rate_limited", "manual"), ("failed", "rate_limited", "retry")]
    assert not [run for run in runs if run[1] in ("running", "pending")], runs


def test_db_upgrade_on_a_fresh_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh"
    env = subprocess_env(data_dir)
    first = cli("db", "upgrade", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "Database upgraded."
    assert (data_dir / "openorchestrator.db").is_file()
    again = cli("db", "upgrade", env=env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "Database is up to date."


def test_serve_on_all_interfaces_without_a_token_refuses(tmp_path: Path) -> None:
    port = free_port("0.0.0.0")
    data_dir = tmp_path / "data"
    # A server that started anyway would never end: the timeout fails the test (and kills it).
    result = cli(
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        str(port),
        env=subprocess_env(data_dir),
        cwd=tmp_path,
        timeout=30,
    )
    line = _one_friendly_line(result)
    assert "OPENORCH_ACCESS_TOKEN" in line, line
    assert "http://" not in result.stdout  # the start banner was never printed
    assert not port_is_open(port)


def test_runs_show_tells_output_and_what_was_sent(
    seeded: tuple[Path, dict[str, str]], tmp_path: Path, cli_fake: FakeOpenAI
) -> None:
    data_dir, _ids = seeded
    env = subprocess_env(data_dir)
    cli_fake.script_for_model("gpt-4.1-mini", text("3 neue Treffer"))
    assert cli("run", "Scout", env=env, cwd=tmp_path).returncode == 0
    run_id = json.loads(cli("runs", "list", "Scout", "--json", env=env, cwd=tmp_path).stdout)[0]["id"]

    shown = cli("runs", "show", run_id, env=env, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(f"{run_id}  completed") and "3 neue Treffer" in shown.stdout
    assert "Sent:\n  App (in_app): sent at " in shown.stdout
    as_json = json.loads(cli("runs", "show", run_id, "--json", env=env, cwd=tmp_path).stdout)
    assert as_json["run"]["output"] == "3 neue Treffer" and as_json["notifications"][0]["status"] == "sent"
    missing = cli("runs", "show", "no-such-run", env=env, cwd=tmp_path)
    assert "no-such-run" in _one_friendly_line(missing)
