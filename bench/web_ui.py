"""The web UI's budget (issue 12): initial JavaScript ≤ 200 KB gzipped; the dashboard with 200 bots and
100,000 runs interactive in ≤ 1 s locally; no console errors.

1. Bundle: the JavaScript `index.html` loads before anything else (its entry script and the chunks it
   preloads), gzipped at level 9 as a server would send it, against everything the build wrote.
2. Dashboard: `openorch serve` on a data dir seeded with `--bots` bots and `--runs` runs (spread over the
   bots, as SQL rows), Debian's Chromium through Playwright, a fresh page per load, median of `--loads`:
   - `GET /api/bots` as the browser's first data request takes it (server time, median of 20) against
     `GET /api/health` (the bare baseline: routing, guard, JSON);
   - navigation → DOMContentLoaded, → the first bot's name on screen, → every bot's name in the page
     (the "interactive" figure), and the main thread's long tasks (total blocking time) until then;
   - the same page with no bots (its empty state, until the link to the templates shows) as the baseline;
   - console errors seen on any load.

Needs the built UI (`make web`) and /usr/bin/chromium (`apt-get install chromium`).
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, header, verdict  # noqa: E402
from startup_memory import child_env, free_port, request  # noqa: E402

AIM_INITIAL_KB = 200.0
AIM_INTERACTIVE_S = 1.0
WEB_DIST = ROOT / "src" / "openorchestrator" / "web_dist"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# -- 1. the bundle ---------------------------------------------------------------------------------------
def gz_kb(path: Path) -> float:
    return len(gzip.compress(path.read_bytes(), 9)) / 1024


def bundle_report(dist: Path) -> float:
    html = (dist / "index.html").read_text()
    initial = re.findall(r'<script[^>]+src="/?([^"]+\.js)"', html)
    initial += re.findall(r'<link[^>]+rel="modulepreload"[^>]+href="/?([^"]+\.js)"', html)
    css = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="/?([^"]+\.css)"', html)
    every_js = sorted((dist / "assets").glob("*.js"))
    initial_kb = sum(gz_kb(dist / name) for name in initial)
    print(f"  initial JS (entry + preloaded chunks, {len(initial)} files): {initial_kb:7.1f} KB gzipped")
    print(f"  initial CSS ({len(css)} files):                             {sum(gz_kb(dist / n) for n in css):7.1f} KB")
    print(f"  all JS the build wrote ({len(every_js)} files):              {sum(gz_kb(p) for p in every_js):7.1f} KB")
    print(f"  aim: initial JS ≤ {AIM_INITIAL_KB:.0f} KB → {verdict(initial_kb, AIM_INITIAL_KB)}")
    return initial_kb


# -- 2. the dashboard ------------------------------------------------------------------------------------
def seed(data_dir: Path, bots: int, runs: int) -> None:
    """Migrated SQLite with `bots` bots and `runs` finished runs (newest spread over the last days)."""
    from sqlalchemy import create_engine, insert

    from openorchestrator.config import Config
    from openorchestrator.db.connection import sync_url
    from openorchestrator.db.migrate import upgrade
    from openorchestrator.db.models import Bot, Run

    config = Config(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    config.ensure_dirs()
    upgrade(config.db_url)
    engine = create_engine(sync_url(config.db_url))
    now = datetime.now(UTC)
    bot_rows = [
        {
            "id": f"01BENCHB0T{index:016d}",
            "name": f"Bench bot {index:03d}",
            "name_key": f"bench bot {index:03d}",
            "prompt": "Find new offers.",
            "model": "openai:gpt-4.1-mini",
            "schedule": "0 * * * *" if index % 2 else None,
            "created_at": now,
            "updated_at": now,
            "fired_until": now,
        }
        for index in range(1, bots + 1)
    ]
    per_bot = max(1, runs // max(bots, 1))
    with engine.begin() as conn:
        conn.execute(insert(Bot), bot_rows)
        batch: list[dict[str, Any]] = []
        for n in range(runs):
            bot = bot_rows[n % bots]
            at = now - timedelta(minutes=60 * (n // bots))
            failed = n % 7 == 0
            batch.append(
                {
                    "id": f"01BENCHRUN{runs - n:016d}",  # ids sort by creation time, as ULIDs do
                    "bot_id": bot["id"],
                    "status": "failed" if failed else "completed",
                    "trigger": "schedule",
                    "output": None if failed else f"{n % 4} neue Treffer:\n- Nike AM90, Gr. 44, 55 € (Berlin)",
                    "log": [],
                    "created_at": at,
                    "started_at": at,
                    "finished_at": at + timedelta(seconds=2),
                    "duration_ms": 2000,
                    "tokens_in": 180,
                    "tokens_out": 40,
                    "cost_estimate": 0.00014,
                    "error_code": "rate_limited" if failed else None,
                    "error_message": "Zu viele Anfragen — später erneut." if failed else None,
                    "is_new": None if failed else n % 3 == 0,
                    "attempt": 1,
                }
            )
            if len(batch) == 5_000:
                conn.execute(insert(Run), batch)
                batch.clear()
        if batch:
            conn.execute(insert(Run), batch)
    engine.dispose()
    print(f"  seeded {bots} bots and {runs:,} runs ({per_bot} per bot)")


class Served:
    def __init__(self, data_dir: Path, dist: Path) -> None:
        self.port = free_port()
        env = child_env(None) | {"OPENORCH_WEB_DIST_DIR": str(dist), "OPENORCH_SCHEDULER": "false"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "openorchestrator", "serve", "--port", str(self.port), "--data-dir", str(data_dir)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/api/health", timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("server did not start")
        status, _ = request(
            self.port,
            "POST",
            "/api/providers?validate=false",
            {"type": "openai", "api_key": "sk-bench-0123456789abcdef"},
        )
        assert status == 201, status

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def api_ms(port: int, path: str, n: int = 20) -> float:
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        status, _ = request(port, "GET", path, timeout=30)
        samples.append(time.perf_counter() - t0)
        assert status == 200, (path, status)
    return statistics.median(samples) * 1000


LONG_TASKS = """
window.__blocking = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__blocking += Math.max(0, entry.duration - 50);
}).observe({ type: "longtask", buffered: true });
"""


def page_loads(url: str, names: list[str], loads: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    dcl, first, every, blocking, errors = [], [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
            page = context.new_page()
            page.add_init_script(LONG_TASKS)
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            t0 = time.perf_counter()
            page.goto(url, wait_until="domcontentloaded")
            dcl.append(time.perf_counter() - t0)
            if names:
                page.wait_for_function("(n) => document.body.textContent.includes(n)", arg=names[0], timeout=30_000)
                first.append(time.perf_counter() - t0)
                page.wait_for_function(
                    "(names) => names.every((n) => document.body.textContent.includes(n))", arg=names, timeout=30_000
                )
            else:  # the empty dashboard: its invitation to the first bot (a link to the templates) is on screen
                page.wait_for_selector('main a[href="/templates"]', timeout=30_000)
                first.append(time.perf_counter() - t0)
            every.append(time.perf_counter() - t0)
            blocking.append(page.evaluate("window.__blocking") / 1000)
            context.close()
        browser.close()
    return {"dcl": dcl, "first": first, "every": every, "blocking": blocking, "errors": errors}


def report_loads(label: str, figures: dict[str, Any]) -> None:
    med = {key: statistics.median(values) * 1000 for key, values in figures.items() if key != "errors"}
    print(
        f"  {label:<34} DOMContentLoaded {med['dcl']:6.0f} ms · first bot {med['first']:6.0f} ms · "
        f"all bots {med['every']:6.0f} ms · blocking {med['blocking']:5.0f} ms"
    )


def main(args: argparse.Namespace) -> None:
    header("web UI: bundle and dashboard")
    dist = Path(args.dist)
    if not (dist / "index.html").exists():
        print(f"  no built UI in {dist}: run `make web` first")
        return
    bundle_report(dist)
    if not Path(CHROMIUM).exists():
        print(f"  {CHROMIUM} is missing (apt-get install chromium): dashboard figures skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        empty_dir, full_dir = Path(tmp) / "empty", Path(tmp) / "full"
        seed(full_dir, args.bots, args.runs)
        names = [f"Bench bot {index:03d}" for index in range(1, args.bots + 1)]
        full = Served(full_dir, dist)
        try:
            health, bots = api_ms(full.port, "/api/health"), api_ms(full.port, "/api/bots")
            print(f"  GET /api/health {health:6.1f} ms (bare) · GET /api/bots with {args.bots} bots {bots:6.1f} ms ")
            loaded = page_loads(full.url, names, args.loads)
        finally:
            full.stop()
        empty = Served(empty_dir, dist)
        try:
            baseline = page_loads(empty.url, [], args.loads)
        finally:
            empty.stop()
    report_loads("empty dashboard (baseline)", baseline)
    report_loads(f"{args.bots} bots, {args.runs:,} runs", loaded)
    interactive = statistics.median(loaded["every"])
    ratio = interactive / statistics.median(baseline["every"])
    print(f"  interactive {interactive * 1000:.0f} ms = {ratio:.2f}x the empty page")
    print(f"  aim: ≤ {AIM_INTERACTIVE_S:.1f} s → {verdict(interactive, AIM_INTERACTIVE_S)}")
    errors = loaded["errors"] + baseline["errors"]
    print(f"  console errors: {len(errors)}" + (f" (first: {errors[0][:200]})" if errors else ""))


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bots", type=int, default=200)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--dist", default=str(WEB_DIST))
    return parser.parse_args()


if __name__ == "__main__":
    main(parse())
