"""Delivery end to end, run → outbox → dispatcher → the real peers: every rule and format, e-mail through a real
SMTP server with login, Telegram through its local stand-in (429 with retry_after), Apprise, webhooks with
backoff, quiet hours across midnight with digests, events, and pairing through the API. The clock is a
`FakeClock`; the dispatcher is pumped by hand (see conftest)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from tests.notifications.conftest import START, Post
from tests.support.fake_openai import error, text
from tests.support.fake_telegram import FakeTelegram, too_many_requests
from tests.support.smtp_server import SmtpServer
from tests.support.webhook_receiver import Reply, WebhookReceiver

from openorchestrator.notifications.dispatcher import BACKOFF_SECONDS, MAX_ATTEMPTS

RESULTS = "3 neue Treffer:\n- **Nike AM90**, 55 €\n- Adidas Samba, 70 €"


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer(security="starttls") as server:
        yield server


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        server.add_chat(4711)
        yield server


def paths(hook: WebhookReceiver) -> list[str]:
    return [request.path for request in hook.requests]


# -- rules ---------------------------------------------------------------------------------------------------
async def test_every_rule_decides_deterministically(post: Post, hook: WebhookReceiver) -> None:
    rules = ("always", "on_new", "on_results", "on_error", "never")
    channels = {rule: await post.channel("webhook", {"url": hook.url(f"/{rule}")}, name=rule) for rule in rules}
    bot = await post.bot([(channels[rule]["id"], rule, None) for rule in rules])

    outcomes: list[tuple[str, set[str]]] = []
    for output in (RESULTS, RESULTS, "Keine neuen Treffer.", "No new results today"):
        run = await post.run(bot["id"], output)
        await post.pump()
        outcomes.append((run["status"], {path.strip("/") for path in paths(hook)}))
        hook.requests.clear()
    post.fake.script(error(401, "invalid_api_key", "Incorrect API key provided"))
    failed = await post.run(bot["id"])
    await post.pump()

    assert outcomes[0] == ("completed", {"always", "on_new", "on_results"})  # new, with results
    assert outcomes[1] == ("completed", {"always", "on_results"})  # the same results again: not new
    assert outcomes[2] == ("completed", {"always", "on_new"})  # new, but "no results"
    assert outcomes[3] == ("completed", {"always", "on_new"})  # English "no results"
    assert failed["status"] == "failed"
    run_rows = await post.sent(failed["id"])
    assert set(run_rows) == {channels["always"]["id"], channels["on_error"]["id"], "in_app"}
    assert all(row["status"] == "sent" for row in run_rows.values())


async def test_a_bots_own_no_results_pattern(post: Post, hook: WebhookReceiver) -> None:
    channel = await post.channel("webhook", {"url": hook.url()})
    bot = await post.bot([(channel["id"], "on_results", None)], no_results_pattern=r"^-- leer --$")
    await post.run(bot["id"], "-- leer --")
    await post.run(bot["id"], "Keine neuen Treffer.")  # not "no results" for this bot: its pattern decides
    await post.pump()
    assert [request.json()["output"] for request in hook.requests] == ["Keine neuen Treffer."]


# -- formats and channel types -------------------------------------------------------------------------------
async def test_email_full_is_html_with_a_text_part_and_footer(post: Post, smtp: SmtpServer) -> None:
    channel = await post.channel("email", smtp.channel_config())
    bot = await post.bot([(channel["id"], "always", None)])
    run = await post.run(bot["id"], RESULTS + "\n<script>alert(1)</script>")
    assert await post.pump() == 1

    (mail,) = smtp.messages
    assert mail.login == smtp.user
    assert mail.mail["Subject"] == "🛒 eBay-Scout — 3 neue Treffer"
    plain = mail.mail.get_body(("plain",)).get_content()
    html = mail.mail.get_body(("html",)).get_content()
    assert "Nike AM90" in plain and "<strong>Nike AM90</strong>" in html
    assert "<script" not in html
    assert "openOrchestrator · 13:00" in plain  # the footer, in Berlin time
    row = (await post.sent(run["id"]))[channel["id"]]
    assert row["status"] == "sent" and row["attempts"] == 1 and row["sent_at"] is not None
    listed = (await post.http.get(f"/api/channels/{channel['id']}")).json()
    assert listed["status"] == "connected" and listed["last_used_at"] is not None


async def test_email_login_failure_is_told_in_plain_words(post: Post, smtp: SmtpServer) -> None:
    channel = await post.channel("email", smtp.channel_config(smtp_pass="wrong-password"))
    bot = await post.bot([(channel["id"], "always", None)])
    run = await post.run(bot["id"], RESULTS)
    await post.pump()
    row = (await post.sent(run["id"]))[channel["id"]]
    assert row["status"] == "failed" and row["attempts"] == 1  # a wrong password is not worth retrying
    assert "Anmeldung" in row["error_message"]
    listed = (await post.http.get(f"/api/channels/{channel['id']}")).json()
    assert listed["status"] == "error" and "Anmeldung" in listed["error_message"]
    assert "wrong-password" not in str(listed) + str(row)


async def test_telegram_short_and_full(post: Post, telegram: FakeTelegram) -> None:
    config = {"bot_token": telegram.token, "chat_id": 4711, "api_url": telegram.api_url}
    short = await post.channel("telegram", config, name="short")
    full = await post.channel("telegram", config, name="full")
    bot = await post.bot([(short["id"], "always", None), (full["id"], "always", "full")])
    await post.run(bot["id"], RESULTS + "\n<b>not a tag</b> & more")
    assert await post.pump() == 2

    by_text = sorted(telegram.sent, key=lambda message: len(message.plain))
    short_text, full_text = (message.plain for message in by_text)
    assert short_text.startswith("🛒 eBay-Scout") and "3 neue Treffer" in short_text
    assert "Tokens" in short_text and "Adidas" not in short_text  # one line of gist, then the figures
    assert "Adidas Samba, 70 €" in full_text and "<b>not a tag</b> & more" in full_text  # escaped, shown as typed


async def test_telegram_429_waits_for_retry_after(post: Post, telegram: FakeTelegram) -> None:
    config = {"bot_token": telegram.token, "chat_id": 4711, "api_url": telegram.api_url}
    channel = await post.channel("telegram", config)
    bot = await post.bot([(channel["id"], "always", None)])
    telegram.fail_next("sendMessage", too_many_requests(retry_after=90))
    run = await post.run(bot["id"], RESULTS)
    assert await post.pump() == 0
    row = (await post.sent(run["id"]))[channel["id"]]
    assert row["status"] == "pending" and row["attempts"] == 1 and row["error_message"]

    post.clock.advance(seconds=89)  # Telegram asked for 90 s: longer than our first pause (30 s)
    assert await post.pump() == 0 and len(telegram.sent) == 0
    post.clock.advance(seconds=1)
    assert await post.pump() == 1
    row = (await post.sent(run["id"]))[channel["id"]]
    assert row["status"] == "sent" and row["attempts"] == 2 and row["error_message"] is None
    assert len(telegram.sent) == 1
    assert telegram.token not in str(row)


async def test_apprise_short(post: Post, hook: WebhookReceiver) -> None:
    channel = await post.channel("apprise", {"url": f"json://127.0.0.1:{hook.port}/apprise"})
    bot = await post.bot([(channel["id"], "always", None)])
    await post.run(bot["id"], RESULTS)
    assert await post.pump() == 1
    (request,) = hook.requests
    body = request.json()
    assert body["title"] == "🛒 eBay-Scout — 3 neue Treffer" and "Adidas" not in body["message"]


async def test_webhook_full_payload(post: Post, hook: WebhookReceiver) -> None:
    channel = await post.channel("webhook", {"url": hook.url(), "headers": {"X-Team": "ops"}})
    bot = await post.bot([(channel["id"], "always", None)])
    run = await post.run(bot["id"], RESULTS)
    await post.pump()
    (request,) = hook.requests
    body = request.json()
    assert set(body) >= {
        "event", "bot_id", "bot_name", "run_id", "status", "output", "is_new",
        "tokens_in", "tokens_out", "cost_estimate", "finished_at",
    }  # fmt: skip
    assert body["output"] == RESULTS and body["run_id"] == run["id"] and request.headers["x-team"] == "ops"


async def test_summary_is_written_by_the_bots_model_and_paid_by_the_run(post: Post, hook: WebhookReceiver) -> None:
    channel = await post.channel("webhook", {"url": hook.url()})
    other = await post.channel("webhook", {"url": hook.url("/also")}, name="also")
    bot = await post.bot([(channel["id"], "always", "summary"), (other["id"], "always", "summary")])
    run = await post.run(bot["id"], RESULTS, prompt_tokens=100, completion_tokens=40)
    post.fake.script(text("Drei neue Sneaker-Angebote, ab 55 €.", prompt_tokens=30, completion_tokens=9))
    assert await post.pump() == 2

    bodies = [request.json() for request in hook.requests]
    assert [body["summary"] for body in bodies] == ["Drei neue Sneaker-Angebote, ab 55 €."] * 2
    assert len(post.fake.chat_requests) == 2  # the run, then one summary for both channels
    after = (await post.http.get(f"/api/runs/{run['id']}")).json()
    assert (after["tokens_in"], after["tokens_out"]) == (130, 49)


async def test_a_failed_summary_falls_back_to_the_full_text(post: Post, hook: WebhookReceiver) -> None:
    channel = await post.channel("webhook", {"url": hook.url()})
    bot = await post.bot([(channel["id"], "always", "summary")])
    run = await post.run(bot["id"], RESULTS)
    post.fake.script(error(500, None, "boom"), error(500, None, "boom"), error(500, None, "boom"))
    assert await post.pump() == 1
    (request,) = hook.requests
    assert request.json()["output"] == RESULTS
    assert (await post.sent(run["id"]))[channel["id"]]["status"] == "sent"


# -- retries -------------------------------------------------------------------------------------------------
async def test_backoff_five_attempts_then_failed(post: Post) -> None:
    with WebhookReceiver(default=Reply(503)) as down:
        channel = await post.channel("webhook", {"url": down.url()})
        bot = await post.bot([(channel["id"], "always", None)])
        run = await post.run(bot["id"], RESULTS)
        waits = []
        for attempt in range(1, MAX_ATTEMPTS + 1):
            await post.pump()
            row = (await post.sent(run["id"]))[channel["id"]]
            assert row["attempts"] == attempt and len(down.requests) == attempt
            if attempt < MAX_ATTEMPTS:
                assert row["status"] == "pending" and "503" in row["error_message"]
                waits.append(row["next_attempt_at"])
                await post.pump()  # not due yet: nothing happens
                assert len(down.requests) == attempt
                post.clock.advance(seconds=BACKOFF_SECONDS[attempt - 1])
        assert row["status"] == "failed"
        ids = {request.headers["webhook-id"] for request in down.requests}
        assert len(ids) == 1  # every attempt carries the same delivery id
        assert len(waits) == MAX_ATTEMPTS - 1
        listed = (await post.http.get(f"/api/channels/{channel['id']}")).json()
        assert listed["status"] == "error" and "503" in listed["error_message"]


async def test_a_later_success_clears_the_channels_error(post: Post) -> None:
    with WebhookReceiver() as flaky:
        flaky.script(500)
        channel = await post.channel("webhook", {"url": flaky.url()})
        bot = await post.bot([(channel["id"], "always", None)])
        run = await post.run(bot["id"], RESULTS)
        await post.pump()
        assert (await post.http.get(f"/api/channels/{channel['id']}")).json()["status"] == "error"
        post.clock.advance(seconds=BACKOFF_SECONDS[0])
        assert await post.pump() == 1
        assert (await post.sent(run["id"]))[channel["id"]]["attempts"] == 2
        assert (await post.http.get(f"/api/channels/{channel['id']}")).json()["status"] == "connected"


# -- quiet hours ---------------------------------------------------------------------------------------------
async def test_quiet_hours_across_midnight_hold_and_send_one_digest_per_channel(
    post: Post, hook: WebhookReceiver, smtp: SmtpServer
) -> None:
    await post.settings(quiet_hours={"start": "23:00", "end": "07:00"})
    webhook = await post.channel("webhook", {"url": hook.url()})
    mail = await post.channel("email", smtp.channel_config())
    bot = await post.bot([(webhook["id"], "always", None), (mail["id"], "always", None)])

    post.clock.advance_to(START.replace(hour=21, minute=59))  # 22:59 in Berlin: not quiet yet
    before = await post.run(bot["id"], "1 neuer Treffer: Fahrrad")
    await post.pump()
    assert (await post.sent(before["id"]))[webhook["id"]]["status"] == "sent"
    hook.requests.clear()
    smtp.messages.clear()

    runs = []
    for moment in ("22:30", "01:15", "05:59"):  # UTC: 23:30, 02:15, 06:59 in Berlin, across midnight
        hour, minute = map(int, moment.split(":"))
        day = START + timedelta(days=1 if hour < 12 else 0)
        post.clock.advance_to(day.replace(hour=hour, minute=minute))
        runs.append(await post.run(bot["id"], f"Neu um {moment}: ein Angebot"))
        await post.pump()
    assert hook.requests == [] and smtp.messages == []
    for run in runs:
        rows = await post.sent(run["id"])
        assert rows[webhook["id"]]["status"] == "held" and rows[mail["id"]]["status"] == "held"
        assert rows["in_app"]["status"] == "sent"  # the app stores everything at once

    post.clock.advance(seconds=59)
    assert await post.pump() == 0  # 06:59:59
    post.clock.advance(seconds=1)  # 07:00 in Berlin: the window ends
    assert await post.pump() == 6
    (digest,) = hook.requests
    body = digest.json()
    assert body["event"] == "digest" and [item["run_id"] for item in body["items"]] == [r["id"] for r in runs]
    (letter,) = smtp.messages
    assert "3" in letter.mail["Subject"]
    for run in runs:
        assert all(row["status"] == "sent" for row in (await post.sent(run["id"])).values())
    await post.pump()
    assert len(hook.requests) == 1 and len(smtp.messages) == 1  # nothing twice


async def test_a_digest_that_fails_is_retried_whole(post: Post) -> None:
    await post.settings(quiet_hours={"start": "12:00", "end": "14:00"})
    with WebhookReceiver() as hook:
        hook.script(502)
        channel = await post.channel("webhook", {"url": hook.url()})
        bot = await post.bot([(channel["id"], "always", None)])
        first = await post.run(bot["id"], "Eins: neu")
        second = await post.run(bot["id"], "Zwei: neu")
        post.clock.advance(hours=1)  # 14:00 in Berlin
        assert await post.pump() == 0
        post.clock.advance(seconds=BACKOFF_SECONDS[0])
        assert await post.pump() == 2
        assert [len(r.json()["items"]) for r in hook.requests] == [2, 2]
        assert len({r.headers["webhook-id"] for r in hook.requests}) == 1
        for run in (first, second):
            assert (await post.sent(run["id"]))[channel["id"]]["status"] == "sent"


# -- events --------------------------------------------------------------------------------------------------
async def test_events_reach_error_channels_only(post: Post, hook: WebhookReceiver) -> None:
    errors = await post.channel("webhook", {"url": hook.url("/errors")}, name="errors")
    results = await post.channel("webhook", {"url": hook.url("/results")}, name="results")
    bot = await post.bot([(errors["id"], "on_error", None), (results["id"], "on_results", None)])
    await post.pump()  # the first pass marks older events as history
    await post.http.patch(f"/api/bots/{bot['id']}", json={"budget_daily_usd": 0})
    post.fake.set_default(text(RESULTS))
    run = await post.run(bot["id"])
    assert run["error_code"] == "budget_exceeded"
    await post.pump()

    events = [request.json() for request in hook.requests if request.path == "/errors"]
    kinds = {body["event"] for body in events}
    assert {"run.failed", "budget_exceeded"} <= kinds, events
    assert all(request.path == "/errors" for request in hook.requests)
    feed = (await post.http.get("/api/notifications")).json()
    assert any(item.get("event_id") for item in feed)


async def test_a_key_that_stops_working_is_told(post: Post, hook: WebhookReceiver) -> None:
    channel = await post.channel("webhook", {"url": hook.url()})
    bot = await post.bot([(channel["id"], "on_error", None)])
    await post.pump()
    post.fake.script(error(401, "invalid_api_key", "Incorrect API key provided"))
    await post.run(bot["id"])
    await post.pump()
    kinds = [request.json()["event"] for request in hook.requests]
    assert "run.failed" in kinds and any("credential" in kind for kind in kinds), kinds


# -- Telegram pairing through the API ------------------------------------------------------------------------
async def test_pairing_binds_the_chat_that_sent_the_code(post: Post, telegram: FakeTelegram) -> None:
    created = await post.channel("telegram", {"bot_token": telegram.token, "api_url": telegram.api_url})
    assert created["status"] == "pending" and created["pairing_code"]
    assert telegram.token not in str(created)
    pending = (await post.http.post(f"/api/channels/{created['id']}/pair")).json()
    assert pending["status"] == "pending"  # nobody sent the code yet

    telegram.add_message(1001, created["pairing_code"], from_name="Ada")
    telegram.add_message(2002, "hello bot", from_name="Mallory")  # wrote last, without the code
    paired = (await post.http.post(f"/api/channels/{created['id']}/pair")).json()
    assert paired["status"] == "connected" and str(paired["config"]["chat_id"]) == "1001"
    assert paired.get("pairing_code") is None
    assert [str(message.chat_id) for message in telegram.sent] == ["1001"]  # the test message

    bot = await post.bot([(created["id"], "always", None)])
    await post.run(bot["id"], RESULTS)
    await post.pump()
    assert [str(message.chat_id) for message in telegram.sent] == ["1001", "1001"]


async def test_channel_test_endpoint(post: Post, smtp: SmtpServer) -> None:
    channel = await post.channel("email", smtp.channel_config())
    tested = (await post.http.post(f"/api/channels/{channel['id']}/test")).json()
    assert tested["status"] == "connected" and len(smtp.messages) == 1
    broken = await post.channel("email", smtp.channel_config(smtp_pass="nope"), name="broken")
    tested = (await post.http.post(f"/api/channels/{broken['id']}/test")).json()
    assert tested["status"] == "error" and tested["error_message"].startswith("SMTP-Anmeldung fehlgeschlagen")


# -- after a crash -------------------------------------------------------------------------------------------
async def test_rows_left_sending_by_a_crash(post: Post, hook: WebhookReceiver, smtp: SmtpServer) -> None:
    """A webhook is sent again with the same delivery id (receivers deduplicate); an e-mail is not, since it may
    have arrived: it is marked failed, in plain words, rather than risk a second mail."""
    webhook = await post.channel("webhook", {"url": hook.url()})
    mail = await post.channel("email", smtp.channel_config())
    bot = await post.bot([(webhook["id"], "always", None), (mail["id"], "always", None)])
    run = await post.run(bot["id"], RESULTS)
    rows = await post.sent(run["id"])
    claimed = await post.svc.dispatcher._claim([rows[webhook["id"]]["id"], rows[mail["id"]]["id"]], "pending")
    assert len(claimed) == 2  # as if the process died right after claiming them

    await post.svc.dispatcher.start()  # what a restart does
    await post.svc.dispatcher.stop()
    await post.pump()
    rows = await post.sent(run["id"])
    assert rows[webhook["id"]]["status"] == "sent" and rows[webhook["id"]]["attempts"] == 2
    assert hook.requests[0].headers["webhook-id"] == rows[webhook["id"]]["id"]
    assert rows[mail["id"]]["status"] == "failed" and smtp.messages == []
    assert "doppelte" in rows[mail["id"]]["error_message"]


async def test_one_row_per_run_and_channel(post: Post, hook: WebhookReceiver) -> None:
    """The database itself refuses a second notification for the same (run, channel)."""
    from sqlalchemy.exc import IntegrityError

    from openorchestrator.core.ids import new_id
    from openorchestrator.db.models import Notification

    channel = await post.channel("webhook", {"url": hook.url()})
    bot = await post.bot([(channel["id"], "always", None)])
    run = await post.run(bot["id"], RESULTS)
    async with post.svc.sessionmaker() as session:
        session.add(
            Notification(
                id=new_id(), channel_id=channel["id"], run_id=run["id"], bot_id=bot["id"], format="full",
                status="pending", attempts=0, next_attempt_at=post.clock.now(), subject="x",
                created_at=post.clock.now(),
            )
        )  # fmt: skip
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_a_digest_cut_off_by_a_crash_goes_again_as_the_same_digest(post: Post, hook: WebhookReceiver) -> None:
    await post.settings(quiet_hours={"start": "12:00", "end": "14:00"})
    channel = await post.channel("webhook", {"url": hook.url()})
    bot = await post.bot([(channel["id"], "always", None)])
    runs = [await post.run(bot["id"], f"{n}: neu") for n in ("Eins", "Zwei")]
    post.clock.advance(hours=1)  # 14:00 in Berlin
    ids = [(await post.sent(run["id"]))[channel["id"]]["id"] for run in runs]
    claimed = await post.svc.dispatcher._claim(ids, "held", "digest-before-the-crash")
    assert len(claimed) == 2  # as if the process died while sending the digest

    await post.svc.dispatcher.start()  # what a restart does
    await post.svc.dispatcher.stop()
    assert await post.pump() == 2
    (request,) = hook.requests
    assert request.headers["webhook-id"] == "digest-before-the-crash"
    assert [item["run_id"] for item in request.json()["items"]] == [run["id"] for run in runs]


def test_quiet_hours_ending_in_the_spring_gap_end_at_the_jump() -> None:
    """23:00–02:30 in Berlin on 29 March 2026: 02:30 does not exist that night (02:00 → 03:00)."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from openorchestrator.notifications.outbox import quiet_until

    berlin = ZoneInfo("Europe/Berlin")
    ends = quiet_until(datetime(2026, 3, 28, 23, 30, tzinfo=UTC), berlin, ("23:00", "02:30"))  # 00:30 CET
    assert ends == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 CEST, the moment of the jump
    assert quiet_until(datetime(2026, 3, 29, 1, 10, tzinfo=UTC), berlin, ("23:00", "02:30")) is None
    normal = quiet_until(datetime(2026, 3, 10, 23, 30, tzinfo=UTC), berlin, ("23:00", "07:00"))
    assert normal == datetime(2026, 3, 11, 6, 0, tzinfo=UTC)


async def test_an_event_committed_behind_the_mark_is_still_sent(post: Post, hook: WebhookReceiver) -> None:
    """Another process made the event's id first but committed it after a newer one was already handled."""
    from openorchestrator.core.ids import new_id
    from openorchestrator.events.record import record_event

    channel = await post.channel("webhook", {"url": hook.url()})
    bot = await post.bot([(channel["id"], "on_error", None)])
    late_id = new_id()  # made first …
    async with post.svc.sessionmaker() as session:
        record_event(session, "bot_stale", "newer", bot_id=bot["id"], now=post.clock.now())
        await session.commit()
    await post.pump()  # … the newer one is handled and marked
    async with post.svc.sessionmaker() as session:
        event = record_event(session, "bot_stale", "late", bot_id=bot["id"], now=post.clock.now())
        event.id = late_id  # … and committed only now, behind the mark
        await session.commit()
    await post.pump()
    await post.pump()
    assert sorted(request.json()["message"] for request in hook.requests) == ["late", "newer"]
