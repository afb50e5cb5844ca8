"""Plain words for people, in German and English. The app's `language` setting picks one.

Run failures are stored as a machine `error_code` plus the friendly text in the language of the moment.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["de", "en"]

RUN_ERRORS: dict[str, dict[Language, str]] = {
    "invalid_key": {
        "de": "Key ungültig — bitte den API-Key von {provider} prüfen und neu eintragen.",
        "en": "Invalid key — please check the {provider} API key and enter it again.",
    },
    "quota_exhausted": {
        "de": "Kein Guthaben — bitte das Konto bei {provider} aufladen.",
        "en": "No credit left — please top up your {provider} account.",
    },
    "rate_limited": {
        "de": "Rate-Limit — {provider} ist gerade überlastet.",
        "en": "Rate limit — {provider} is busy right now.",
    },
    "timeout": {
        "de": "Zeitüberschreitung — der Bot hat länger als {seconds} s gebraucht.",
        "en": "Timed out — the bot took longer than {seconds} s.",
    },
    "unreachable": {
        "de": "{provider} ist nicht erreichbar — Internetverbindung oder Adresse prüfen.",
        "en": "{provider} cannot be reached — check the connection or the address.",
    },
    "model_not_found": {
        "de": "Das Modell „{model}“ gibt es bei {provider} nicht (oder der Key darf es nicht nutzen).",
        "en": "The model “{model}” does not exist at {provider} (or the key may not use it).",
    },
    "context_too_long": {
        "de": "Zu viel Text für das Modell — Notizen oder Eingabe kürzen.",
        "en": "Too much text for the model — shorten the notes or the input.",
    },
    "content_refused": {
        "de": "Der Anbieter hat die Anfrage inhaltlich abgelehnt.",
        "en": "The provider refused the request because of its content.",
    },
    "provider_error": {
        "de": "Fehler beim Anbieter {provider} — bitte später noch einmal versuchen.",
        "en": "{provider} reported an error — please try again later.",
    },
    "budget_exceeded": {
        "de": "Budget erreicht — der Bot wurde pausiert.",
        "en": "Budget reached — the bot was paused.",
    },
    "budget_stopped": {
        "de": "Budget fast aufgebraucht — der Lauf wurde vor der nächsten Anfrage an das Modell gestoppt.",
        "en": "Budget almost used up — the run was stopped before its next model request.",
    },
    "config_error": {
        "de": "Einstellung fehlt: {detail}",
        "en": "Setting missing: {detail}",
    },
    "config_no_credential": {
        "de": "Kein KI-Anbieter namens „{name}“ eingerichtet — bitte unter Einstellungen anlegen oder das Modell "
        "des Bots ändern.",
        "en": "No AI provider named “{name}” is set up — add it in the settings or change the bot's model.",
    },
    "config_model_not_offered": {
        "de": "„{name}“ bietet das Modell „{model}“ nicht an — bitte ein anderes Modell wählen oder den Key "
        "erneut prüfen.",
        "en": "“{name}” does not offer the model “{model}” — choose another model or check the key again.",
    },
    "config_credential_error": {
        "de": "„{name}“: {message} Danach den Key in den Einstellungen erneut prüfen.",
        "en": "“{name}”: {message} Then check the key again in the settings.",
    },
    "config_not_a_model": {
        "de": "„{name}“ ist ein Schlüssel für die Web-Suche, kein KI-Modell — bitte ein anderes Modell wählen.",
        "en": "“{name}” is a key for web search, not an AI model — choose another model.",
    },
    "config_bad_model": {
        "de": "Das Modell „{model}“ hat nicht die Form „Anbieter:Modell“.",
        "en": "The model “{model}” is not of the form “provider:model”.",
    },
    "config_secret": {
        "de": "Der gespeicherte Key von „{name}“ lässt sich nicht entschlüsseln (wurde secret.key ersetzt?) — "
        "bitte den Key neu eintragen.",
        "en": "The stored key of “{name}” cannot be decrypted (was secret.key replaced?) — please enter the key again.",
    },
    "tool_limit": {
        "de": "Der Bot ist mit seinen Werkzeugen nicht fertig geworden (zu viele Schritte) — Aufgabe eingrenzen oder "
        "das Limit „Modell-Anfragen pro Lauf“ erhöhen.",
        "en": "The bot did not finish with its tools (too many steps) — narrow the task or raise the bot's "
        "“model requests per run”.",
    },
    "interrupted": {
        "de": "Die App wurde beendet, während der Bot lief.",
        "en": "The app stopped while the bot was running.",
    },
    "cancelled": {
        "de": "Abgebrochen.",
        "en": "Cancelled.",
    },
    "missed": {
        "de": "Verpasst: {times} — {reason}. Übersprungen (verpasste Läufe werden bei diesem Bot nicht nachgeholt).",
        "en": "Missed: {times} — {reason}. Skipped (this bot does not catch up on missed runs).",
    },
    "dropped": {
        "de": "Übersprungen: der vorige geplante Lauf dieses Bots wartet noch auf einen freien Platz.",
        "en": "Skipped: this bot's previous scheduled run is still waiting for a free slot.",
    },
    "internal": {
        "de": "Interner Fehler — Details stehen im Log des Runs.",
        "en": "Internal error — details are in the run's log.",
    },
}


MISS_REASONS: dict[str, dict[Language, str]] = {
    "app_off": {"de": "die App war aus", "en": "the app was off"},
    "asleep": {
        "de": "der Computer hat geschlafen oder die Uhr wurde umgestellt",
        "en": "the computer was asleep or the clock was changed",
    },
    "late": {"de": "die App war zu beschäftigt", "en": "the app was too busy"},
}

MORE_TIMES: dict[Language, str] = {"de": "und {count} weitere", "en": "and {count} more"}
AT_LEAST: dict[Language, str] = {"de": "mindestens {count}", "en": "at least {count}"}

BOT_STALE: dict[Language, str] = {
    "de": "„{name}“ hatte {count} geplante Läufe in Folge keinen Erfolg (zuletzt: {last}).",
    "en": "“{name}” has not completed a scheduled run {count} times in a row (last: {last}).",
}


def run_error_message(code: str, language: Language, **values: object) -> str:
    template = RUN_ERRORS.get(code, RUN_ERRORS["internal"])[language]
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return RUN_ERRORS["internal"][language]


KEY_CHECKS: dict[str, dict[Language, str]] = {
    "invalid_key": {
        "de": "Key ungültig — bitte prüfen, ob er vollständig kopiert wurde.",
        "en": "Invalid key — please check that it was copied completely.",
    },
    "rate_limited": {
        "de": "Rate-Limit — Key gültig aber überlastet.",
        "en": "Rate limit — the key is valid but throttled right now.",
    },
    "quota_exhausted": {
        "de": "Kein Guthaben — bitte aufladen.",
        "en": "No credit — please top up your account.",
    },
    "unreachable": {
        "de": "{url} ist nicht erreichbar — läuft der Dienst, stimmt die Adresse?",
        "en": "{url} cannot be reached — is the service running, is the address right?",
    },
    "ollama_down": {
        "de": "Ollama läuft nicht unter {url} — bitte Ollama starten (ollama serve) oder die Adresse prüfen.",
        "en": "Ollama is not running at {url} — please start Ollama (ollama serve) or check the address.",
    },
    "wrong_base_url": {
        "de": "Unter {url} antwortet keine OpenAI-kompatible API — stimmt die Adresse (oft mit /v1 am Ende)?",
        "en": "No OpenAI-compatible API answers at {url} — is the address right (often ending in /v1)?",
    },
    "wrong_base_url_plain": {
        "de": "Unter {url} antwortet nicht die erwartete API — stimmt die Adresse?",
        "en": "The expected API does not answer at {url} — is the address right?",
    },
    "provider_error": {
        "de": "Der Anbieter hat mit einem Fehler geantwortet — bitte später noch einmal versuchen.",
        "en": "The provider answered with an error — please try again later.",
    },
}


def key_check_message(code: str, language: Language, **values: object) -> str:
    return KEY_CHECKS.get(code, KEY_CHECKS["provider_error"])[language].format(**values)
