"""Server start-up time and idle memory of `python -m openorchestrator serve` (a real subprocess).

Start-up: time from spawning the process to the first healthy `GET /api/health` (200), median of --starts
starts, for a fresh data dir (creates the DB, runs the Alembic migration) and for an existing one.
Children run with a private bytecode cache (PYTHONPYCACHEPREFIX=$TMPDIR/openorchestrator-bench-pycache,
kept between bench runs, warmed by one untimed start + run), as a pip-installed app has .pyc files. This
environment sets PYTHONDONTWRITEBYTECODE=1, so one start without any bytecode cache is reported too.

Memory: a server on an existing dir, 50 bots created over the API, VmRSS after --idle-seconds idle (from
/proc/<pid>/status; the start-up timings run meanwhile, the idle server uses no CPU), which provider modules
are imported while idle (SIGUSR1 probe, bench/_serve_probe.py), and RSS after the first run and after some
more (against the fake OpenAI, in this bench process).

    python bench/startup_memory.py [--starts 5] [--bots 50] [--idle-seconds 60] [--raw-starts 1]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from typing import Any  # noqa: E402

from _common import BENCH_KEY, MODEL, PYCACHE, fake_server, header, rss_kb, verdict  # noqa: E402

AIM_START_S = 1.0
AIM_IDLE_MB = 100.0
PROBE = Path(__file__).with_name("_serve_probe.py")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_env(pycache: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENORCH_")}
    env["OPENORCH_LOG_LEVEL"] = "WARNING"  # keep Alembic's INFO lines off the bench output
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def request(port: int, method: str, path: str, body: Any = None, timeout: float = 10.0) -> tuple[int, Any]:
    """Plain http.client (no proxy settings from the environment apply)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"content-type": "application/json"} if payload is not None else {}
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        return response.status, (json.loads(raw) if raw else None)
    finally:
        conn.close()


class Server:
    def __init__(self, data_dir: Path, pycache: Path | None, probe_file: Path | None = None) -> None:
        self.port = free_port()
        env = child_env(pycache)
        if probe_file is not None:
            env["BENCH_PROBE_FILE"] = str(probe_file)
            argv = [sys.executable, str(PROBE)]
        else:
            argv = [sys.executable, "-m", "openorchestrator"]
        self.probe_file = probe_file
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [*argv, "serve", "--port", str(self.port), "--data-dir", str(data_dir)],
            env=env,
            cwd=str(data_dir.parent),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def wait_healthy(self, timeout: float = 60.0) -> float:
        deadline = self.t0 + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                raise RuntimeError(f"server exited with {self.proc.returncode}: {err[-2000:]}")
            try:
                status, _ = request(self.port, "GET", "/api/health", timeout=2.0)
                if status == 200:
                    return time.perf_counter() - self.t0
            except OSError:
                pass
            time.sleep(0.005)
        raise RuntimeError(f"server not healthy after {timeout} s")

    def rss_mb(self) -> dict[str, float]:
        return {key: value / 1024 for key, value in rss_kb(self.proc.pid).items()}

    def probe(self) -> dict[str, Any]:
        assert self.probe_file is not None
        with contextlib.suppress(FileNotFoundError):
            self.probe_file.unlink()
        self.proc.send_signal(signal.SIGUSR1)
        deadline = time.perf_counter() + 5
        while time.perf_counter() < deadline:
            if self.probe_file.exists():
                return json.loads(self.probe_file.read_text())  # type: ignore[no-any-return]
            time.sleep(0.02)
        return {"modules": ["?"], "count": -1}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stderr:
            self.proc.stderr.close()


@contextlib.contextmanager
def running(data_dir: Path, pycache: Path | None, probe_file: Path | None = None) -> Iterator[Server]:
    server = Server(data_dir, pycache, probe_file)
    try:
        yield server
    finally:
        server.stop()


def timed_start(data_dir: Path, pycache: Path | None) -> tuple[float, float]:
    with running(data_dir, pycache) as server:
        seconds = server.wait_healthy()
        rss = server.rss_mb()["VmRSS"]
    return seconds, rss


def timed_command(argv: list[str], pycache: Path | None) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, env=child_env(pycache), check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def run_and_wait(port: int, bot_id: str, timeout: float = 60.0) -> dict[str, Any]:
    status, run = request(port, "POST", f"/api/bots/{bot_id}/runs", {"input": "Nike AM90"})
    if status != 202:
        raise RuntimeError(f"starting a run: {status} {run}")
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        _, run = request(port, "GET", f"/api/runs/{run['id']}")
        if run["status"] not in ("pending", "running"):
            return run  # type: ignore[no-any-return]
        time.sleep(0.01)
    raise RuntimeError("run did not finish")


def mb(value: float) -> str:
    return f"{value:6.1f} MB"


def main(args: argparse.Namespace) -> None:
    header("start-up time and idle memory of `python -m openorchestrator serve`")
    pycache = PYCACHE  # kept between bench runs
    with (
        tempfile.TemporaryDirectory(prefix="oo-bench-start-") as tmp_name,
        fake_server("inproc", api_keys=(BENCH_KEY,)) as fake,
    ):
        tmp = Path(tmp_name)
        dirs = {name: tmp / name / "data" for name in ("warm", "existing", "memory")}
        for path in dirs.values():
            path.parent.mkdir()

        # Untimed: fill the bytecode cache with all a start *and a run* import (as a pip install has).
        t0 = time.perf_counter()
        with running(dirs["warm"], pycache) as server:
            server.wait_healthy()
            bot_ids = setup_bots(server.port, fake.base_url, 1)
            run_and_wait(server.port, bot_ids[0])
        print(
            f"   warm-up (start + one run, fills the bytecode cache at {pycache}): "
            f"{time.perf_counter() - t0:.1f} s, not counted"
        )
        for name in ("existing", "memory"):
            argv = [sys.executable, "-m", "openorchestrator", "db", "upgrade", "--data-dir", str(dirs[name])]
            timed_command(argv, pycache)

        # The memory server starts now and stays idle while the start-up times are taken (it uses no CPU).
        with running(dirs["memory"], pycache, tmp / "probe.json") as server:
            server.wait_healthy()
            at_start = server.rss_mb()
            mods_start = server.probe()
            bot_ids = setup_bots(server.port, fake.base_url, args.bots)
            after_bots = server.rss_mb()
            idle_from = time.perf_counter()

            python_s = [timed_command([sys.executable, "-c", "pass"], pycache) for _ in range(args.starts)]
            imports = "import openorchestrator.cli.main, openorchestrator.app, uvicorn"
            import_s = [timed_command([sys.executable, "-c", imports], pycache) for _ in range(3)]
            fresh: list[tuple[float, float]] = []
            again: list[tuple[float, float]] = []
            for i in range(args.starts):  # alternate, so drift of the machine's load hits both alike
                fresh_dir = tmp / f"fresh-{i}" / "data"
                fresh_dir.parent.mkdir()
                fresh.append(timed_start(fresh_dir, pycache))
                again.append(timed_start(dirs["existing"], pycache))
            raw_existing = [timed_start(dirs["existing"], None)[0] for _ in range(args.raw_starts)]

            time.sleep(max(0.0, args.idle_seconds - (time.perf_counter() - idle_from)))
            idle_for = time.perf_counter() - idle_from
            idle = server.rss_mb()
            mods_idle = server.probe()
            first = run_and_wait(server.port, bot_ids[0])
            if first["status"] != "completed":
                raise RuntimeError(f"first run ended {first['status']}: {first.get('error_message')}")
            after_first = server.rss_mb()
            mods_run = server.probe()
            for i in range(args.more_runs):
                run_and_wait(server.port, bot_ids[(i + 1) % len(bot_ids)])
            after_more = server.rss_mb()

    def med(rows: list[tuple[float, float]], k: int) -> float:
        return statistics.median(row[k] for row in rows)

    print()
    print(f"start-up: spawn → first healthy GET /api/health (median of {args.starts}, bytecode cache warm)")
    for label, rows in (("fresh dir (new DB + migration)", fresh), ("existing dir", again)):
        p50 = med(rows, 0)
        times = ", ".join(f"{row[0] * 1000:.0f}" for row in rows)
        print(f"  {label:<32} p50 {p50 * 1000:6.0f} ms  [{times}]  aim ≤{AIM_START_S:g} s: {verdict(p50, AIM_START_S)}")
    print(f"  {'reference: python -c pass':<32} p50 {statistics.median(python_s) * 1000:6.0f} ms")
    print(
        f"  {'reference: import app modules':<32} p50 {statistics.median(import_s) * 1000:6.0f} ms"
        "   (python -c 'import openorchestrator.cli.main, openorchestrator.app, uvicorn')"
    )
    if raw_existing:
        print(
            f"  existing dir without any bytecode cache (how this env runs: PYTHONDONTWRITEBYTECODE=1): "
            f"{statistics.median(raw_existing) * 1000:.0f} ms"
        )
    print(
        f"  RSS at first healthy: fresh dir {med(fresh, 1):.1f} MB, existing dir {med(again, 1):.1f} MB "
        "(a fresh start keeps Alembic loaded)"
    )

    def mods(probe: dict[str, Any]) -> str:
        return ", ".join(probe["modules"]) or "none of the watched"

    print()
    print(f"memory: server on an existing dir, {args.bots} bots created over the API, then idle {idle_for:.0f} s")
    print(
        f"  {'RSS right after start':<32} {mb(at_start['VmRSS'])}   "
        f"(anon {at_start.get('RssAnon', 0):.1f}, "
        f"file-backed {at_start.get('RssFile', 0):.1f} MB)"
    )
    print(f"  {f'RSS after creating {args.bots} bots':<32} {mb(after_bots['VmRSS'])}")
    print(
        f"  {f'RSS idle after {idle_for:.0f} s':<32} {mb(idle['VmRSS'])}   "
        f"aim ≤{AIM_IDLE_MB:g} MB: {verdict(idle['VmRSS'], AIM_IDLE_MB)}"
    )
    print(
        f"  {'RSS after the first run':<32} {mb(after_first['VmRSS'])}   "
        f"(+{after_first['VmRSS'] - idle['VmRSS']:.1f} MB; the run took {first['duration_ms']} ms "
        "by its duration_ms)"
    )
    print(f"  {f'RSS after {args.more_runs + 1} runs':<32} {mb(after_more['VmRSS'])}")
    print(f"  {'peak RSS (VmHWM)':<32} {mb(after_more['VmHWM'])}")
    print(f"  imported at start:    {mods(mods_start)}  ({mods_start['count']} modules in sys.modules)")
    print(f"  imported while idle:  {mods(mods_idle)}  ({mods_idle['count']} modules)")
    print(f"  imported after a run: {mods(mods_run)}  ({mods_run['count']} modules)")
    lazy = not any(name in mods_idle["modules"] for name in ("pydantic_ai", "openai"))
    print(f"  pydantic_ai/openai imported while idle: {'no' if lazy else 'YES'}")
    print("  (the start-up timings ran while this server sat idle; an idle server uses no CPU)")


def setup_bots(port: int, base_url: str, count: int) -> list[str]:
    status, body = request(
        port, "POST", "/api/providers?validate=false", {"type": "openai", "api_key": BENCH_KEY, "base_url": base_url}
    )
    if status != 201:  # validate=false: the key check would import the openai SDK into the server
        raise RuntimeError(f"creating the credential: {status} {body}")
    bot_ids = []
    for i in range(count):
        status, bot = request(
            port,
            "POST",
            "/api/bots",
            {
                "name": f"Bot {i:03d}",
                "prompt": "Find new offers for sneakers.",
                "model": f"openai:{MODEL}",
                "description": "A bench bot.",
            },
        )
        if status != 201:
            raise RuntimeError(f"creating a bot: {status} {bot}")
        bot_ids.append(bot["id"])
    return bot_ids


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--starts", type=int, default=5, help="timed starts per kind (fresh, existing)")
    parser.add_argument("--raw-starts", type=int, default=1, help="starts on the existing dir without a bytecode cache")
    parser.add_argument("--bots", type=int, default=50)
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--more-runs", type=int, default=20, help="runs after the first one")
    return parser.parse_args()


if __name__ == "__main__":
    main(parse())
