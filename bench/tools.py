"""What the tools cost: the tool-call loop per round, web_fetch and its guard, and the files tool's safe file access.

Part 1 — the tool-call loop, through the real services on a real SQLite file in a temp dir, the real
PydanticAIGateway and the official OpenAI SDK against the local OpenAI stand-in (tests/support/fake_openai.py,
in a subprocess by default). The stand-in is scripted by what each request carries: a request that offers tools
and holds fewer than --rounds tool results is answered with one `list_files` call, anything else with "ok".
So a run of a bot with the `files` tool makes --rounds tool rounds (--rounds + 1 model requests), and a request
without tools is a plain one. Each measured round, in rotating order:
  * bare ×(N+1)  – N+1 plain requests with the official AsyncOpenAI client (max_retries=0), same messages;
  * gateway ×(N+1) – N+1 plain PydanticAIGateway.complete() calls (pydantic-ai + the SDK, no tools);
  * gateway+tools – one PydanticAIGateway.complete() with the bot's ToolUse: N rounds, then the answer;
  * run, no tools – a whole engine run of a bot without tools (create_run → queue idle, one request);
  * run, tools  – a whole engine run of the bot with `files` (N rounds).
Added per tool round = the difference, divided by N, computed per measured round (so p50/p99 are of rounds).
Then ToolUse.call itself (checks, timing, result cut, the run-log entry with redaction) against awaiting the same
function directly: a no-op function (bookkeeping alone) and `list_files` (a real call, in a thread).

Part 2 — web_fetch against tests/support/local_site.py (a thread of this process, 127.0.0.1 allow-listed):
the article page through web_fetch (guard, pinned IP, fresh client, readable text), through netguard.fetch
alone (guard + pinned IP + fresh client, no extraction), and bare httpx2 GETs of the same URL on one keep-alive
client and with a new client each. netguard.check_url alone (allow-list given as the setting's tuple, as
web_fetch does, and pre-parsed) against a bare getaddrinfo of the literal and of "localhost", and
checking.resolve (getaddrinfo in a thread, what a real host name pays). Readable-text extraction throughput on a
generated ~1 MB article page (--html-kb) against stdlib html.parser fed the same text with a no-op handler, and
web_fetch of that page from the local site.

Part 3 — the files tool in a bot folder in a temp dir (on the temp dir's file system): write_file, read_file and
append_file (through the tool's function, which runs in a thread, and its sync body called directly) against
bare open().write() / open().read() / open("ab").write() of the same bytes in the same folder, and a bare atomic
write (temporary file, fsync, rename, fsync of the folder) to show what durability costs on its own.

    python bench/tools.py [--rounds 5] [--runs 120] [--fetches 80] [--html-kb 1024] [--html-reps 4]
                          [--files 200] [--fake subprocess|inproc] [--quick]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import contextlib  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Awaitable, Callable, Iterator, Mapping  # noqa: E402
from html.parser import HTMLParser  # noqa: E402
from typing import Any  # noqa: E402

from _common import (  # noqa: E402
    BENCH_KEY,
    BOT_INPUT,
    MODEL,
    bare_messages,
    header,
    open_bench,
    served_by_subprocess,
    stats,
    timed,
)

Sample = dict[str, float]
NOTES = {"seen.md": "- Nike AM90 at 89 EUR\n" * 20, "shops.md": "- https://example.org/shop\n" * 10}
"""Notes in both bench bots' folders: `list_files` has something to list, both runs load the same context."""


def fmt(seconds: float, unit: str) -> str:
    return f"{seconds * 1e6:8.1f} µs" if unit == "us" else f"{seconds * 1000:8.2f} ms"


def pct(label: str, values: list[float], unit: str = "ms", width: int = 52) -> str:
    s = stats(values)
    return f"  {label:<{width}} p50 {fmt(s.p50, unit)}  p99 {fmt(s.p99, unit)}  (n={s.n})"


def med(values: list[float]) -> float:
    return statistics.median(values)


def paired(a: list[float], b: list[float]) -> float:
    """The median of a − b, taken pairwise (both measured in the same round): steadier than a difference of p50s."""
    return statistics.median(x - y for x, y in zip(a, b, strict=True))


# -- the stand-in, scripted by request ---------------------------------------------------------------------
def rounds_fake(rounds: int) -> Any:
    """A FakeOpenAI that answers a request offering tools with a `list_files` call until it holds `rounds`
    tool results; everything else gets the default "ok"."""
    from tests.support import fake_openai

    class Handler(fake_openai._Handler):
        def _chat_completions(self, body: Mapping[str, Any]) -> None:
            done = sum(1 for m in body.get("messages", []) if isinstance(m, dict) and m.get("role") == "tool")
            if body.get("tools") and done < rounds:
                reply: Any = fake_openai.tool_calls([{"name": "list_files", "arguments": {}, "id": f"call_{done}"}])
            else:
                reply = self.server.fake._next_reply(str(body.get("model") or ""))
            self._reply(reply, str(body.get("model") or ""), bool(body.get("stream")), False)

    class RoundsFake(fake_openai.FakeOpenAI):
        handler_class = Handler

    return RoundsFake(api_keys=[BENCH_KEY])


def serve_fake(rounds: int) -> int:
    """`python bench/tools.py --serve-fake N`: the scripted stand-in in its own process, until stdin closes."""
    with rounds_fake(rounds) as fake:
        print(fake.base_url, flush=True)
        sys.stdin.read()
    return 0


@contextlib.contextmanager
def rounds_server(mode: str, rounds: int) -> Iterator[str]:
    if mode == "inproc":
        with rounds_fake(rounds) as fake:
            yield fake.base_url
        return
    with served_by_subprocess([__file__, "--serve-fake", str(rounds)]) as url:
        yield url


# -- part 1: the tool-call loop ----------------------------------------------------------------------------
async def engine_run(engine: Any, bot_id: str, tool_calls: int) -> float:
    t0 = time.perf_counter()
    run = await engine.create_run(bot_id, BOT_INPUT)
    await engine.queue.wait_idle()
    wall = time.perf_counter() - t0
    row = await engine.get_run(run.id)
    made = sum(1 for entry in row.log if entry.get("tool"))
    if row.status != "completed" or made != tool_calls:
        raise RuntimeError(f"run {row.id} ended {row.status} ({row.error_code}) with {made} tool calls")
    return wall


async def plain_bot(svc: Any) -> str:
    from openorchestrator.bots import service as bots
    from openorchestrator.bots.schemas import BotCreate

    async with svc.sessionmaker() as session:
        body = BotCreate(name="Plain", prompt="Find new offers.", model=f"openai:{MODEL}")
        bot = await bots.create_bot(session, svc.clock, body, svc.settings.current.timezone)
        await session.commit()
    return str(bot.id)


def seed_notes(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in NOTES.items():
        (folder / name).write_text(text)


async def loop_part(args: argparse.Namespace) -> dict[str, Any]:
    from openai import AsyncOpenAI
    from sqlalchemy import select

    from openorchestrator.db.models import ProviderCredential
    from openorchestrator.engine.runlog import RunLog
    from openorchestrator.providers.credentials import target_for
    from openorchestrator.providers.llm import PydanticAIGateway
    from openorchestrator.tools.base import ToolContext
    from openorchestrator.tools.loop import tool_use

    n, out = args.rounds, {}
    fields = {"tools": ["files"], "max_model_requests": n + 1}
    with rounds_server(args.fake, n) as url:
        pyd = PydanticAIGateway()
        async with open_bench(url, gateway=pyd, bot_fields=fields) as bench:
            svc, engine = bench.svc, bench.svc.engine
            other = await plain_bot(svc)
            for bot_id in (bench.bot_id, other):
                seed_notes(svc.config.bot_dir(bot_id))
            async with svc.sessionmaker() as session:
                credential = await session.scalar(select(ProviderCredential))
            target = target_for(credential, svc.box, f"openai:{MODEL}")
            messages = bare_messages(svc)
            system, user = messages[0]["content"], messages[1]["content"]
            client = AsyncOpenAI(api_key=BENCH_KEY, base_url=url, max_retries=0)
            context = ToolContext(bot_id=bench.bot_id, bot_dir=svc.config.bot_dir(bench.bot_id))
            in_calls: list[float] = []

            async def repeat(step: Callable[[], Awaitable[Any]]) -> float:
                t0 = time.perf_counter()
                for _ in range(n + 1):
                    await step()
                return time.perf_counter() - t0

            async def gateway_tools() -> float:
                log = RunLog(svc.clock)
                use = tool_use(["files"], context, max_requests=n + 1, record=lambda lv, m, f: log.add(lv, m, **f))
                assert use is not None
                call, spent = use.call, [0.0]

                async def timed_call(name: str, arguments: dict[str, Any]) -> str:
                    t0 = time.perf_counter()
                    try:
                        return await call(name, arguments)
                    finally:
                        spent[0] += time.perf_counter() - t0

                use.call = timed_call  # type: ignore[method-assign]
                t0 = time.perf_counter()
                await pyd.complete(target, system, user, max_output_tokens=None, tools=use)
                wall = time.perf_counter() - t0
                if use.calls != n:
                    raise RuntimeError(f"the gateway made {use.calls} tool calls, not {n}")
                in_calls.append(spent[0])
                return wall

            steps: list[tuple[str, Callable[[], Awaitable[float]]]] = [
                ("bare", lambda: repeat(lambda: client.chat.completions.create(model=MODEL, messages=messages))),  # type: ignore[arg-type]
                ("gw_plain", lambda: repeat(lambda: pyd.complete(target, system, user, max_output_tokens=None))),
                ("gw_tools", gateway_tools),
                ("run_plain", lambda: engine_run(engine, other, 0)),
                ("run_tools", lambda: engine_run(engine, bench.bot_id, n)),
            ]
            for _ in range(args.warmup):
                for _, step in steps:
                    await step()
            in_calls.clear()
            res: dict[str, list[float]] = {name: [] for name, _ in steps}
            t_all = time.perf_counter()
            for i in range(args.runs):
                for k in range(len(steps)):
                    name, step = steps[(i + k) % len(steps)]
                    res[name].append(await step())
            out["elapsed"] = time.perf_counter() - t_all
            out["res"], out["in_calls"] = res, in_calls
            out["toolset"] = toolset_cost(context, n)
            out["call"] = await call_cost(args, context, svc.clock)
            await client.close()
    return out


def toolset_cost(context: Any, n: int, count: int = 300) -> list[float]:
    """Building the pydantic-ai toolset from a ToolUse (done once per run with tools)."""
    from openorchestrator.providers.llm import _tool_options
    from openorchestrator.tools.loop import tool_use

    times: list[float] = []
    for _ in range(count):
        t0 = time.perf_counter()
        use = tool_use(["files"], context, max_requests=n + 1, record=lambda lv, m, f: None)
        assert use is not None
        _tool_options(use)
        times.append(time.perf_counter() - t0)
    return times


async def call_cost(args: argparse.Namespace, context: Any, clock: Any) -> dict[str, list[float]]:
    """ToolUse.call against awaiting the same function directly: a no-op, and `list_files`."""
    from openorchestrator.engine.runlog import RunLog
    from openorchestrator.tools import registry
    from openorchestrator.tools.base import ToolFunction
    from openorchestrator.tools.loop import ToolUse

    async def noop(ctx: Any, arguments: dict[str, Any]) -> str:
        return "ok"

    schema = {"type": "object", "properties": {}}
    functions = {"noop": ("bench", ToolFunction("noop", "does nothing", schema, noop))}
    functions |= {f.name: ("files", f) for f in registry.get("files").functions()}
    log = RunLog(clock, (BENCH_KEY,))
    use = ToolUse(functions, context, 10, lambda lv, m, f: log.add(lv, m, **f))
    listing = functions["list_files"][1]
    out: dict[str, list[float]] = {"noop_direct": [], "noop_use": [], "list_direct": [], "list_use": []}
    arguments = {"query": "Nike AM90 offers under 100 EUR"}
    for i in range(args.calls):
        for name, work in (
            ("noop_direct", lambda: noop(context, arguments)),
            ("noop_use", lambda: use.call("noop", arguments)),
        )[:: 1 if i % 2 else -1]:
            t0 = time.perf_counter()
            await work()
            out[name].append(time.perf_counter() - t0)
        if len(log.entries) > 1000:
            log.entries.clear()
    for i in range(args.calls // 5):
        for name, work in (
            ("list_direct", lambda: listing.call(context, {})),
            ("list_use", lambda: use.call("list_files", {})),
        )[:: 1 if i % 2 else -1]:
            t0 = time.perf_counter()
            await work()
            out[name].append(time.perf_counter() - t0)
    return out


def report_loop(args: argparse.Namespace, r: dict[str, Any]) -> None:
    n, res = args.rounds, r["res"]
    print(
        f"part 1: the tool-call loop — {n} rounds of list_files then the answer ({n + 1} model requests); fake OpenAI "
        f"{args.fake}; {args.runs} measured rounds after {args.warmup} warm-up, {r['elapsed']:.1f} s"
    )
    for label, key in (
        (f"bare SDK, {n + 1} plain requests", "bare"),
        (f"PydanticAIGateway.complete ×{n + 1}, no tools", "gw_plain"),
        (f"PydanticAIGateway.complete with tools ({n} rounds)", "gw_tools"),
        ("engine run, bot without tools (1 request)", "run_plain"),
        (f"engine run, bot with files ({n} rounds)", "run_tools"),
    ):
        print(pct(label, res[key]))
    rows = list(zip(res["bare"], res["gw_plain"], res["gw_tools"], res["run_plain"], res["run_tools"], strict=True))
    bare_one = [b / (n + 1) for b, *_ in rows]
    print(pct("  (one bare request, mean of its round)", bare_one))
    print("  added per tool round (per measured round, then p50/p99):")
    per_gw = [(t - p) / n for _, p, t, _, _ in rows]
    per_bare = [(t - b) / n for b, _, t, _, _ in rows]
    per_run = [(rt - rp) / n - b / (n + 1) for b, _, _, rp, rt in rows]
    in_call = [c / n for c in r["in_calls"]]
    print(pct("gateway+tools − gateway ×(N+1), ÷N", per_gw))
    print(pct("  of it: inside ToolUse.call (list_files)", in_call))
    print(pct("gateway+tools − bare ×(N+1), ÷N", per_bare))
    print(pct("(run with tools − run without) ÷N − one bare req.", per_run))
    print(
        f"  ratios (p50): gateway+tools / gateway ×(N+1) {med(res['gw_tools']) / med(res['gw_plain']):.2f}x, "
        f"gateway+tools / bare ×(N+1) {med(res['gw_tools']) / med(res['bare']):.2f}x, "
        f"run with tools / bare ×(N+1) {med(res['run_tools']) / med(res['bare']):.2f}x"
    )
    print(pct("building the toolset per run (tool_use + _tool_options)", r["toolset"], "us"))
    c = r["call"]
    print("  ToolUse.call vs awaiting the tool function directly (same arguments):")
    print(pct("no-op function, awaited directly", c["noop_direct"], "us"))
    print(pct("no-op function, ToolUse.call", c["noop_use"], "us"))
    print(pct("list_files, awaited directly (in a thread)", c["list_direct"], "us"))
    print(pct("list_files, ToolUse.call", c["list_use"], "us"))
    print(
        f"  ToolUse.call's own cost (p50 diff): no-op +{(med(c['noop_use']) - med(c['noop_direct'])) * 1e6:.1f} µs, "
        f"list_files +{(med(c['list_use']) - med(c['list_direct'])) * 1e6:.1f} µs"
    )


# -- part 2: web_fetch --------------------------------------------------------------------------------------
BLOCK = (
    '<section class="offer"><h2>Offer {i}: city bike</h2>\n<p>The   shop on <b>Main Street</b> sells city bikes for '
    "{i}&nbsp;EUR from Monday; see the <a href=\"/offers/{i}\">offer page</a> or <a href='#top'>the top</a>.</p>\n"
    "<ul><li>Frame: aluminium, {i} cm</li><li>Gears: 7 &amp; hub brake</li></ul>\n"
    "<table><tr><th>Size</th><th>Price</th></tr><tr><td>M</td><td>{i} €</td></tr></table>\n"
    '<script>var offer{i} = {{"id": {i}}};</script><div hidden>HIDDEN {i}</div>\n'
    '<nav><a href="/n/{i}">next</a></nav></section>\n'
)


def big_page(kb: int) -> str:
    head = '<!doctype html><html><head><title>Many offers</title><meta charset="utf-8"><style>p{}</style></head>'
    head += "<body><header><a href='/'>Home</a></header><nav><a href='/a'>A</a></nav><main><article>\n"
    parts, size, i = [head], len(head), 0
    while size < kb * 1024:
        block = BLOCK.format(i=i)
        parts.append(block)
        size += len(block.encode())
        i += 1
    parts.append("</article></main><footer>© 2026</footer></body></html>\n")
    return "".join(parts)


class NoopParser(HTMLParser):
    """html.parser with no handlers: what reading the markup alone costs."""


async def timed_each(count: int, steps: list[tuple[str, Callable[[], Awaitable[Any]]]]) -> dict[str, list[float]]:
    """`count` rounds of every step, the order rotated each round."""
    out: dict[str, list[float]] = {name: [] for name, _ in steps}
    for i in range(count):
        for k in range(len(steps)):
            name, step = steps[(i + k) % len(steps)]
            t0 = time.perf_counter()
            await step()
            out[name].append(time.perf_counter() - t0)
    return out


async def fetch_part(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    import httpx2
    from tests.support.local_site import HTML, LocalSite, Page

    from openorchestrator.tools import netguard
    from openorchestrator.tools.base import ToolContext
    from openorchestrator.tools.readable import readable
    from openorchestrator.tools.types.web_fetch import web_fetch

    allow = ("127.0.0.1",)
    context = ToolContext(bot_id="bench", bot_dir=tmp / "bench-bot", fetch_allowlist=allow)
    out: dict[str, Any] = {}
    with LocalSite() as site:
        url, page = site.url("/article"), site.pages["/article"].body
        first = await web_fetch(context, {"url": url})
        if "Bike sale starts Monday" not in first or "NAV-NOISE" in first:
            raise RuntimeError(f"web_fetch did not read the article: {first[:200]!r}")
        async with httpx2.AsyncClient(timeout=10.0) as keep:
            shared_tls = httpx2.create_ssl_context()

            async def fresh(verify: Any = True) -> None:
                async with httpx2.AsyncClient(timeout=10.0, verify=verify) as http:
                    (await http.get(url)).raise_for_status()

            async def client_only() -> None:
                async with httpx2.AsyncClient(timeout=10.0):
                    pass

            async def kept() -> None:
                (await keep.get(url)).raise_for_status()

            async def guarded(verify: Any = None) -> None:
                await netguard.fetch(url, allowlist=allow, max_bytes=2_000_000, timeout_seconds=15, verify=verify)

            async def extract() -> None:
                readable(page.decode(), url)

            steps = [
                ("web_fetch", lambda: web_fetch(context, {"url": url})),
                ("netguard", guarded),
                ("netguard_shared", lambda: guarded(shared_tls)),
                ("keepalive", kept),
                ("fresh", fresh),
                ("fresh_shared", lambda: fresh(shared_tls)),
                ("client", client_only),
                ("readable", extract),
            ]
            await timed_each(min(20, args.fetches), steps)
            out["fetch"] = await timed_each(args.fetches, steps)
        out["article_bytes"] = len(page)
        out["check"] = await check_part(args, site.url("/article", host="localhost"), url)
        text = big_page(args.html_kb)
        body = text.encode()
        site.add("/big", Page(body, HTML))
        big_url = site.url("/big")
        out["big"] = await timed_each(args.html_reps, [("web_fetch", lambda: web_fetch(context, {"url": big_url}))])
        out["big_bytes"] = len(body)
    out["readable"], out["noop"] = [], []
    for _ in range(args.html_reps):
        t0 = time.perf_counter()
        found = readable(text, "http://127.0.0.1/big")
        out["readable"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        parser = NoopParser(convert_charrefs=True)
        parser.feed(text)
        parser.close()
        out["noop"].append(time.perf_counter() - t0)
    out["big_text_chars"] = len(found.text)
    return out


async def check_part(args: argparse.Namespace, named_url: str, literal_url: str) -> dict[str, list[float]]:
    from openorchestrator.tools.netguard import Allowlist, check_url, checking

    parsed = Allowlist.parse(("127.0.0.1",))
    both = ("127.0.0.1", "::1")

    async def bare(host: str) -> None:
        socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)

    steps = [
        ("literal_tuple", lambda: check_url(literal_url, ("127.0.0.1",))),
        ("literal_parsed", lambda: check_url(literal_url, parsed)),
        ("localhost", lambda: check_url(named_url, both)),
        ("resolve", lambda: checking.resolve("localhost", 5.0)),
        ("gai_literal", lambda: bare("127.0.0.1")),
        ("gai_localhost", lambda: bare("localhost")),
    ]
    return await timed_each(args.checks, steps)


def report_fetch(args: argparse.Namespace, r: dict[str, Any]) -> None:
    f = r["fetch"]
    print()
    print(
        f"part 2: web_fetch of the local site's article page ({r['article_bytes']:,} bytes, 127.0.0.1 allow-listed; "
        "the site is a thread of this process)"
    )
    for label, key in (
        ("web_fetch (guard, pinned IP, new client, text)", "web_fetch"),
        ("netguard.fetch alone (guard, pinned IP, new client)", "netguard"),
        ("bare httpx2 GET, one keep-alive client", "keepalive"),
        ("bare httpx2 GET, new client each", "fresh"),
        ("  of it: httpx2.AsyncClient() alone, no request", "client"),
        ("netguard.fetch, one shared SSLContext (verify=)", "netguard_shared"),
        ("bare GET, new client each, one shared SSLContext", "fresh_shared"),
        ("readable() of the page alone", "readable"),
    ):
        print(pct(label, f[key]))
    web, keep, fresh = (med(f[k]) for k in ("web_fetch", "keepalive", "fresh"))
    print(
        f"  web_fetch / bare p50: {web / keep:.1f}x keep-alive (+{(web - keep) * 1000:.2f} ms), "
        f"{web / fresh:.1f}x new client each (+{(web - fresh) * 1000:.2f} ms)"
    )
    print(
        "  split (p50 of the differences within each round): guard + pinned IP (netguard.fetch − bare GET, both "
        f"with one shared SSLContext) {paired(f['netguard_shared'], f['fresh_shared']) * 1000:+.2f} ms; "
        f"the client's CA store {paired(f['netguard'], f['netguard_shared']) * 1000:+.2f} ms; "
        f"text and the rest (web_fetch − netguard.fetch) {paired(f['web_fetch'], f['netguard']) * 1000:+.2f} ms"
    )
    c = r["check"]
    print("  netguard.check_url alone vs bare getaddrinfo (in this thread):")
    for label, key in (
        ("check_url(http://127.0.0.1:…), allow-list as tuple", "literal_tuple"),
        ("check_url(http://127.0.0.1:…), Allowlist parsed", "literal_parsed"),
        ("check_url(http://localhost:…) (no DNS asked)", "localhost"),
        ("checking.resolve('localhost') (getaddrinfo, thread)", "resolve"),
        ("bare getaddrinfo('127.0.0.1')", "gai_literal"),
        ("bare getaddrinfo('localhost')", "gai_localhost"),
    ):
        print(pct(label, c[key], "us"))
    mb = r["big_bytes"] / 1e6
    rd, noop = med(r["readable"]), med(r["noop"])
    print(
        f"  readable text of a generated {mb:.2f} MB article page ({r['big_text_chars']:,} characters of text), "
        f"{args.html_reps} reps:"
    )
    print(pct("readable()", r["readable"]) + f"  {mb / rd:6.2f} MB/s")
    print(pct("html.parser, no-op handler", r["noop"]) + f"  {mb / noop:6.2f} MB/s")
    print(pct("web_fetch of that page from the local site", r["big"]["web_fetch"]))
    print(f"  readable() / bare html.parser p50: {rd / noop:.2f}x")


# -- part 3: files ------------------------------------------------------------------------------------------
def bare_atomic(folder: Path, name: str, data: bytes) -> None:
    """tmp file, write, fsync, rename, fsync of the folder: the durability part of an atomic write, bare."""
    tmp = folder / f".tmp-{name}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, folder / name)
    dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


async def files_part(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from openorchestrator.tools import registry
    from openorchestrator.tools.base import ToolContext
    from openorchestrator.tools.types import files

    folder = tmp / "bots" / "bench-files"
    context = ToolContext(bot_id="bench-files", bot_dir=folder)
    tool = {f.name: f for f in registry.get("files").functions()}
    content = ("- Nike AM90, size 44, 89 EUR, https://example.org/offer\n" * 80)[: args.file_kb * 1024]
    line = "- Adidas Samba, size 43, 79 EUR, https://example.org/samba\n"
    data, extra = content.encode(), line.encode()
    write, append = {"path": "note.md", "content": content}, {"path": "note.md", "content": line}
    read = {"path": "note.md"}
    await tool["write_file"].call(context, write)

    def bare_write() -> None:
        with open(folder / "bare.md", "wb") as fh:
            fh.write(data)

    def bare_read() -> None:
        with open(folder / "bare.md", "rb") as fh:
            fh.read()

    def bare_append() -> None:
        with open(folder / "bare.md", "ab") as fh:
            fh.write(extra)

    async def run(function: Callable[[], Any]) -> None:
        function()

    steps = [
        ("tool_write", lambda: tool["write_file"].call(context, write)),
        ("tool_read", lambda: tool["read_file"].call(context, read)),
        ("tool_append", lambda: tool["append_file"].call(context, append)),
        ("sync_write", lambda: run(lambda: files._write_file(context, write))),
        ("sync_read", lambda: run(lambda: files._read_file(context, read))),
        ("sync_append", lambda: run(lambda: files._append_file(context, append))),
        ("bare_write", lambda: run(bare_write)),
        ("bare_read", lambda: run(bare_read)),
        ("bare_append", lambda: run(bare_append)),
        ("bare_atomic", lambda: run(lambda: bare_atomic(folder, "atomic.md", data))),
    ]
    out: dict[str, list[float]] = {name: [] for name, _ in steps}
    for _ in range(args.files):
        for name, step in steps:  # in this order: each append adds one line to the file just written
            t0 = time.perf_counter()
            await step()
            out[name].append(time.perf_counter() - t0)
    if (folder / "note.md").read_bytes() != data + extra:
        raise RuntimeError("the files tool did not leave the expected note")
    return {"times": out, "bytes": len(data), "line": len(extra), "fs": filesystem(folder)}


def filesystem(folder: Path) -> str:
    try:
        found = subprocess.run(["df", "-T", str(folder)], capture_output=True, text=True, timeout=5).stdout
        return found.splitlines()[-1].split()[1]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


def report_files(args: argparse.Namespace, r: dict[str, Any]) -> None:
    t = r["times"]
    print()
    print(
        f"part 3: the files tool, a {r['bytes']:,}-byte note in a bot folder under {tempfile.gettempdir()} "
        f"({r['fs']}), {args.files} rounds; append adds a {r['line']}-byte line"
    )
    for label, key in (
        ("write_file (tool function: thread, walk, atomic)", "tool_write"),
        ("  its sync body, called directly", "sync_write"),
        ("bare open('wb').write()", "bare_write"),
        ("bare atomic write (tmp, fsync, rename, fsync dir)", "bare_atomic"),
        ("read_file (tool function)", "tool_read"),
        ("  its sync body, called directly", "sync_read"),
        ("bare open('rb').read()", "bare_read"),
        ("append_file (tool function: read + atomic rewrite)", "tool_append"),
        ("  its sync body, called directly", "sync_append"),
        ("bare open('ab').write()", "bare_append"),
    ):
        print(pct(label, t[key], "us"))
    for op in ("write", "read", "append"):
        tool, sync, bare = med(t[f"tool_{op}"]), med(t[f"sync_{op}"]), med(t[f"bare_{op}"])
        print(
            f"  {op + '_file':<12} / bare p50 {tool / bare:7.1f}x ({(tool - bare) * 1e6:+8.1f} µs); "
            f"thread hop {(tool - sync) * 1e6:+6.1f} µs"
        )
    atomic, sync_write, bare_write = med(t["bare_atomic"]), med(t["sync_write"]), med(t["bare_write"])
    print(
        f"  of write_file's sync body: durability (bare atomic − bare write) {(atomic - bare_write) * 1e6:.1f} µs, "
        f"walk + name and folder-limit checks (sync body − bare atomic) {(sync_write - atomic) * 1e6:.1f} µs"
    )


# -- main ----------------------------------------------------------------------------------------------------
async def main(args: argparse.Namespace) -> None:
    header("tools: the tool-call loop, web_fetch and its guard, the files tool")
    with tempfile.TemporaryDirectory(prefix="oo-bench-tools-") as tmp_name:
        tmp = Path(tmp_name)
        p1 = await timed("part 1 done", loop_part(args))
        p2 = await timed("part 2 done", fetch_part(args, tmp))
        p3 = await timed("part 3 done", files_part(args, tmp))
    print()
    report_loop(args, p1)
    report_fetch(args, p2)
    report_files(args, p3)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="part 1: tool rounds per run (1-49)")
    parser.add_argument("--runs", type=int, default=120, help="part 1: measured rounds (each: 5 measurements)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--calls", type=int, default=2000, help="part 1: ToolUse.call vs direct, no-op calls")
    parser.add_argument("--fake", choices=("subprocess", "inproc"), default="subprocess")
    parser.add_argument("--fetches", type=int, default=80, help="part 2: fetches of each kind")
    parser.add_argument("--checks", type=int, default=2000, help="part 2: check_url / getaddrinfo calls of each kind")
    parser.add_argument("--html-kb", type=int, default=1024, help="part 2: size of the generated page")
    parser.add_argument("--html-reps", type=int, default=4)
    parser.add_argument("--files", type=int, default=200, help="part 3: rounds of each file operation")
    parser.add_argument("--file-kb", type=int, default=4, help="part 3: size of the note")
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run, ~25 s)")
    args = parser.parse_args()
    if not 1 <= args.rounds <= 49:
        parser.error("--rounds must be 1-49 (a bot allows at most 50 model requests)")
    if args.quick:
        args.runs, args.warmup, args.calls, args.fetches, args.checks = 30, 3, 300, 20, 300
        args.html_kb, args.html_reps, args.files = 256, 2, 40
    return args


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve-fake"]:
        sys.exit(serve_fake(int(sys.argv[2])))
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(parse()))
