"""`GET /api/templates`: every template, in both languages, becomes a working bot through the real
`POST /api/bots`; its tools exist, its schedule parses, and the Web-Scout's answers are the ones the
"new results" rule understands."""

from __future__ import annotations

import re
from typing import Any

import httpx2
import pytest
from tests.conftest import TEST_KEY, error_of

from openorchestrator.core.schedule_text import describe
from openorchestrator.notifications.rules import has_results

LANGUAGES = ("de", "en")
IDS = ("web_scout", "summary", "translator", "mail_reply", "research")
BOT_FIELDS = ("name", "description", "emoji", "prompt", "tools", "schedule", "max_runtime_seconds")
"""The template fields a `POST /api/bots` body takes as they are (the UI adds the model)."""


async def templates(client: httpx2.AsyncClient, language: str) -> list[dict[str, Any]]:
    response = await client.get("/api/templates", params={"language": language})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def save_credential(client: httpx2.AsyncClient) -> None:
    """An OpenAI key saved without its check: no model list, so the bot may name any model."""
    body = {"type": "openai", "api_key": TEST_KEY}
    response = await client.post("/api/providers", params={"validate": "false"}, json=body)
    assert response.status_code == 201, response.text


async def test_the_five_templates_exist_in_both_languages_with_the_same_ids(client: httpx2.AsyncClient) -> None:
    german, english = await templates(client, "de"), await templates(client, "en")

    assert [t["id"] for t in german] == [t["id"] for t in english]
    assert set(IDS) <= {t["id"] for t in german}
    assert {t["language"] for t in german} == {"de"} and {t["language"] for t in english} == {"en"}
    neutral = ("id", "category", "emoji", "tools", "schedule", "notify_rule", "format", "needs_input", "model_tier")
    for de, en in zip(german, english, strict=True):
        assert {key: de[key] for key in neutral} == {key: en[key] for key in neutral}
        assert de["prompt"] != en["prompt"] and de["name"] and en["name"]
    names = {t["id"]: t["name"] for t in german}
    assert names["web_scout"] == "Web-Scout" and names["summary"] == "Zusammenfassung"
    assert names["translator"] == "Übersetzer" and names["mail_reply"] == "Mail-Antwort"
    assert names["research"] == "Recherche"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template_id", IDS)
async def test_a_template_becomes_a_bot_as_it_is(client: httpx2.AsyncClient, language: str, template_id: str) -> None:
    await save_credential(client)
    assert (await client.patch("/api/settings", json={"language": language})).status_code == 200
    template = (await client.get(f"/api/templates/{template_id}")).json()
    assert template["language"] == language  # the app's language is the default

    body = {key: template[key] for key in BOT_FIELDS} | {"model": "openai:gpt-4.1-mini"}
    response = await client.post("/api/bots", json=body)

    assert response.status_code == 201, response.text
    bot = response.json()
    assert {key: bot[key] for key in BOT_FIELDS} == {key: template[key] for key in BOT_FIELDS}
    assert bot["schedule_description"] == template["schedule_description"]
    assert (bot["next_run_at"] is None) == (template["schedule"] is None)


async def test_template_tools_are_registered_and_schedules_read_in_plain_words(client: httpx2.AsyncClient) -> None:
    registered = {tool["name"] for tool in (await client.get("/api/tools")).json()}
    for language in LANGUAGES:
        for template in await templates(client, language):
            assert set(template["tools"]) <= registered, template["id"]
            if template["schedule"] is None:
                assert template["schedule_description"] is None
                continue
            assert template["schedule_description"] == describe(template["schedule"], language)  # type: ignore[arg-type]
            preview = await client.get("/api/schedule/preview", params={"cron": template["schedule"]})
            assert preview.status_code == 200, preview.text
            assert len(preview.json()["next_runs"]) == 5


async def test_bots_that_work_on_a_text_say_so_and_on_demand_bots_have_no_schedule(
    client: httpx2.AsyncClient,
) -> None:
    by_id = {t["id"]: t for t in await templates(client, "de")}
    for template_id in ("summary", "translator", "mail_reply"):
        assert by_id[template_id]["needs_input"] is True
        assert by_id[template_id]["input_placeholder"]
    assert by_id["translator"]["schedule"] is None
    assert by_id["web_scout"]["needs_input"] is False and by_id["web_scout"]["schedule"]


@pytest.mark.parametrize(
    ("language", "no_results_marker"), [("de", "antworte nur"), ("en", "answer only")], ids=LANGUAGES
)
async def test_the_web_scouts_answers_are_the_ones_the_results_rule_understands(
    client: httpx2.AsyncClient, language: str, no_results_marker: str
) -> None:
    scout = (await client.get("/api/templates/web_scout", params={"language": language})).json()
    prompt = scout["prompt"]

    nothing = re.search(no_results_marker + r': "([^"]+)"', prompt)
    assert nothing, prompt
    count = re.search(r'"(3 [^"]+:)"', prompt)
    assert count, prompt

    assert not has_results(nothing.group(1), None)  # "Keine neuen Treffer." / "No new results."
    assert has_results(count.group(1) + "\n- Nike AM90, 55 € (Berlin) – https://example.org/1", None)
    assert scout["notify_rule"] == "on_results"
    assert {"web_search", "files"} <= set(scout["tools"])  # it searches and keeps what it has seen


async def test_an_unknown_template_is_a_404_in_the_error_shape(client: httpx2.AsyncClient) -> None:
    error = error_of(await client.get("/api/templates/nope"), 404, "not_found")
    assert "nope" in error["message"]


async def test_an_unknown_language_is_refused(client: httpx2.AsyncClient) -> None:
    error = error_of(await client.get("/api/templates", params={"language": "fr"}), 422, "invalid_input")
    assert error["details"][0]["field"] == "language"
