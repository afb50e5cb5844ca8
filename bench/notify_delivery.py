"""The notification path: what the outbox adds to a run's ending, how fast the dispatcher delivers, and what a
server with the dispatcher costs while idle.

Part 1 — outbox cost, in this process: real services on a real SQLite file in a temp dir, the zero-cost gateway
double, runs one at a time (create_run, then engine.queue.wait_idle()), alternating between a bot with no channel
links (its ending writes the one default in-app row) and a bot linked to a webhook, an e-mail and the in-app
channel (three rows). No dispatcher runs (the scheduler is not started), so nothing is sent. Per run:
finished − created (the DB figure; `finished_at` is stamped *before* the finishing transaction), wall clock
create_run → idle (includes that transaction), the `RunStore.finish` transaction and `outbox.plan_for_run`
inside it (both observed by wrapping them in this process), CPU time. Ratio linked / bare.

Part 2 — delivery, in this process: the same services with the scheduler on (`Runtime.start()`: lease, leader,
so the dispatcher loop runs), --burst-bots bots linked to a webhook (tests/support/webhook_receiver.py) and an
e-mail channel (tests/support/smtp_server.py, aiosmtpd with AUTH, security "none"); both receivers are threads
of this process and stamp each request/mail when it arrives. Latency = arrival − the run's `finished_at`.
  * one cold run (the first send imports httpx2 / aiosmtplib), then --singles runs one at a time;
  * a burst: --burst runs created back to back (runner.QUEUE_MAX_DEPTH raised in this process only), three at a
    time; latency p50/p99/max and deliveries/s until the last arrival. What the loop has not sent after
    --deadline seconds is sent by calling `dispatcher.pump()` by hand (reported, not counted as the loop's).
Where the time goes: each `Dispatcher._deliver` and `_send` is timed by wrapping them on this dispatcher.
Baselines in the same run, same bodies, same receivers, sequential (at most --baseline of each): httpx2 POSTs on
one keep-alive client; httpx2 POSTs with a new client each (as the webhook channel does) and the client's
construction alone; aiosmtplib.send of the same mails; keep-alive POSTs to the stock receiver. The webhook
receiver here turns Nagle's algorithm off on its connections (TCP_NODELAY): the stock one answers in two sends,
so every request waits ~40 ms for a delayed ACK, which would hide everything else.

Part 3 — idle `python -m openorchestrator serve` (a real subprocess) on a data dir with --idle-bots bots linked
to a webhook channel (never sent to: no runs) vs a server on an empty data dir (baseline; it runs the dispatcher
loop too), the same --idle-seconds window after 5 s settling: CPU %, wake-ups/s (voluntary context switches),
VmRSS. The server helpers come from scheduler_fires.py / startup_memory.py.

    python bench/notify_delivery.py [--runs 200] [--singles 20] [--burst 300] [--deadline 20] [--idle-seconds 20]
                                    [--quick]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import logging  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from _common import BENCH_KEY, BOT_INPUT, MODEL, ZeroGateway, header, open_bench, stats, timed  # noqa: E402
from scheduler_fires import idle_servers  # noqa: E402
from tests.support.smtp_server import ReceivedMail, SmtpServer  # noqa: E402
from tests.support.webhook_receiver import ReceivedRequest, Reply, WebhookReceiver, _Handler  # noqa: E402

UNUSED_URL = "http://127.0.0.1:9/v1"
"""The credential's base URL: never contacted (zero-cost gateway; no runs in part 3)."""
UNUSED_HOOK = "http://127.0.0.1:9/hook"
"""Part 1 and part 3 channels point here: nothing is sent in those parts."""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def pct_line(label: str, values: list[float], width: int = 46) -> str:
    if not values:
        return f"  {label:<{width}} (none)"
    s = stats(values)
    return f"  {label:<{width}} p50 {ms(s.p50)}  p99 {ms(s.p99)}  max {ms(s.max)}  (n={s.n})"


# -- receivers that stamp arrivals -------------------------------------------------------------------------
class _NoDelayHandler(_Handler):
    disable_nagle_algorithm = True
    """The stock handler writes the headers and the body in two sends: with Nagle's algorithm on, the body waits
    for the client's delayed ACK, ~40 ms on every request (shown as a baseline of its own)."""


class StampedHook(WebhookReceiver):
    """Records when each delivery (by `webhook-id`) first arrived, on this machine's wall clock."""

    def __init__(self, *, nodelay: bool = True) -> None:
        super().__init__(default=Reply(200))
        self.arrived: dict[str, float] = {}
        self.nodelay = nodelay

    def start(self) -> StampedHook:
        super().start()
        if self.nodelay and self._server is not None:  # no request yet: swapping the handler class is safe
            self._server.RequestHandlerClass = _NoDelayHandler
        return self

    def _take(self, request: ReceivedRequest) -> Reply:
        self.arrived.setdefault(request.headers.get("webhook-id", ""), time.time())
        return super()._take(request)


class StampedSmtp(SmtpServer):
    """Records when each mail (by the local part of its Message-ID: the delivery id) was accepted."""

    def __init__(self) -> None:
        super().__init__(security="none")
        self.arrived: dict[str, float] = {}

    def _record(self, mail: ReceivedMail) -> None:
        self.arrived.setdefault(str(mail.mail["Message-ID"]).strip("<>").split("@")[0], time.time())
        super()._record(mail)


# -- setting up bots and channels ----------------------------------------------------------------------------
async def new_bot(svc: Any, name: str) -> str:
    from openorchestrator.bots import service as bots
    from openorchestrator.bots.schemas import BotCreate

    body = BotCreate(name=name, prompt="Find new offers for sneakers.", model=f"openai:{MODEL}")
    async with svc.sessionmaker() as session:
        bot = await bots.create_bot(session, svc.clock, body, svc.settings.current.timezone)
        await session.commit()
    return str(bot.id)


async def new_channels(svc: Any, configs: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Channels by type ({"webhook": config, ...}), created as the API does; their ids."""
    from openorchestrator.channels import service as channels

    ids: dict[str, str] = {}
    async with svc.sessionmaker() as session:
        for type_name, config in configs.items():
            channel = await channels.create_channel(session, svc.box, svc.clock.now(), type_name, type_name, config)
            ids[type_name] = channel.id
        await session.commit()
    return ids


async def link(svc: Any, bot_id: str, channel_ids: list[str]) -> None:
    from openorchestrator.channels import service as channels

    async with svc.sessionmaker() as session:
        body = [{"channel_id": channel_id, "notify_rule": "always"} for channel_id in channel_ids]
        await channels.set_bot_links(session, bot_id, body)
        await session.commit()


async def row_counts(svc: Any) -> Counter[str]:
    """Notification rows per bot id."""
    from sqlalchemy import func, select

    from openorchestrator.db.models import Notification

    async with svc.sessionmaker() as session:
        rows = await session.execute(select(Notification.bot_id, func.count()).group_by(Notification.bot_id))
        return Counter({bot_id: count for bot_id, count in rows.all()})


# -- part 1: the outbox on the finishing transaction ---------------------------------------------------------
class Observed:
    """Wraps `store.finish` and the outbox hook's `plan_for_run` in this process to time them (no product change)."""

    def __init__(self, engine: Any) -> None:
        from openorchestrator.notifications import outbox

        self.finish: list[float] = []
        self.plan: list[float] = []
        store_finish, plan = engine.store.finish, outbox.plan_for_run

        async def timed_finish(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return await store_finish(*args, **kwargs)
            finally:
                self.finish.append(time.perf_counter() - t0)

        def timed_plan(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return plan(*args, **kwargs)
            finally:
                self.plan.append(time.perf_counter() - t0)

        engine.store.finish = timed_finish
        outbox.plan_for_run = timed_plan


async def timed_run(engine: Any, bot_id: str, seen: Observed) -> dict[str, float]:
    c0, t0 = time.process_time(), time.perf_counter()
    run = await engine.create_run(bot_id, BOT_INPUT)
    await engine.queue.wait_idle()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    row = await engine.get_run(run.id)
    if row.status != "completed":
        raise RuntimeError(f"run {row.id} ended {row.status}: {row.error_code} {row.error_message}")
    db = (row.finished_at - row.created_at).total_seconds()
    return {"db": db, "wall": wall, "cpu": cpu, "finish": seen.finish[-1], "plan": seen.plan[-1]}


async def outbox_cost(args: argparse.Namespace) -> dict[str, Any]:
    smtp = {"smtp_host": "127.0.0.1", "smtp_port": 9, "security": "none", "from": "bot@example.com", "to": "me@x.org"}
    async with open_bench(UNUSED_URL, gateway=ZeroGateway()) as bench:
        svc = bench.svc
        ids = await new_channels(svc, {"webhook": {"url": UNUSED_HOOK}, "email": smtp})
        linked = await new_bot(svc, "Linked")
        await link(svc, linked, [ids["webhook"], ids["email"], "in_app"])
        seen = Observed(svc.engine)
        kinds = {"bare": bench.bot_id, "linked": linked}
        res: dict[str, list[dict[str, float]]] = {"bare": [], "linked": []}
        for i in range(args.warmup + args.runs):
            order = ("bare", "linked") if i % 2 == 0 else ("linked", "bare")
            for kind in order:
                row = await timed_run(svc.engine, kinds[kind], seen)
                if i >= args.warmup:
                    res[kind].append(row)
        counts = await row_counts(svc)
    total = args.warmup + args.runs
    return {"res": res, "rows": {kind: counts[bot_id] / total for kind, bot_id in kinds.items()}}


def report_part1(args: argparse.Namespace, r: dict[str, Any]) -> None:
    res = r["res"]
    print()
    print(
        f"part 1: outbox on the finishing transaction — {args.runs} runs per kind after {args.warmup} warm-up, "
        f"alternating, zero-cost gateway, SQLite file, no dispatcher running"
    )
    print(
        f"  notification rows per run: bare {r['rows']['bare']:.1f} (the default in-app row), "
        f"linked {r['rows']['linked']:.1f} (webhook, e-mail, in-app)"
    )
    print(f"  {'':<38} {'bare p50':>10} {'p99':>9} {'linked p50':>11} {'p99':>9} {'ratio p50':>10} {'Δ p50':>9}")
    for label, key in (
        ("finished − created (DB figure)", "db"),
        ("wall, create_run → idle", "wall"),
        ("RunStore.finish transaction", "finish"),
        ("  of it: outbox.plan_for_run", "plan"),
        ("CPU time per run (all threads)", "cpu"),
    ):
        bare, linked = stats([x[key] for x in res["bare"]]), stats([x[key] for x in res["linked"]])
        print(
            f"  {label:<38} {bare.p50 * 1000:8.2f}ms {bare.p99 * 1000:7.2f}ms {linked.p50 * 1000:9.2f}ms "
            f"{linked.p99 * 1000:7.2f}ms {linked.p50 / bare.p50:9.2f}x {(linked.p50 - bare.p50) * 1000:+7.2f}ms"
        )
    print("  (finished_at is stamped before the finishing transaction: the outbox shows in wall, not in the DB figure)")


# -- part 2: delivery ----------------------------------------------------------------------------------------
class Timing:
    """Wraps `_deliver` and `_send` on one dispatcher object (the loop calls them through `self`)."""

    def __init__(self, dispatcher: Any) -> None:
        self.deliver: list[tuple[str, float]] = []
        self.send: list[tuple[str, float]] = []
        self._last_type = "?"
        deliver, send = dispatcher._deliver, dispatcher._send

        async def timed_send(channel: Any, message: Any) -> Any:
            self._last_type = channel.type
            t0 = time.perf_counter()
            try:
                return await send(channel, message)
            finally:
                self.send.append((channel.type, time.perf_counter() - t0))

        async def timed_deliver(notification_id: str) -> int:
            self._last_type = "?"
            t0 = time.perf_counter()
            try:
                return int(await deliver(notification_id))
            finally:
                self.deliver.append((self._last_type, time.perf_counter() - t0))

        dispatcher._send = timed_send
        dispatcher._deliver = timed_deliver


async def wait_until(done: Callable[[], bool], within: float) -> bool:
    """Poll `done` every millisecond for at most `within` seconds."""
    deadline = time.perf_counter() + within
    while not done():
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(0.001)
    return True


async def deliveries(svc: Any) -> dict[str, tuple[str, str, float]]:
    """Sent rows (not in-app): notification id → (channel type, run id, the run's finished_at as epoch)."""
    from sqlalchemy import select

    from openorchestrator.db.models import Channel, Notification, Run

    query = (
        select(Notification.id, Channel.type, Run.id, Run.finished_at)
        .join(Channel, Notification.channel_id == Channel.id)
        .join(Run, Notification.run_id == Run.id)
        .where(Channel.type != "in_app")
    )
    async with svc.sessionmaker() as session:
        rows = (await session.execute(query)).all()
    return {row[0]: (row[1], row[2], row[3].timestamp()) for row in rows}


def latencies(rows: dict[str, tuple[str, str, float]], run_ids: set[str], arrived: dict[str, float]) -> list[float]:
    return [arrived[nid] - rows[nid][2] for nid in rows if rows[nid][1] in run_ids and nid in arrived]


async def delivery(args: argparse.Namespace) -> dict[str, Any]:
    from openorchestrator.engine import runner

    out: dict[str, Any] = {}
    with StampedHook() as hook, StampedSmtp() as smtp:
        async with open_bench(UNUSED_URL, gateway=ZeroGateway(), start_engine=False) as bench:
            svc = bench.svc
            ids = await new_channels(svc, {"webhook": {"url": hook.url()}, "email": smtp.channel_config()})
            bots = [await new_bot(svc, f"Burst {i:02d}") for i in range(args.burst_bots)]
            for bot_id in bots:
                await link(svc, bot_id, [ids["webhook"], ids["email"]])
            await svc.start()
            out["role"], out["loop"] = svc.scheduler.status()["role"], svc.dispatcher._task is not None
            timing = Timing(svc.dispatcher)
            arrived = lambda: len(hook.arrived) + len(smtp.arrived)  # noqa: E731

            async def one(bot_id: str) -> str:
                expect = arrived() + 2
                run = await svc.engine.create_run(bot_id, BOT_INPUT)
                if not await wait_until(lambda: arrived() >= expect, 30.0):
                    raise RuntimeError("a single run's notifications did not arrive within 30 s")
                return str(run.id)

            cold = {await one(bots[0])}
            singles = {await one(bots[i % len(bots)]) for i in range(args.singles)}
            n_single = len(timing.deliver)

            runner.QUEUE_MAX_DEPTH = max(runner.QUEUE_MAX_DEPTH, args.burst * 2)
            expect = arrived() + 2 * args.burst
            t_burst = time.time()
            burst = {str((await svc.engine.create_run(bots[i % len(bots)], BOT_INPUT)).id) for i in range(args.burst)}
            out["submit_s"] = time.time() - t_burst
            await svc.engine.queue.wait_idle()
            out["runs_done_at"] = time.time()
            out["loop_complete"] = await wait_until(lambda: arrived() >= expect, args.deadline)
            out["loop_count"] = arrived() - (expect - 2 * args.burst)
            out["deadline_at"] = time.time()
            out["n_loop"] = len(timing.deliver)
            await svc.dispatcher.stop()  # the rest by hand, one pass after the other (no second pass meanwhile)
            by_hand_t0 = time.perf_counter()
            while arrived() < expect and time.perf_counter() - by_hand_t0 < 60:
                await svc.dispatcher.pump()
            out["by_hand_s"] = time.perf_counter() - by_hand_t0
            out["idle_pass"] = await idle_pass(svc.dispatcher, 50)
            rows = await deliveries(svc)
            stamps = {**hook.arrived, **smtp.arrived}
            out["burst_arrivals"] = sorted(stamps[nid] for nid in rows if rows[nid][1] in burst and nid in stamps)
            out["burst_first_finished"] = min(rows[nid][2] for nid in rows if rows[nid][1] in burst)
            out["burst_last_finished"] = max(rows[nid][2] for nid in rows if rows[nid][1] in burst)
            by_loop = {nid: at for nid, at in stamps.items() if at <= out["deadline_at"]}
            for name, run_ids in (("cold", cold), ("singles", singles), ("burst", burst)):
                out[name] = {
                    kind: latencies({k: v for k, v in rows.items() if v[0] == kind}, run_ids, by_loop)
                    for kind in ("webhook", "email")
                }
            out["burst_loop_arrivals"] = [t for t in out["burst_arrivals"] if t <= out["deadline_at"]]
            out["deliver"], out["send"], out["n_single"] = timing.deliver, timing.send, n_single
        out["baseline"] = await baselines(hook, smtp, args.baseline)
    with StampedHook(nodelay=False) as stock:
        out["baseline"]["stock"] = await bare_posts(stock, [r.body for r in hook.requests[: args.singles]], fresh=False)
    return out


async def idle_pass(dispatcher: Any, count: int) -> dict[str, float]:
    """One dispatcher pass with nothing to send (what the loop does every `interval` seconds)."""
    walls, cpus = [], []
    for _ in range(count):
        c0, t0 = time.process_time(), time.perf_counter()
        await dispatcher.pump()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "interval": dispatcher.interval}


async def baselines(hook: StampedHook, smtp: StampedSmtp, limit: int) -> dict[str, list[float]]:
    """Sequential bare sends of the bodies the receivers got (at most `limit` of each), to the same receivers."""
    import aiosmtplib

    bodies = [r.body for r in hook.requests[-limit:]]
    out = {
        "keepalive": await bare_posts(hook, bodies, fresh=False),
        "fresh": await bare_posts(hook, bodies, fresh=True),
    }
    out["client"] = await client_only(min(len(bodies), 50))
    out["smtp"] = []  # a new connection, EHLO and AUTH per mail, as the e-mail channel does
    for raw in [m.raw for m in smtp.messages[-limit:]]:
        t0 = time.perf_counter()
        await aiosmtplib.send(
            raw,
            sender="bot@example.com",
            recipients=["me@example.org"],
            hostname=smtp.host,
            port=smtp.port,
            username=smtp.user,
            password=smtp.password,
            timeout=10.0,
        )
        out["smtp"].append(time.perf_counter() - t0)
    return out


async def client_only(count: int) -> list[float]:
    """An httpx2.AsyncClient created and closed, no request (the webhook channel makes one per send)."""
    import httpx2

    times: list[float] = []
    for _ in range(count):
        t0 = time.perf_counter()
        async with httpx2.AsyncClient(timeout=10.0, follow_redirects=False):
            pass
        times.append(time.perf_counter() - t0)
    return times


async def bare_posts(hook: WebhookReceiver, bodies: list[bytes], *, fresh: bool) -> list[float]:
    """Sequential httpx2 POSTs: on one keep-alive client, or a new client each (as the webhook channel does)."""
    import httpx2

    times: list[float] = []
    headers = {"content-type": "application/json"}
    async with httpx2.AsyncClient(timeout=10.0) as shared:
        for body in bodies:
            t0 = time.perf_counter()
            if fresh:
                async with httpx2.AsyncClient(timeout=10.0, follow_redirects=False) as http:
                    (await http.post(hook.url(), content=body, headers=headers)).raise_for_status()
            else:
                (await shared.post(hook.url(), content=body, headers=headers)).raise_for_status()
            times.append(time.perf_counter() - t0)
    return times


def report_part2(args: argparse.Namespace, r: dict[str, Any]) -> None:
    print()
    print(
        f"part 2: delivery — dispatcher loop running (scheduler role {r['role']}, loop task "
        f"{'running' if r['loop'] else 'MISSING'}), {args.burst_bots} bots linked to a webhook and an e-mail "
        "channel (format full), receivers are threads of this process (webhook receiver with TCP_NODELAY, see "
        "baselines); latency = arrival − run.finished_at"
    )
    for label, key in (("cold first run", "cold"), (f"{args.singles} single runs, one at a time", "singles")):
        for kind in ("webhook", "email"):
            print(pct_line(f"{label}, {kind}", r[key][kind], 50))
    total, loop, first = 2 * args.burst, r["burst_loop_arrivals"], r["burst_first_finished"]
    print(
        f"  burst: {args.burst} runs created back to back in {r['submit_s']:.2f} s (3 at a time), the last finished "
        f"{r['burst_last_finished'] - first:.2f} s after the first; {total} deliveries due"
    )
    for kind in ("webhook", "email"):
        print(pct_line(f"burst, {kind}, delivered by the loop", r["burst"][kind], 50))
    if loop:
        stretch = awake_stretch(loop)
        print(
            f"  the loop delivered {len(loop)} of {total} within {r['deadline_at'] - first:.1f} s of the first run "
            f"finishing ({sum(1 for t in loop if t <= r['burst_last_finished'])} before the last run finished): "
            f"{len(loop) / (max(loop) - first):.1f} deliveries/s to its last arrival; "
            f"{len(stretch)} in its first unbroken stretch, {len(stretch) / (max(stretch) - first):.1f}/s"
        )
    if not r["loop_complete"]:
        rest = total - len(loop)
        print(
            f"  NOT COMPLETE after --deadline {args.deadline:g} s: the loop stopped, the other {rest} were sent by "
            f"calling dispatcher.pump() back to back: {r['by_hand_s']:.2f} s, {rest / max(r['by_hand_s'], 1e-9):.1f}/s"
        )
    report_where(r)


def awake_stretch(arrivals: list[float], gap: float = 1.0) -> list[float]:
    """The arrivals up to the first pause longer than `gap` seconds (while the loop was kept awake)."""
    ordered = sorted(arrivals)
    for i in range(1, len(ordered)):
        if ordered[i] - ordered[i - 1] > gap:
            return ordered[:i]
    return ordered


def report_where(r: dict[str, Any]) -> None:
    base, sent = r["baseline"], r["deliver"][r["n_single"] :]
    print()
    print("  where a burst delivery's time goes (Dispatcher._deliver = claim txn, load + render, _send, finish txn):")
    medians: dict[str, float] = {}
    for kind in ("webhook", "email"):
        whole = [t for k, t in sent if k == kind]
        send = [t for k, t in r["send"][r["n_single"] :] if k == kind]
        if whole and send:
            medians[kind] = statistics.median(whole)
            print(pct_line(f"{kind}: _deliver (whole)", whole, 50))
            print(pct_line(f"{kind}: of it _send (channel.send)", send, 50))
            rest = medians[kind] - statistics.median(send)
            print(f"  {f'{kind}: claim + load/render + finish (p50 diff)':<50} {ms(rest).strip()}")
    print("  baselines (same bodies, same receivers, sequential, this process):")
    for label, key in (
        ("bare httpx2 POST, one keep-alive client", "keepalive"),
        ("bare httpx2 POST, new client each", "fresh"),
        ("  of it: httpx2.AsyncClient() alone, no request", "client"),
        ("bare aiosmtplib.send of the same mails", "smtp"),
        ("stock receiver (Nagle on), keep-alive POST", "stock"),
    ):
        if base[key]:
            print(pct_line(label, base[key], 50) + f"  {len(base[key]) / sum(base[key]):6.1f}/s")
    if sent:
        print(f"  dispatcher: {len(sent) / sum(t for _, t in sent):.1f} deliveries/s while inside _deliver")
    if "webhook" in medians and base["keepalive"]:
        keep, fresh = statistics.median(base["keepalive"]), statistics.median(base["fresh"])
        print(
            f"  webhook _deliver / bare POST p50: {medians['webhook'] / keep:.1f}x keep-alive "
            f"(+{(medians['webhook'] - keep) * 1000:.2f} ms), {medians['webhook'] / fresh:.1f}x new client each "
            f"(+{(medians['webhook'] - fresh) * 1000:.2f} ms)"
        )
    if "email" in medians and base["smtp"]:
        smtp = statistics.median(base["smtp"])
        print(
            f"  e-mail _deliver / bare aiosmtplib.send p50: {medians['email'] / smtp:.1f}x "
            f"(+{(medians['email'] - smtp) * 1000:.2f} ms)"
        )
    p = r["idle_pass"]
    print(
        f"  a dispatcher pass with nothing due (the loop runs one every {p['interval']:g} s unless woken): "
        f"wall {ms(p['wall']).strip()}, CPU {ms(p['cpu']).strip()} (≈{p['cpu'] / p['interval'] * 100:.2f} % CPU)"
    )


# -- part 3: idle server ---------------------------------------------------------------------------------
async def prepare_dir(data_dir: Path, bots: int) -> None:
    from openorchestrator.config import Config
    from openorchestrator.providers import service as providers
    from openorchestrator.providers.schemas import CredentialCreate
    from openorchestrator.runtime import open_runtime

    config = Config(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    svc = await open_runtime(config, gateway=ZeroGateway())
    try:
        if not bots:
            return
        async with svc.sessionmaker() as session:
            await providers.create_credential(
                session,
                svc.box,
                svc.clock,
                CredentialCreate(type="openai", api_key=BENCH_KEY, base_url=UNUSED_URL),
                validate=False,
                language=svc.language,
            )
            await session.commit()
        channel = (await new_channels(svc, {"webhook": {"url": UNUSED_HOOK}}))["webhook"]
        for i in range(bots):
            await link(svc, await new_bot(svc, f"Bot {i:03d}"), [channel])
    finally:
        await svc.close()


def report_part3(args: argparse.Namespace, res: dict[str, dict[str, Any]]) -> None:
    print()
    print(
        f"part 3: idle `python -m openorchestrator serve`, {args.idle_bots} bots linked to a webhook channel vs an "
        f"empty data dir, {res['linked']['wall']:.1f} s measured after 5 s settling (both run the dispatcher loop)"
    )
    print(f"  {'':<28} {'healthy':>8} {'role':>8} {'CPU s':>7} {'CPU %':>7} {'wake-ups/s':>11} {'VmRSS':>9}")
    for name, label in (("linked", f"{args.idle_bots} linked bots"), ("empty", "baseline: empty data dir")):
        r = res[name]
        print(
            f"  {label:<28} {r['healthy_s']:7.2f}s {r['scheduler']['role']:>8} {r['cpu']:7.2f} "
            f"{r['cpu'] / r['wall'] * 100:6.2f}% {r['wakeups'] / r['wall']:11.1f} {r['rss']['VmRSS'] / 1024:6.1f} MB"
        )
    a, b = res["linked"], res["empty"]
    ratio = (a["cpu"] / b["cpu"]) if b["cpu"] else float("nan")
    print(
        f"  difference: CPU {(a['cpu'] / a['wall'] - b['cpu'] / b['wall']) * 100:+.2f} %-points (ratio {ratio:.2f}x), "
        f"wake-ups {(a['wakeups'] - b['wakeups']) / a['wall']:+.1f}/s, "
        f"VmRSS {(a['rss']['VmRSS'] - b['rss']['VmRSS']) / 1024:+.1f} MB"
    )


# -- main ----------------------------------------------------------------------------------------------------
async def main(args: argparse.Namespace) -> None:
    header("notification path: outbox cost, dispatcher delivery latency and throughput, idle server")
    p1 = await timed("part 1 done", outbox_cost(args))
    p2 = await timed("part 2 done", delivery(args))
    with tempfile.TemporaryDirectory(prefix="oo-bench-notify-") as tmp_name:
        tmp = Path(tmp_name)
        dirs = {"linked": tmp / "linked" / "data", "empty": tmp / "empty" / "data"}
        for name, path in dirs.items():
            path.parent.mkdir()
            await prepare_dir(path, args.idle_bots if name == "linked" else 0)
        print(f"   part 3: measuring two idle servers for {args.idle_seconds:g} s", flush=True)
        p3 = await asyncio.to_thread(idle_servers, args, dirs)
    report_part1(args, p1)
    report_part2(args, p2)
    report_part3(args, p3)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200, help="part 1: measured runs per kind")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--singles", type=int, default=20, help="part 2: runs one at a time")
    parser.add_argument("--burst", type=int, default=300, help="part 2: runs created back to back")
    parser.add_argument("--burst-bots", type=int, default=10)
    parser.add_argument("--deadline", type=float, default=20.0, help="part 2: seconds the loop gets for the burst")
    parser.add_argument("--baseline", type=int, default=100, help="part 2: bare sends per baseline")
    parser.add_argument("--idle-bots", type=int, default=20)
    parser.add_argument("--idle-seconds", type=float, default=20.0)
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run, ~30 s)")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.warmup, args.singles, args.burst, args.deadline = 50, 5, 5, 60, 10.0
        args.baseline, args.idle_seconds = 30, 5.0
    return args


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd warns on every plain AUTH session
    asyncio.run(main(parse()))
