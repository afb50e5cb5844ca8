"""The Telegram channel through the real python-telegram-bot, against the local Bot API stand-in."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import traceback
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError
from tests.support.fake_telegram import (
    DEFAULT_TOKEN,
    ErrorReply,
    FakeTelegram,
    bot_blocked,
    drop,
    placeholder_token,
    too_many_requests,
    webhook_conflict,
)

from openorchestrator.channels import registry
from openorchestrator.channels.base import Message, SendError
from openorchestrator.channels.types.telegram import (
    TelegramChannel,
    TelegramConfig,
    check_token,
    find_chat,
    new_pairing_code,
)

CHAT = 4711
OTHER_TOKEN = placeholder_token(987654321, "rejected-by-the-fake")


@pytest.fixture
def api() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=DEFAULT_TOKEN) as server:
        yield server


@pytest.fixture
def channel() -> TelegramChannel:
    return TelegramChannel()


def config_for(api: FakeTelegram, **changes: Any) -> dict[str, Any]:
    return {"bot_token": api.token, "chat_id": CHAT, "api_url": api.api_url, **changes}


def message(subject: str = "🛒 eBay-Scout — 3 neue Treffer", text: str = "Alles gut.") -> Message:
    return Message(subject=subject, text=text, html=None, payload={}, delivery_id="d-1", language="de")


def all_words(error: SendError) -> str:
    """Everything a person or a log could see of the error, traceback included."""
    return "\n".join([*error.texts.values(), str(error), repr(error), *traceback.format_exception(error)])


# --- sending --------------------------------------------------------------------------------------------------


async def test_send_bolds_the_subject_and_escapes_user_text(api: FakeTelegram, channel: TelegramChannel) -> None:
    api.add_chat(CHAT)
    await channel.send(config_for(api), message(subject="Scout <b>&", text="Preis <b>5 & 6</b> <script>"))

    [sent] = api.sent
    assert sent.chat_id == CHAT
    assert sent.parse_mode == "HTML"
    assert sent.text == "<b>Scout &lt;b&gt;&amp;</b>\n\nPreis &lt;b&gt;5 &amp; 6&lt;/b&gt; &lt;script&gt;"
    assert sent.plain == "Scout <b>&\n\nPreis <b>5 & 6</b> <script>"


@pytest.mark.parametrize("piece", ["a&<", "😀"], ids=["escaped", "surrogate-pairs"])
async def test_long_text_is_cut_to_fit_with_an_ellipsis(
    api: FakeTelegram, channel: TelegramChannel, piece: str
) -> None:
    api.add_chat(CHAT)
    await channel.send(config_for(api), message(subject="Lang", text=piece * 3000))

    [sent] = api.sent
    units = len(sent.plain.encode("utf-16-le")) // 2
    assert 4000 < units <= 4096
    assert sent.plain.startswith("Lang\n\n" + piece)
    assert sent.plain.endswith("…")


@pytest.mark.parametrize(
    ("language", "words"),
    [("de", "✅ openOrchestrator ist verbunden."), ("en", "✅ openOrchestrator is connected.")],
)
async def test_test_message(api: FakeTelegram, channel: TelegramChannel, language: Any, words: str) -> None:
    api.add_chat(CHAT)
    await channel.test(config_for(api), language)
    assert [m.plain for m in api.sent] == [words]


async def test_not_paired_yet_sends_nothing(api: FakeTelegram, channel: TelegramChannel) -> None:
    with pytest.raises(SendError) as caught:
        await channel.send(config_for(api, chat_id=None), message())
    assert not caught.value.transient
    assert "nicht gekoppelt" in caught.value.text("de") and "not paired" in caught.value.text("en")
    assert api.calls == []


# --- pairing --------------------------------------------------------------------------------------------------


def test_pairing_codes_are_short_and_unambiguous() -> None:
    codes = {new_pairing_code() for _ in range(200)}
    assert len(codes) > 190
    for code in codes:
        assert re.fullmatch(r"OO-[2-9]{4}-[A-Z]{2}", code), code
        assert not set(code[-2:]) & set("BILOSZ"), code


async def test_pairing_binds_the_chat_that_sent_the_code(api: FakeTelegram) -> None:
    code = new_pairing_code()
    api.add_message(111, "hallo bot", from_name="Eve")
    api.add_message(222, f"  Mein Code: {code.lower()}  ", from_name="Ada")
    api.add_message(333, "ich schreibe als Letzte", from_name="Mallory")

    assert await find_chat(config_for(api, chat_id=None), code) == "222"
    [poll] = api.calls_of("getUpdates")
    assert poll.params["timeout"] == "0"  # no long polling


async def test_pairing_takes_the_newest_message_with_the_code(api: FakeTelegram) -> None:
    code = new_pairing_code()
    api.add_message(-1001234567890, f"{code}", from_name="Familie")
    api.add_message(222, code)
    assert await find_chat(config_for(api, chat_id=None), code) == "222"


async def test_pairing_without_the_code_finds_nothing(api: FakeTelegram) -> None:
    config = config_for(api, chat_id=None)
    assert await find_chat(config, "OO-2345-AC") is None
    api.add_message(111, "OO-2345-AD")
    assert await find_chat(config, "OO-2345-AC") is None


async def test_check_token_names_the_bot(api: FakeTelegram) -> None:
    assert await check_token({"bot_token": api.token, "api_url": api.api_url}) == "@oo_test_bot"


async def test_a_webhook_blocks_pairing_in_plain_words(api: FakeTelegram) -> None:
    api.fail_next("getUpdates", webhook_conflict())
    with pytest.raises(SendError) as caught:
        await find_chat(config_for(api), "OO-2345-AC")
    assert not caught.value.transient
    assert "Webhook" in caught.value.text("de")


# --- failures -------------------------------------------------------------------------------------------------


async def test_flood_control_is_transient_with_retry_after(api: FakeTelegram, channel: TelegramChannel) -> None:
    api.add_chat(CHAT)
    api.fail_next("sendMessage", too_many_requests(retry_after=3))
    with pytest.raises(SendError) as caught:
        await channel.send(config_for(api), message())
    assert caught.value.transient
    assert caught.value.retry_after == 3

    await channel.send(config_for(api), message())  # one-shot: the next attempt goes through
    assert len(api.sent) == 1


@pytest.mark.parametrize(
    "attempt",
    [
        lambda api: TelegramChannel().send(config_for(api, bot_token=OTHER_TOKEN), message()),
        lambda api: check_token(config_for(api, bot_token=OTHER_TOKEN)),
        lambda api: find_chat(config_for(api, bot_token=OTHER_TOKEN), "OO-2345-AC"),
    ],
    ids=["send", "check_token", "find_chat"],
)
async def test_invalid_token_is_final_and_never_shown(api: FakeTelegram, attempt: Any) -> None:
    with pytest.raises(SendError) as caught:
        await attempt(api)
    error = caught.value
    assert not error.transient
    assert error.texts == {"de": "Der Telegram-Bot-Token ist ungültig.", "en": "The Telegram bot token is invalid."}
    assert OTHER_TOKEN not in all_words(error)
    assert OTHER_TOKEN.split(":")[1] not in all_words(error)
    assert [call.token for call in api.calls] == [OTHER_TOKEN]  # it really asked Telegram


async def test_unknown_chat_says_pair_again(api: FakeTelegram, channel: TelegramChannel) -> None:
    with pytest.raises(SendError) as caught:
        await channel.send(config_for(api, chat_id=999), message())
    assert not caught.value.transient
    assert "neu koppeln" in caught.value.text("de")


async def test_blocked_bot_is_final(api: FakeTelegram, channel: TelegramChannel) -> None:
    api.add_chat(CHAT)
    api.fail_next("sendMessage", bot_blocked())
    with pytest.raises(SendError) as caught:
        await channel.send(config_for(api), message())
    assert not caught.value.transient
    assert "blockiert" in caught.value.text("de")


async def test_a_dropped_connection_is_transient(api: FakeTelegram, channel: TelegramChannel) -> None:
    api.add_chat(CHAT)
    api.fail_next("sendMessage", drop())
    with pytest.raises(SendError) as caught:
        await channel.send(config_for(api), message())
    assert caught.value.transient
    assert api.token not in all_words(caught.value)


async def test_an_address_that_is_no_bot_api_is_not_called_a_bad_token(api: FakeTelegram) -> None:
    api.fail_next("getMe", ErrorReply(404, "<html><body>404 Not Found</body></html>"))
    with pytest.raises(SendError) as caught:
        await check_token(config_for(api))
    assert not caught.value.transient
    assert "API-Adresse prüfen" in caught.value.text("de")
    assert api.token not in all_words(caught.value)


async def test_no_log_record_holds_the_token(
    api: FakeTelegram, channel: TelegramChannel, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("", "telegram", "httpx", "httpcore"):
        caplog.set_level(logging.DEBUG, logger=name)
    api.add_chat(CHAT)
    await channel.send(config_for(api), message())
    api.fail_next("sendMessage", drop())
    for attempt in (channel.send(config_for(api), message()), check_token(config_for(api, bot_token=OTHER_TOKEN))):
        with pytest.raises(SendError):
            await attempt

    assert {r.name for r in caplog.records} >= {"telegram.Bot", "httpx"}  # they did log, URLs included
    assert any("/bot<token>/sendMessage" in r.getMessage() for r in caplog.records)
    for secret in (api.token, OTHER_TOKEN):
        for record in caplog.records:
            assert secret not in record.getMessage(), record.name
            assert secret not in repr(record.args), record.name
        assert secret not in caplog.text


# --- configuration --------------------------------------------------------------------------------------------


def test_config_accepts_a_token_and_tidies_the_address() -> None:
    config = TelegramConfig.model_validate(
        {"bot_token": f" {DEFAULT_TOKEN}\n", "api_url": "https://tg.example.org:8081/bot/", "chat_id": ""}
    )
    assert config.bot_token == DEFAULT_TOKEN
    assert config.api_url == "https://tg.example.org:8081"
    assert config.chat_id is None
    assert TelegramConfig.model_validate({"bot_token": DEFAULT_TOKEN}).api_url == "https://api.telegram.org"


@pytest.mark.parametrize("token", ["", "abc", "123456789:tooShort", "123456789 test-placeholder-not-a-real-token"])
def test_config_rejects_a_bad_token_without_echoing_it(token: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TelegramConfig.model_validate({"bot_token": token})
    assert "not a Telegram bot token" in str(caught.value)
    assert caught.value.errors()[0]["loc"] == ("bot_token",)
    if token:
        assert token not in str(caught.value)


@pytest.mark.parametrize(
    ("api_url", "words"),
    [
        ("ftp://api.telegram.org", "http:// or https://"),
        ("api.telegram.org", "http:// or https://"),
        ("https://user:pw@api.telegram.org", "user name or password"),
        ("https://api.telegram.org/?x=1", "query"),
        ("https://api.telegram.org:99999", "port"),
    ],
)
def test_config_rejects_a_bad_api_url(api_url: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TelegramConfig.model_validate({"bot_token": DEFAULT_TOKEN, "api_url": api_url})
    assert words in str(caught.value)
    assert caught.value.errors()[0]["loc"] == ("api_url",)


def test_config_rejects_unknown_fields_and_odd_chat_ids() -> None:
    with pytest.raises(ValidationError):
        TelegramConfig.model_validate({"bot_token": DEFAULT_TOKEN, "token": "x"})
    with pytest.raises(ValidationError, match="chat id"):
        TelegramConfig.model_validate({"bot_token": DEFAULT_TOKEN, "chat_id": "my chat"})


# --- plugin ---------------------------------------------------------------------------------------------------


def test_registered_and_lazy() -> None:
    kind = registry.get("telegram")
    assert isinstance(kind, TelegramChannel)
    assert kind.secret_fields == {"bot_token"} and kind.default_format == "short"
    code = "import sys, openorchestrator.channels.types.telegram; assert 'telegram' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=30)
