"""Helpers for the system tests: the real `openorch` command and server as subprocesses.

Every subprocess gets a clean environment (no inherited `OPENORCH_*`, no proxy), its own data dir, and a
private byte-code cache (`PYTHONPYCACHEPREFIX`): the dev environment sets `PYTHONDONTWRITEBYTECODE=1`, so
without it every `openorch` process would compile pydantic-ai, openai, FastAPI … from source (seconds each).
The cache lives outside the repository and the venv and is validated against source mtimes as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx2

PYCACHE_DIR = Path(tempfile.gettempdir()) / f"openorch-system-tests-pycache-{os.getuid()}"
STARTUP_TIMEOUT = 30.0
"""Bound for a server to answer /api/health (a cold start compiles byte code; this machine may be busy)."""
CLI_TIMEOUT = 60.0

_PROXY_VARS = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def subprocess_env(data_dir: Path | None, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("OPENORCH_") and key.lower() not in _PROXY_VARS
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE_DIR)
    env["PYTHONUNBUFFERED"] = "1"
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost,::1"
    env["COLUMNS"] = "200"  # rich tables: wide enough that names are not cut
    env["TERM"] = "dumb"
    if data_dir is not None:
        env["OPENORCH_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def openorch_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "openorchestrator", *args]


def cli(*args: str, env: dict[str, str], cwd: Path, timeout: float = CLI_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """Run `openorch ARGS` to its end (bounded), stdin closed, output captured (not a TTY)."""
    return subprocess.run(
        openorch_cmd(*args),
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def cli_many(
    commands: Sequence[Sequence[str]],
    *,
    env: dict[str, str] | Sequence[dict[str, str]],
    cwd: Path,
    timeout: float = CLI_TIMEOUT,
) -> list[subprocess.CompletedProcess[str]]:
    """Run independent `openorch` commands at the same time (start-up dominates their cost).

    `env` is one environment for all, or one per command.
    """
    envs = [env] * len(commands) if isinstance(env, dict) else list(env)
    procs: list[subprocess.Popen[str]] = []
    results: list[subprocess.CompletedProcess[str]] = []
    deadline = time.monotonic() + timeout
    try:
        for args, command_env in zip(commands, envs, strict=True):
            procs.append(
                subprocess.Popen(
                    openorch_cmd(*args),
                    env=command_env,
                    cwd=cwd,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        for args, proc in zip(commands, procs, strict=True):
            out, err = proc.communicate(timeout=max(0.1, deadline - time.monotonic()))
            results.append(subprocess.CompletedProcess(list(args), proc.returncode, out, err))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=5)
    return results


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def http_client(port: int, token: str | None = None, timeout: float = 10.0) -> httpx2.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx2.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=timeout, trust_env=False)


class ServerProcess:
    """`openorch serve` in a subprocess; its stdout and stderr go to one log file."""

    def __init__(
        self,
        data_dir: Path,
        log_path: Path,
        *,
        host: str | None = None,
        port: int | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.log_path = log_path
        self.host = host
        self.port = port or free_port("0.0.0.0" if host == "0.0.0.0" else "127.0.0.1")
        self.env = env if env is not None else subprocess_env(data_dir)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        args = ["serve", "--port", str(self.port)]
        if self.host:
            args += ["--host", self.host]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                openorch_cmd(*args),
                env=self.env,
                cwd=self.data_dir.parent,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Poll GET /api/health until it answers 200 (bounded); fail early if the process died."""
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        with http_client(self.port, timeout=2.0) as http:
            while True:
                if self.proc.poll() is not None:
                    raise AssertionError(f"server exited with {self.proc.returncode}:\n{self.log()}")
                with contextlib.suppress(httpx2.TransportError):
                    if http.get("/api/health").status_code == 200:
                        return
                if time.monotonic() > deadline:
                    raise AssertionError(f"server not healthy after {timeout} s:\n{self.log()}")
                time.sleep(0.05)

    def client(self, token: str | None = None) -> httpx2.Client:
        return http_client(self.port, token)

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def crash(self) -> None:
        """SIGKILL: no shutdown code runs, as in a power cut or an OOM kill."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def kill(self) -> None:
        """Clean-up: make sure the process is gone (no-op if it never started or already ended)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


@contextlib.contextmanager
def running_server(data_dir: Path, log_path: Path, **kwargs: Any) -> Iterator[ServerProcess]:
    server = ServerProcess(data_dir, log_path, **kwargs)
    try:
        server.start()
        server.wait_ready()
        yield server
    finally:
        server.kill()


def wait_until_ended(http: httpx2.Client, run_ids: Sequence[str], timeout: float) -> dict[str, dict[str, Any]]:
    """Poll until every run has left pending/running; fail after `timeout` s with what is still open."""
    deadline = time.monotonic() + timeout
    while True:
        runs = {}
        for run_id in run_ids:
            response = http.get(f"/api/runs/{run_id}")
            assert response.status_code == 200, response.text
            runs[run_id] = response.json()
        open_runs = {rid: r["status"] for rid, r in runs.items() if r["status"] in ("pending", "running")}
        if not open_runs:
            return runs
        if time.monotonic() > deadline:
            raise AssertionError(f"runs still open after {timeout} s: {open_runs}")
        time.sleep(0.1)


def user_texts(request_json: Any) -> list[str]:
    """The user messages of a recorded chat completion request (string or content-part form)."""
    texts: list[str] = []
    for message in (request_json or {}).get("messages", []):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            texts.append(content)
        elif isinstance(content, list):
            texts.extend(part.get("text", "") for part in content if isinstance(part, dict))
    return texts


def seed(
    data_dir: Path,
    credentials: Sequence[dict[str, Any]],
    bots: Sequence[dict[str, Any]],
) -> dict[str, str]:
    """Fill a data dir in this process through the service layer; returns {bot name: bot id}.

    A credential dict is `CredentialCreate` fields plus `validate` (default True: checked against the fake).
    """
    from openorchestrator.bots import service as bot_service
    from openorchestrator.bots.schemas import BotCreate
    from openorchestrator.config import Config
    from openorchestrator.providers import service as provider_service
    from openorchestrator.providers.schemas import CredentialCreate
    from openorchestrator.runtime import open_runtime

    async def main() -> dict[str, str]:
        svc = await open_runtime(Config(data_dir=data_dir, _env_file=None))
        try:
            async with svc.sessionmaker() as session:
                for fields in credentials:
                    fields = dict(fields)
                    validate = fields.pop("validate", True)
                    await provider_service.create_credential(
                        session,
                        svc.box,
                        svc.clock,
                        CredentialCreate(**fields),
                        validate=validate,
                        language=svc.language,
                    )
                await session.commit()
            ids: dict[str, str] = {}
            async with svc.sessionmaker() as session:
                for fields in bots:
                    bot = await bot_service.create_bot(
                        session,
                        svc.clock,
                        BotCreate(**{"prompt": "Do the task.", **fields}),
                        svc.settings.current.timezone,
                    )
                    ids[bot.name] = bot.id
                await session.commit()
            return ids
        finally:
            await svc.close()

    return asyncio.run(main())
