"""Runs as a person sees them on the shared, lived-in server (`demo`): a failed run explains itself in words
(what happened, what to do) without codes or stack traces; a run started while the dashboard is open shows up
there live, running and then with its result, without a reload; and at 380 px no screen scrolls sideways (nor
has a control without a name).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.e2e_support import (
    App,
    Demo,
    assert_no_horizontal_scroll,
    create_bot,
    locales,
    start_run,
    watch_stream,
)
from tests.support.fake_openai import FakeOpenAI, streamed, text

# What a failed run must never show a person: the provider's raw error, codes, exception names, tracebacks.
RAW = re.compile(r"insufficient_quota|quota_exhausted|\b429\b|ModelQuotaExceededError|Traceback|status_code")

# An aria snapshot line for a control with no accessible name: `- button`, `- link:`, `- textbox [disabled]`.
UNNAMED = re.compile(r"^\s*- (button|link|textbox|combobox|switch|checkbox|radio|spinbutton)( \[[^\]]*\])?:?\s*$")
SERVER_WORDS = re.compile(r"^(Kein Guthaben|No credit left) — ")
FAILED = {
    "de-DE": {
        "message": "Kein Guthaben — bitte das Konto bei OpenAI-compatible aufladen.",
        "what": "Was tun?",
        "hint": "Lade es dort auf",
        "providers": "KI-Anbieter öffnen",
        "failed": "Fehlgeschlagen",
        "results": "Ergebnisse",
    },
    "en-US": {
        "message": "No credit left — please top up your OpenAI-compatible account.",
        "what": "What to do",
        "hint": "Top it up",
        "providers": "Open AI providers",
        "failed": "Failed",
        "results": "Results",
    },
}


@locales
def test_a_failed_run_explains_itself_on_the_run_and_the_bot_page(page: Page, demo: Demo, locale: str) -> None:
    words = FAILED[locale]
    page.goto(f"/runs/{demo.failed_run}")
    main = page.get_by_role("main")
    expect(main.get_by_text(words["failed"], exact=True).first).to_be_visible()
    expect(main.get_by_text(words["what"], exact=True)).to_be_visible()
    expect(main.get_by_text(words["hint"])).to_be_visible()
    expect(main.get_by_role("link", name=words["providers"])).to_have_attribute("href", "/providers")
    expect(main.get_by_text(SERVER_WORDS)).to_be_visible()  # the server's friendly sentence, in some language
    assert not RAW.search(main.inner_text()), main.inner_text()
    detail_says = main.get_by_text(SERVER_WORDS).inner_text()

    page.goto(f"/bots/{demo.failed_bot}")
    main = page.get_by_role("main")
    results = main.get_by_role("list", name=words["results"])
    expect(results.get_by_role("img", name=words["failed"])).to_be_visible()
    expect(results.get_by_text(SERVER_WORDS)).to_be_visible()
    assert not RAW.search(main.inner_text()), main.inner_text()

    # The server words the message once, when the run fails, in the app's language of that moment (German
    # here, the seed ran before any English browser): an English reader gets it in German on both pages.
    if detail_says != words["message"]:
        pytest.xfail(f"run.error_message is stored in the language at failure time: {detail_says!r}")
    expect(results.get_by_text(words["message"])).to_be_visible()


def test_runs_started_with_the_dashboard_open_appear_there_live(
    page: Page, server: App, demo: Demo, llm: FakeOpenAI
) -> None:
    api = server.api()
    bot = create_bot(api, "Live-Bot", emoji="⚡")
    page.goto("/")
    card = page.get_by_role("article").filter(has=page.get_by_role("heading", name=re.compile("^Live-Bot")))
    expect(card).to_be_visible()
    expect(card.get_by_role("list", name="Ergebnisse")).to_have_count(0)  # no result yet
    page.wait_for_load_state("networkidle")
    results = card.get_by_role("list", name="Ergebnisse").get_by_role("link")

    # Started elsewhere (the API, as a schedule or the CLI would): the open dashboard hears of it by itself.
    llm.script(streamed(text("Erster Lauf: alles im grünen Bereich, nichts zu tun."), interval=0.2, pieces=10))
    start_run(api, bot["id"])
    expect(card.get_by_role("heading", name="Live-Bot Läuft")).to_be_visible()  # the running badge
    expect(results.first.get_by_role("img", name="Läuft")).to_be_visible()
    seen = watch_stream(results.first, "nichts zu tun.")  # the answer's gist, while it is written
    assert any("Erster Lauf" in shown and "nichts zu tun." not in shown for shown in seen), seen
    expect(results.first.get_by_role("img", name="Erfolgreich")).to_be_visible()
    expect(card.get_by_role("heading", name="Live-Bot Läuft")).to_have_count(0)

    # Started on the card: the same, and the newer result goes on top.
    llm.script(streamed(text("Zweiter Lauf: eine Sache ist neu."), interval=0.2, pieces=8))
    card.get_by_role("button", name="Live-Bot jetzt ausführen").click()
    expect(card.get_by_role("heading", name="Live-Bot Läuft")).to_be_visible()
    expect(results).to_have_count(2)
    expect(results.first.get_by_role("img", name="Erfolgreich")).to_be_visible()
    expect(results.first).to_contain_text("Zweiter Lauf: eine Sache ist neu.")
    expect(results.nth(1)).to_contain_text("Erster Lauf")
    assert len(llm.chat_requests) == 2

    # A run's page opened while it runs: the answer is written there as it arrives, then the run is done.
    final = "Dritter Lauf: die Antwort steht jetzt vollständig hier."
    llm.script(streamed(text(final), interval=0.2, pieces=10))
    run = start_run(api, bot["id"])
    page.goto(f"/runs/{run['id']}")
    main = page.get_by_role("main")
    expect(main.get_by_text("Das Ergebnis wird gerade geschrieben …")).to_be_visible()
    seen = watch_stream(main, final)
    assert any("Dritter Lauf" in shown and final not in shown for shown in seen), seen
    expect(main.get_by_text("Erfolgreich", exact=True)).to_be_visible()
    expect(main.get_by_text("Das Ergebnis wird gerade geschrieben …")).to_have_count(0)


@pytest.mark.parametrize("viewport", ["mobile"], indirect=True)
@locales
def test_no_screen_scrolls_sideways_at_380_px(page: Page, demo: Demo) -> None:
    """…and, while there, every control on it has a name a screen reader can say."""
    screens = [
        "/",
        "/templates",
        "/providers",
        f"/bots/{demo.summary_bot}",
        f"/runs/{demo.summary_run}",
        f"/runs/{demo.failed_run}",
        f"/bots/{demo.summary_bot}/edit",
        "/bots/new?template=summary",
        "/welcome?step=provider",
        "/welcome?step=bot",
    ]
    for path in screens:
        page.goto(path)
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert_no_horizontal_scroll(page)
        nameless = [line.strip() for line in page.locator("body").aria_snapshot().splitlines() if UNNAMED.match(line)]
        assert not nameless, f"{path}: controls without an accessible name: {nameless}"
