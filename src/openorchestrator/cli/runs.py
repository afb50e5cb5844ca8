"""What `openorch run` and `openorch runs …` do: run a bot in this process, list runs, show one run."""

from __future__ import annotations

import asyncio
from contextlib import nullcontext
from typing import Any

import typer
from sqlalchemy import select

from openorchestrator.bots.service import find_bot
from openorchestrator.cli.table import Listing, local_time, money
from openorchestrator.db.models import Channel, Notification, Run
from openorchestrator.engine.states import Trigger
from openorchestrator.runs import service
from openorchestrator.runs.schemas import RunRead
from openorchestrator.runtime import Runtime


async def run_once(svc: Runtime, bot_ref: str, run_input: str | None, spinner: bool) -> Run:
    """Run a bot here (no server needed) with the same engine the server uses, and return the run that
    tells the result: the first attempt, or its retry after a transient failure. Bots in `on_complete`
    run too before this returns."""
    async with svc.sessionmaker() as session:
        bot = await find_bot(session, bot_ref)
    await svc.engine.start(recover=False)  # a server may own the other pending runs: leave them alone
    run = await svc.engine.create_run(bot.id, run_input, Trigger.MANUAL)
    status: Any = nullcontext()
    if spinner:
        from rich.console import Console

        status = Console(stderr=True).status(f"{bot.emoji} {bot.name} …")
    with status:
        while True:
            run = await _until_ended(svc, run.id)
            retry = await _retry_of(svc, run.id) if run.status == "failed" else None
            if retry is None:
                break
            now = svc.clock.now()
            seconds = max(0, round(((retry.not_before or now) - now).total_seconds()))
            typer.secho(f"{run.error_message} → retrying once in {seconds} s", err=True, fg=typer.colors.YELLOW)
            run = retry
        await svc.engine.queue.wait_idle()
    return run


async def _until_ended(svc: Runtime, run_id: str) -> Run:
    while True:
        run = await svc.engine.get_run(run_id)
        if run.status not in ("pending", "running"):
            return run
        await asyncio.sleep(0.05)


async def _retry_of(svc: Runtime, run_id: str) -> Run | None:
    async with svc.sessionmaker() as session:
        return await session.scalar(select(Run).where(Run.retry_of == run_id))


async def list_rows(svc: Runtime, bot_ref: str, limit: int) -> Listing:
    """A bot's runs as JSON (`--json`) and as table rows for people, newest first."""
    async with svc.sessionmaker() as session:
        bot = await find_bot(session, bot_ref)
        runs = [RunRead.model_validate(run) for run in await service.list_runs(session, bot.id, limit, None)]
    zone = svc.settings.current.timezone
    table = [
        {
            "when": local_time(run.created_at, zone),
            "status": run.status + (" ★" if run.is_new else ""),
            "trigger": run.trigger,
            "took": f"{run.duration_ms / 1000:.1f} s" if run.duration_ms is not None else "—",
            "tokens in/out": f"{run.tokens_in} / {run.tokens_out}" if run.tokens_in is not None else "—",
            "cost": money(run.cost_estimate, run.model is not None, svc.language),
            "note": (run.error_message or "")[:60],
            "id": run.id,
        }
        for run in runs
    ]
    return Listing([run.model_dump(mode="json") for run in runs], table)


async def show_run(svc: Runtime, run_id: str) -> dict[str, Any]:
    """One run with its tool calls and what was sent where (`--json`: all of it, as the API has it)."""
    run = RunRead.model_validate(await svc.engine.get_run(run_id))
    async with svc.sessionmaker() as session:
        rows = (
            await session.execute(
                select(Notification, Channel.name, Channel.type)
                .join(Channel, Notification.channel_id == Channel.id)
                .where(Notification.run_id == run_id)
                .order_by(Notification.created_at, Notification.id)
            )
        ).all()
    zone = svc.settings.current.timezone
    sent = [
        {
            "channel": f"{name} ({kind})",
            "status": row.status,
            "attempts": row.attempts,
            "sent_at": local_time(row.sent_at, zone) if row.sent_at else None,
            "error_message": row.error_message,
        }
        for row, name, kind in rows
    ]
    return {"run": run.model_dump(mode="json"), "notifications": sent}


def print_run(shown: dict[str, Any]) -> None:
    run = shown["run"]
    status = run["status"] + (f" — {run['error_message']}" if run.get("error_message") else "")
    typer.echo(f"{run['id']}  {status}")
    figures = []
    if run.get("duration_ms") is not None:
        figures.append(f"{run['duration_ms'] / 1000:.1f} s")
    if run.get("tokens_in") is not None:
        figures.append(f"{run['tokens_in']:,} / {run.get('tokens_out') or 0:,} tokens")
    if run.get("cost_estimate") is not None:
        figures.append(
            f"${run['cost_estimate']:.5f}" if run["cost_estimate"] < 0.01 else f"${run['cost_estimate']:.2f}"
        )
    if figures:
        typer.echo(" · ".join(figures))
    if run.get("output"):
        typer.echo("")
        typer.echo(run["output"])
    calls = [entry for entry in run.get("log") or [] if entry.get("tool") or entry.get("error") == "not_allowed"]
    if calls:
        typer.echo("")
        typer.echo("Tool calls:")
        for entry in calls:
            took = f", {entry['duration_ms']} ms" if "duration_ms" in entry else ""
            typer.echo(f"  {entry['message']} {entry.get('arguments', '')}{took}")
    if shown["notifications"]:
        typer.echo("")
        typer.echo("Sent:")
        for row in shown["notifications"]:
            when = f" at {row['sent_at']}" if row["sent_at"] else ""
            attempts = f", {row['attempts']} attempt{'s' if row['attempts'] != 1 else ''}" if row["attempts"] else ""
            error = f" — {row['error_message']}" if row["error_message"] else ""
            typer.echo(f"  {row['channel']}: {row['status']}{when}{attempts}{error}")
