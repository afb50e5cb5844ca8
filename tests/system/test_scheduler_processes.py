"""Exactly once across processes: two real servers on one database, 20 hourly bots with 3 missed fires each.

- seeded in this process: a credential (the local OpenAI fake), `jitter_seconds` 0, 20 bots on "0 * * * *",
  half `catch_up`, half `skip`; then, with sqlite3, every bot's `fired_until` three fires back;
- servers A and B start at the same time (scheduler lease 2 s): one is `leader` with 20 jobs, the other
  `standby` and names the leader;
- per bot exactly one record: a completed catch-up run, or one cancelled `missed` record; nothing twice;
- SIGKILL the leader: the standby takes over (lease expiry + a tick) and creates nothing new;
- the killed process comes back: `standby`.

The bots' time zone is picked so that the newest missed fire is far from both the 120 s grace and the next
fire (hourly fires in UTC, Asia/Kathmandu +05:45 and Asia/Kolkata +05:30 are 15 min apart): the expected
outcome is the same at any time of day.

A second test starts a server next to one that has a run in flight: the newcomer must leave that run alone.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from tests.conftest import TEST_KEY
from tests.support.fake_openai import FakeOpenAI, delay
from tests.system.system_support import ServerProcess, subprocess_env, wait_until_ended

BOTS = 20
LEASE_SECONDS = 2.0
ZONES = ("UTC", "Asia/Kathmandu", "Asia/Kolkata")
"""Zones whose local hours start at :00, :15 and :30 UTC (no daylight saving in any of them)."""
MISSED = 3
SLOW = 8.0
"""Seconds the provider takes in the second test: the second server's start-up happens while the run is on."""
DB_TIME = "%Y-%m-%d %H:%M:%S.%f"
"""How `UTCDateTime` stores a value in SQLite (SQLAlchemy's DateTime: naive UTC, always with microseconds)."""

INTERRUPTED = (
    "were marked failed/interrupted by the process that started next to the leader "
    "(its start-up crash recovery treats every `running` run in the database as stranded)"
)

T = TypeVar("T")


# -- helpers ---------------------------------------------------------------------------------------------------
def _poll(what: str, probe: Callable[[], T | None], timeout: float, interval: float = 0.1) -> T:
    """Call `probe` until it returns something other than None; fail after `timeout` s with `what`."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached after {timeout} s")
        time.sleep(interval)


def _last_fire(now: datetime) -> tuple[str, datetime]:
    """The zone whose last hourly fire is furthest from both the grace period and the next fire, and that fire."""
    best: tuple[timedelta, str, datetime] | None = None
    for zone in ZONES:
        fire = now.astimezone(ZoneInfo(zone)).replace(minute=0, second=0, microsecond=0).astimezone(UTC)
        margin = min(now - fire, fire + timedelta(hours=1) - now)
        if best is None or margin > best[0]:
            best = (margin, zone, fire)
    assert best is not None and best[0] >= timedelta(minutes=7), best
    return best[1], best[2]


def _seed(data_dir: Path, fake: FakeOpenAI, bots: list[dict[str, Any]]) -> dict[str, str]:
    """Credential, settings and bots through the service layer in this process; {bot name: bot id}."""
    from openorchestrator.bots import service as bot_service
    from openorchestrator.bots.schemas import BotCreate
    from openorchestrator.config import Config
    from openorchestrator.providers import service as provider_service
    from openorchestrator.providers.schemas import CredentialCreate
    from openorchestrator.runtime import open_runtime
    from openorchestrator.settings.schemas import AppSettingsUpdate

    async def main() -> dict[str, str]:
        svc = await open_runtime(Config(data_dir=data_dir, _env_file=None))  # type: ignore[call-arg]
        try:
            await svc.settings.update(AppSettingsUpdate(jitter_seconds=0))
            async with svc.sessionmaker() as session:
                await provider_service.create_credential(
                    session,
                    svc.box,
                    svc.clock,
                    CredentialCreate(type="openai", api_key=TEST_KEY, base_url=fake.base_url),
                    validate=True,
                    language=svc.language,
                )
                await session.commit()
            ids: dict[str, str] = {}
            async with svc.sessionmaker() as session:
                for fields in bots:
                    bot = await bot_service.create_bot(
                        session, svc.clock, BotCreate(**fields), svc.settings.current.timezone
                    )
                    ids[bot.name] = bot.id
                await session.commit()
            return ids
        finally:
            await svc.close()

    return asyncio.run(main())


def _db(data_dir: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(data_dir / "openorchestrator.db", timeout=10, isolation_level=None)
    connection.row_factory = sqlite3.Row
    return connection


def _runs(data_dir: Path) -> list[dict[str, Any]]:
    with _db(data_dir) as connection:
        rows = connection.execute(
            "SELECT id, bot_id, status, trigger, scheduled_for, error_code, log FROM runs ORDER BY bot_id, id"
        ).fetchall()
    connection.close()
    return [dict(row) for row in rows]


def _status(server: ServerProcess) -> dict[str, Any] | None:
    """The scheduler part of GET /api/status, or None if the process does not answer (yet)."""
    try:
        with server.client() as http:
            response = http.get("/api/status")
    except Exception:
        return None
    assert response.status_code == 200, response.text
    return response.json()["scheduler"]  # type: ignore[no-any-return]


def _roles(first: ServerProcess, second: ServerProcess) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(leader status, standby status) once exactly one process leads with every job and the other stands by."""
    statuses = [_status(first), _status(second)]
    if None in statuses:
        return None
    leaders = [s for s in statuses if s is not None and s["role"] == "leader" and s["jobs"] == BOTS]
    standbys = [s for s in statuses if s is not None and s["role"] == "standby"]
    if len(leaders) != 1 or len(standbys) != 1:
        return None
    return leaders[0], standbys[0]


def _pid_of(holder: str) -> int:
    """`host:pid:tag` → pid (the host name may hold no colon; the tag is hex)."""
    return int(holder.rsplit(":", 2)[1])


def _check_records(
    data_dir: Path, ids: dict[str, str], catch_up: set[str], newest: str, expect_done: bool
) -> list[dict[str, Any]]:
    """One record per bot for the newest missed fire, nothing else; returns the runs."""
    import json

    runs = _runs(data_dir)
    by_bot: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        by_bot.setdefault(run["bot_id"], []).append(run)
    keys = [(run["bot_id"], run["scheduled_for"]) for run in runs if run["trigger"] == "schedule"]
    assert len(keys) == len(set(keys)), f"a (bot, fire) pair has more than one run: {runs}"
    assert set(by_bot) == set(ids.values()), {name: len(by_bot.get(bot_id, [])) for name, bot_id in ids.items()}
    for name, bot_id in ids.items():
        records = by_bot[bot_id]
        assert len(records) == 1, (name, records)
        run = records[0]
        assert run["trigger"] == "schedule" and run["scheduled_for"] == newest, (name, run)
        entries = json.loads(run["log"] or "[]")
        misses = [entry for entry in entries if "missed_count" in entry]
        assert len(misses) == 1 and misses[0]["missed_count"] == MISSED, (name, entries)
        assert misses[0]["reason"] == "app_off", (name, misses)
        if name in catch_up:
            assert misses[0]["decision"] == "catch_up", (name, misses)
            # `failed`/`interrupted` is wrong too, but a different fault (see INTERRUPTED): asserted at the end
            allowed = ("completed",) if expect_done else ("pending", "running", "completed")
            if (run["status"], run["error_code"]) != ("failed", "interrupted"):
                assert run["status"] in allowed and run["error_code"] is None, (name, run)
        else:
            assert misses[0]["decision"] == "skip", (name, misses)
            assert (run["status"], run["error_code"]) == ("cancelled", "missed"), (name, run)
    return runs


# -- the tests ---------------------------------------------------------------------------------------------
def test_two_servers_on_one_database_fire_each_schedule_once(tmp_path: Path, fake: FakeOpenAI) -> None:
    data_dir = tmp_path / "data"
    now = datetime.now(UTC)
    zone, last_fire = _last_fire(now)
    catch_up = {f"Hourly {index:02d}" for index in range(0, BOTS, 2)}
    bots = [
        {
            "name": f"Hourly {index:02d}",
            "prompt": "Report.",
            "model": "openai:gpt-4.1-mini",
            "schedule": "0 * * * *",
            "timezone": zone,
            "missed_runs": "catch_up" if f"Hourly {index:02d}" in catch_up else "skip",
        }
        for index in range(BOTS)
    ]
    ids = _seed(data_dir, fake, bots)
    assert len(ids) == BOTS

    # -- handled up to three fires ago (written the way UTCDateTime writes it) ---------------------------------
    newest = last_fire.replace(tzinfo=None).strftime(DB_TIME)
    handled = (last_fire - timedelta(hours=MISSED)).replace(tzinfo=None).strftime(DB_TIME)
    with _db(data_dir) as connection:
        stored = [row[0] for row in connection.execute("SELECT fired_until FROM bots")]
        assert all(datetime.strptime(value, DB_TIME).strftime(DB_TIME) == value for value in stored), stored
        assert connection.execute("UPDATE bots SET fired_until = ?", (handled,)).rowcount == BOTS
        assert connection.execute("SELECT count(*) FROM runs").fetchone()[0] == 0
    connection.close()

    env = subprocess_env(data_dir, OPENORCH_SCHEDULER_LEASE_SECONDS=str(LEASE_SECONDS))
    first = ServerProcess(data_dir, tmp_path / "server-a.log", env=env)
    second = ServerProcess(data_dir, tmp_path / "server-b.log", env=env)
    again: ServerProcess | None = None
    started = time.monotonic()
    try:
        # -- A and B at the same time: one leads, the other stands by and says who leads -----------------------
        first.start()
        second.start()
        first.wait_ready()
        second.wait_ready()
        try:
            leader_status, standby_status = _poll(
                "one leader with 20 jobs, one standby", lambda: _roles(first, second), 15
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}; A: {_status(first)}; B: {_status(second)}") from None
        assert standby_status["jobs"] == 0, standby_status
        assert standby_status["holder"] == leader_status["holder"], (leader_status, standby_status)
        assert leader_status["holder"] in standby_status["message"], standby_status
        servers = {server.proc.pid: server for server in (first, second) if server.proc is not None}
        leader = servers[_pid_of(leader_status["holder"])]
        standby = second if leader is first else first

        # -- exactly one record per bot, for the newest missed fire --------------------------------------------
        catch_up_ids = [ids[name] for name in sorted(catch_up)]
        _check_records(data_dir, ids, catch_up, newest, expect_done=False)
        run_ids = [run["id"] for run in _runs(data_dir) if run["bot_id"] in catch_up_ids]
        with leader.client() as http:
            wait_until_ended(http, run_ids, timeout=30)
        before = _check_records(data_dir, ids, catch_up, newest, expect_done=True)
        assert len(fake.chat_requests) == len(catch_up), len(fake.chat_requests)  # each catch-up ran once
        with _db(data_dir) as connection:
            assert {row[0] for row in connection.execute("SELECT fired_until FROM bots")} == {newest}
        connection.close()

        # -- SIGKILL the leader: the lease runs out, the standby takes over and finds nothing due ---------------
        leader.crash()
        killed_at = time.monotonic()

        def took_over() -> dict[str, Any] | None:
            status = _status(standby)
            return status if status is not None and status["role"] == "leader" and status["jobs"] == BOTS else None

        try:
            status = _poll("the standby takes over", took_over, timeout=LEASE_SECONDS + 10)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; it says {_status(standby)}") from None
        takeover = time.monotonic() - killed_at
        assert status["holder"] is not None and _pid_of(status["holder"]) == standby.proc.pid, status  # type: ignore[union-attr]
        assert _runs(data_dir) == before, "the takeover created or changed runs"
        assert len(fake.chat_requests) == len(catch_up)

        # -- the killed process comes back: it stands by -------------------------------------------------------
        again = ServerProcess(data_dir, tmp_path / "server-again.log", env=env)
        again.start()
        again.wait_ready()
        status = _poll("the restarted process stands by", lambda: _status(again), 5)
        assert status["role"] == "standby" and status["jobs"] == 0, status
        assert status["holder"] == _status(standby)["holder"], status  # type: ignore[index]
        assert _status(standby)["role"] == "leader"  # type: ignore[index]
        assert _runs(data_dir) == before, "the restart created or changed runs"
        for server in (standby, again):
            assert "Traceback" not in server.log(), server.log()
        print(f"takeover after SIGKILL: {takeover:.2f} s; whole test {time.monotonic() - started:.1f} s")

        # -- every catch-up run ran to its end in the leader: the other process's start-up left them alone -------
        interrupted = [run["id"] for run in before if run["error_code"] == "interrupted"]
        assert not interrupted, f"{len(interrupted)} catch-up runs {INTERRUPTED}"
    finally:
        first.kill()
        second.kill()
        if again is not None:
            again.kill()


def test_a_second_server_does_not_interrupt_the_leaders_runs(tmp_path: Path, fake: FakeOpenAI) -> None:
    """A process started on a database another process serves must leave that process's running runs alone."""
    data_dir = tmp_path / "data"
    ids = _seed(data_dir, fake, [{"name": "Slow", "prompt": "Report.", "model": "openai:gpt-4.1-mini"}])
    env = subprocess_env(data_dir, OPENORCH_SCHEDULER_LEASE_SECONDS=str(LEASE_SECONDS))
    first = ServerProcess(data_dir, tmp_path / "server-a.log", env=env)
    second = ServerProcess(data_dir, tmp_path / "server-b.log", env=env)
    try:
        first.start()
        first.wait_ready()
        fake.set_default(delay(SLOW, "slow answer"))
        with first.client() as http:
            response = http.post(f"/api/bots/{ids['Slow']}/runs", json={"input": "go"})
            assert response.status_code == 202, response.text
            run_id = response.json()["id"]
            _poll("the run reaches the provider", lambda: True if fake.chat_requests else None, 15)
            asked = time.monotonic()
            assert http.get(f"/api/runs/{run_id}").json()["status"] == "running"
        second.start()
        second.wait_ready()
        assert (_status(second) or {}).get("role") == "standby"
        # precondition (not the product's fault if it fails: the machine is too slow for SLOW)
        assert time.monotonic() - asked < SLOW - 0.5, "the second server started only after the run had ended"
        with first.client() as http:
            run = wait_until_ended(http, [run_id], timeout=20)[run_id]
        assert (run["status"], run["error_code"], run["output"]) == ("completed", None, "slow answer"), run
        assert len(fake.chat_requests) == 1
    finally:
        first.kill()
        second.kill()
