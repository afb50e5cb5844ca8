"""The `openorch` command. Every failure a user can cause ends in one friendly line and a non-zero exit."""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from openorchestrator import __version__

app = typer.Typer(
    name="openorch",
    help="openOrchestrator: your own AI bots.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
bots_app = typer.Typer(help="List and manage bots.", no_args_is_help=True)
runs_app = typer.Typer(help="Look at runs.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
schedule_app = typer.Typer(help="Schedules: what a cron string means.", no_args_is_help=True)
app.add_typer(bots_app, name="bots")
app.add_typer(runs_app, name="runs")
app.add_typer(db_app, name="db")
app.add_typer(schedule_app, name="schedule")

T = TypeVar("T")
DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", envvar="OPENORCH_DATA_DIR", help="Where the database, key file and bot folders live."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def fail(message: str, code: int = 1) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def friendly(func: Callable[..., T]) -> Callable[..., T]:
    """Turn any error into one line on stderr and exit code 1 (never a traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        from openorchestrator.errors import AppError

        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except AppError as exc:
            fail(exc.message)
        except KeyboardInterrupt:
            fail("Stopped.", 130)
        except Exception as exc:  # noqa: BLE001 — the promise is: no traceback for users
            fail(f"Error: {exc}")
        raise AssertionError("unreachable")

    return wrapper


def _config(data_dir: Path | None, **overrides: Any) -> Any:
    from openorchestrator.config import Config

    values = {key: value for key, value in overrides.items() if value is not None}
    if data_dir is not None:
        values["data_dir"] = data_dir
    return Config(**values)


def _with_services(data_dir: Path | None, work: Callable[[Any], Awaitable[T]]) -> T:
    from openorchestrator.runtime import open_runtime

    async def main() -> T:
        runtime = await open_runtime(_config(data_dir))
        try:
            return await work(runtime)
        finally:
            await runtime.close()

    return asyncio.run(main())


def _version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False,
) -> None:
    """openOrchestrator: your own AI bots."""


@app.command()
@friendly
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8765).")] = None,
    data_dir: DataDir = None,
) -> None:
    """Start the server (API and web page) at http://127.0.0.1:8765."""
    config = _config(data_dir, host=host, port=port)
    if not config.is_loopback and not config.access_token:
        fail(f"Refusing to listen on {config.host} without an access token: set OPENORCH_ACCESS_TOKEN first.")
    import uvicorn

    from openorchestrator.app import create_app
    from openorchestrator.logs import setup_logging

    setup_logging(config.log_level)
    typer.echo(f"openOrchestrator {__version__} at http://{config.host}:{config.port}  (data: {config.data_dir})")
    web_app = create_app(config)
    server_config = uvicorn.Config(
        web_app,
        host=config.host,
        port=config.port,
        log_level="warning",
        log_config=None,  # keep our logging set-up: uvicorn's would reset the levels of quiet loggers
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,  # a stream that still does not end is cut after this
    )

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            # Open live streams (GET /api/live) never end by themselves, and uvicorn waits for them before it
            # stops the app: end them first.
            runtime = getattr(web_app.state, "runtime", None)
            if runtime is not None:
                runtime.live.close_soon()
            super().handle_exit(sig, frame)

    Server(server_config).run()


@app.command()
@friendly
def run(
    bot: Annotated[str, typer.Argument(help="The bot's name or id.")],
    input: Annotated[str | None, typer.Option("--input", "-i", help="Text given to the bot.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Run a bot once, right here, and print its result."""
    from openorchestrator.cli.runs import run_once

    run_result = _with_services(data_dir, lambda svc: run_once(svc, bot, input, sys.stderr.isatty()))
    if run_result.status != "completed":
        fail(f"{run_result.status}: {run_result.error_message or run_result.error_code}")
    typer.echo(run_result.output or "")


@bots_app.command("list")
@friendly
def bots_list(as_json: AsJson = False, data_dir: DataDir = None) -> None:
    """All bots with their last run."""
    from openorchestrator.cli.bots import list_rows

    _with_services(data_dir, list_rows).show(as_json)


@bots_app.command("schedule")
@friendly
def bots_schedule(
    bot: Annotated[str, typer.Argument(help="The bot's name or id.")],
    cron: Annotated[str | None, typer.Argument(help='5-field cron, e.g. "0 9 * * 1" (Mondays 09:00).')] = None,
    timezone: Annotated[str | None, typer.Option(help="IANA time zone, e.g. Europe/Berlin.")] = None,
    off: Annotated[bool, typer.Option("--off", help="Remove the schedule (manual runs only).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what the schedule means.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Give a bot a schedule (or remove it with --off) and show its next runs."""
    from openorchestrator.cli.bots import set_schedule

    if (cron is None) == (not off):
        fail('Give a schedule such as "0 9 * * 1", or --off to remove it.')
    name, shown = _with_services(data_dir, lambda svc: set_schedule(svc, bot, cron, timezone, dry_run))
    if shown is None:
        typer.echo(f"{name}: no schedule (manual runs only).")
        return
    verb = "would run" if dry_run else "runs"
    typer.echo(f"{name} {verb}: {shown.description} ({shown.timezone})")
    _print_times(shown.next_runs)


@schedule_app.command("preview")
@friendly
def schedule_preview(
    cron: Annotated[str, typer.Argument(help='5-field cron, e.g. "*/15 * * * *".')],
    timezone: Annotated[str | None, typer.Option(help="IANA time zone (default: the app's).")] = None,
    data_dir: DataDir = None,
) -> None:
    """What a schedule means and its next 5 times."""
    from openorchestrator.cli.bots import preview_only

    shown = _with_services(data_dir, lambda svc: preview_only(svc, cron, timezone))
    typer.echo(f"{shown.description} ({shown.timezone})")
    _print_times(shown.next_runs)


def _print_times(times: list[Any]) -> None:
    for moment in times:
        typer.echo(f"  {moment:%a %Y-%m-%d %H:%M %Z}")


@runs_app.command("list")
@friendly
def runs_list(
    bot: Annotated[str, typer.Argument(help="The bot's name or id.")],
    limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """A bot's runs, newest first."""
    from openorchestrator.cli.runs import list_rows

    _with_services(data_dir, lambda svc: list_rows(svc, bot, limit)).show(as_json)


@runs_app.command("show")
@friendly
def runs_show(
    run_id: Annotated[str, typer.Argument(help="The run's id (see `openorch runs list`).")],
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """One run: its output, its tool calls, and what was sent where."""
    import json

    from openorchestrator.cli.runs import print_run, show_run

    shown = _with_services(data_dir, lambda svc: show_run(svc, run_id))
    if as_json:
        typer.echo(json.dumps(shown, indent=2, ensure_ascii=False, default=str))
    else:
        print_run(shown)


@db_app.command("upgrade")
@friendly
def db_upgrade(data_dir: DataDir = None) -> None:
    """Apply database migrations (also done at every start)."""
    from openorchestrator.db.migrate import upgrade

    config = _config(data_dir)
    config.ensure_dirs()
    typer.echo("Database upgraded." if upgrade(config.db_url) else "Database is up to date.")


def main() -> None:
    app()
