"""What the onboarding wizard shows per provider type (`GET /api/providers/catalog`): plain data, no SDKs."""

from __future__ import annotations

from typing import Any

from openorchestrator.core.i18n import Language
from openorchestrator.providers.types import PROVIDERS, ProviderType


def _step(de: str, en: str, url: str | None = None) -> dict[str, Any]:
    return {"de": de, "en": en, "url": url}


def _model(name: str, tier: str, de: str, en: str) -> dict[str, str]:
    return {"name": name, "tier": tier, "de": de, "en": en}


_KEY_STEP = _step("Key einfügen → Testen & Speichern", "Paste the key → Test & save")

_ENTRIES: dict[ProviderType, dict[str, Any]] = {
    ProviderType.OPENAI: {
        "emoji": "✨",
        "tagline": {"de": "GPT-5, GPT-4.1", "en": "GPT-5, GPT-4.1"},
        "price_hint": {"de": "ab ~$5/Monat", "en": "from ~$5/month"},
        "key_format": "sk-…",
        "key_prefix": "sk-",
        "steps": [
            _step("Konto anlegen", "Create an account", "https://platform.openai.com/signup"),
            _step(
                "Zahlungsmittel hinterlegen: Settings → Billing",
                "Add a payment method: Settings → Billing",
                "https://platform.openai.com/settings/organization/billing/overview",
            ),
            _step(
                "Key erstellen: Settings → API Keys → Create new key",
                "Create a key: Settings → API Keys",
                "https://platform.openai.com/api-keys",
            ),
            _KEY_STEP,
        ],
        "models": [
            _model("gpt-4.1-nano", "cheap", "Sehr günstig, für einfache Aufgaben", "Very cheap, for simple tasks"),
            _model("gpt-4.1-mini", "good", "Guter Standard: schnell und günstig", "Good default: fast and cheap"),
            _model("gpt-5", "best", "Am fähigsten, teurer", "Most capable, costs more"),
        ],
        "notes": None,
    },
    ProviderType.ANTHROPIC: {
        "emoji": "🟣",
        "tagline": {"de": "Claude", "en": "Claude"},
        "price_hint": {"de": "ab ~$5/Monat", "en": "from ~$5/month"},
        "key_format": "sk-ant-…",
        "key_prefix": "sk-ant-",
        "steps": [
            _step("Konto anlegen", "Create an account", "https://console.anthropic.com"),
            _step(
                "Guthaben kaufen: Settings → Plans & Billing",
                "Buy credits: Settings → Plans & Billing",
                "https://console.anthropic.com/settings/billing",
            ),
            _step(
                "Key erstellen: Settings → API Keys",
                "Create a key: Settings → API Keys",
                "https://console.anthropic.com/settings/keys",
            ),
            _KEY_STEP,
        ],
        "models": [
            _model("claude-haiku-4-5", "cheap", "Schnell und günstig", "Fast and cheap"),
            _model(
                "claude-sonnet-4-5", "good", "Sehr gut für Recherche und Texte", "Very good for research and writing"
            ),
        ],
        "notes": {
            "de": "Der Test macht einen Aufruf mit 1 Token (Bruchteil eines Cents), um das Guthaben zu prüfen.",
            "en": "The check makes one 1-token call (a fraction of a cent) to see whether there is credit.",
        },
    },
    ProviderType.GOOGLE: {
        "emoji": "🔵",
        "tagline": {"de": "Gemini", "en": "Gemini"},
        "price_hint": {"de": "Gratis-Tier", "en": "Free tier"},
        "key_format": "AIza…",
        "key_prefix": "AIza",
        "steps": [
            _step("Bei Google AI Studio anmelden", "Sign in to Google AI Studio", "https://aistudio.google.com"),
            _step("Get API Key → Create", "Get API Key → Create", "https://aistudio.google.com/app/apikey"),
            _KEY_STEP,
        ],
        "models": [
            _model("gemini-2.5-flash-lite", "cheap", "Sehr günstig", "Very cheap"),
            _model("gemini-2.5-flash", "good", "Guter Standard", "Good default"),
        ],
        "notes": {
            "de": "Das Gratis-Tier hat Rate-Limits (z. B. 15 Anfragen pro Minute für Gemini Flash).",
            "en": "The free tier is rate-limited (e.g. 15 requests per minute for Gemini Flash).",
        },
    },
    ProviderType.MISTRAL: {
        "emoji": "🟠",
        "tagline": {"de": "Europäisch", "en": "European"},
        "price_hint": {"de": "ab ~$2/Monat", "en": "from ~$2/month"},
        "key_format": None,
        "key_prefix": None,
        "steps": [
            _step("Konto anlegen", "Create an account", "https://console.mistral.ai"),
            _step(
                "Key erstellen: API Keys → Create",
                "Create a key: API Keys → Create",
                "https://console.mistral.ai/api-keys",
            ),
            _KEY_STEP,
        ],
        "models": [
            _model("mistral-small-latest", "cheap", "Günstig und schnell", "Cheap and fast"),
            _model("mistral-medium-latest", "good", "Guter Standard", "Good default"),
        ],
        "notes": None,
    },
    ProviderType.OLLAMA: {
        "emoji": "💻",
        "tagline": {"de": "Lokal auf deinem Rechner", "en": "Local, on your computer"},
        "price_hint": {"de": "Kostenlos", "en": "Free"},
        "key_format": None,
        "key_prefix": None,
        "steps": [
            _step("Ollama installieren", "Install Ollama", "https://ollama.com/download"),
            _step("Modell laden, z. B.: ollama pull llama3.1:8b", "Pull a model, e.g.: ollama pull llama3.1:8b"),
            _step(
                "Adresse eingeben (meist http://localhost:11434) → Testen",
                "Enter the address (usually http://localhost:11434) → Test",
            ),
        ],
        "models": [
            _model("llama3.1:8b", "cheap", "Für schwächere Rechner", "For modest computers"),
            _model(
                "llama3.1:70b", "good", "Für starke Rechner (viel RAM/GPU)", "For strong machines (lots of RAM/GPU)"
            ),
        ],
        "notes": {
            "de": "Lokale Modelle sind kostenlos, aber langsamer und weniger fähig als Cloud-Modelle.",
            "en": "Local models are free, but slower and less capable than cloud models.",
        },
    },
    ProviderType.OPENAI_COMPATIBLE: {
        "emoji": "🔌",
        "tagline": {"de": "LM Studio, vLLM, OpenRouter, Gateways", "en": "LM Studio, vLLM, OpenRouter, gateways"},
        "price_hint": {"de": "je nach Dienst", "en": "depends on the service"},
        "key_format": None,
        "key_prefix": None,
        "steps": [
            _step(
                "Adresse der OpenAI-kompatiblen API eingeben (meist mit /v1 am Ende)",
                "Enter the OpenAI-compatible API's address (usually ending in /v1)",
            ),
            _step(
                "Key eingeben, falls der Dienst einen verlangt → Testen & Speichern",
                "Enter a key if the service needs one → Test & save",
            ),
        ],
        "models": [],
        "notes": {
            "de": "Kosten werden nur angezeigt, wenn der Dienst bekannte Preise hat; sonst „unbekannt“.",
            "en": "Costs are shown only when the service has known prices; otherwise “unknown”.",
        },
    },
}


_ENTRIES[ProviderType.BRAVE] = {
    "emoji": "🔎",
    "tagline": {"de": "Web-Suche für das Werkzeug web_search", "en": "Web search for the web_search tool"},
    "price_hint": {"de": "2.000 Suchen/Monat kostenlos", "en": "2,000 searches/month free"},
    "key_format": "BSA…",
    "key_prefix": None,
    "steps": [
        _step("Konto anlegen", "Create an account", "https://api-dashboard.search.brave.com/register"),
        _step(
            "Free-Plan wählen und Key erstellen: API Keys → Add",
            "Choose the free plan and create a key: API Keys → Add",
            "https://api-dashboard.search.brave.com/app/keys",
        ),
        _KEY_STEP,
    ],
    "models": [],
    "notes": {
        "de": "Optional: ohne Key sucht web_search über DuckDuckGo. Mit Key sind die Ergebnisse stabiler.",
        "en": "Optional: without a key web_search uses DuckDuckGo. With a key, results are more reliable.",
    },
}


def catalog(language: Language) -> list[dict[str, Any]]:
    """The wizard data for every provider type, texts in `language`."""
    return [_entry(type_, language) for type_ in ProviderType]


def _entry(type_: ProviderType, language: Language) -> dict[str, Any]:
    info, entry = PROVIDERS[type_], _ENTRIES[type_]
    return {
        "type": type_.value,
        "display_name": info.name_in(language),
        "emoji": entry["emoji"],
        "tagline": entry["tagline"][language],
        "price_hint": entry["price_hint"][language],
        "needs_key": info.needs_key,
        "needs_base_url": info.needs_base_url,
        "default_base_url": info.default_base_url,
        "key_format": entry["key_format"],
        "key_prefix": entry["key_prefix"],
        "steps": [{"text": step[language], "url": step["url"]} for step in entry["steps"]],
        "recommended_models": [
            {"name": m["name"], "tier": m["tier"], "description": m[language]} for m in entry["models"]
        ],
        "notes": entry["notes"][language] if entry["notes"] else None,
        "kind": "model" if info.is_llm else "tool",
    }
