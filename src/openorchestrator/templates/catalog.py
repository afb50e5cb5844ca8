"""The built-in templates, in German and English. Plain data plus two look-ups; no database.

A template's prompt is written for daily use: a concrete task, how to go about it, and the exact shape of the
answer. Bots that watch for something (the Web-Scout) start their answer with a count ("3 neue Treffer:") and
say "Keine neuen Treffer." / "No new results." otherwise, which is what `notifications.rules.DEFAULT_NO_RESULTS`
recognises, so the rule `on_results` stays quiet on empty runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from openorchestrator.core.i18n import Language
from openorchestrator.core.schedule_text import describe
from openorchestrator.errors import NotFound
from openorchestrator.notifications.rules import Format, NotifyRule
from openorchestrator.templates.schemas import ModelTier, TemplateCategory, TemplateRead, ToolName


@dataclass(frozen=True)
class _Texts:
    name: str
    description: str
    prompt: str
    input_placeholder: str
    customize_hint: str | None = None


@dataclass(frozen=True)
class _Template:
    template_id: str
    category: TemplateCategory
    emoji: str
    tools: tuple[ToolName, ...]
    schedule: str | None
    max_runtime_seconds: int
    notify_rule: NotifyRule
    format: Format
    needs_input: bool
    model_tier: ModelTier
    de: _Texts
    en: _Texts

    def read(self, language: Language) -> TemplateRead:
        texts = self.de if language == "de" else self.en
        return TemplateRead(
            id=self.template_id,
            language=language,
            category=self.category,
            emoji=self.emoji,
            name=texts.name,
            description=texts.description,
            prompt=texts.prompt,
            tools=list(self.tools),
            schedule=self.schedule,
            schedule_description=describe(self.schedule, language) if self.schedule else None,
            max_runtime_seconds=self.max_runtime_seconds,
            notify_rule=self.notify_rule,
            format=self.format,
            needs_input=self.needs_input,
            input_placeholder=texts.input_placeholder,
            model_tier=self.model_tier,
            customize_hint=texts.customize_hint,
        )


_WEB_SCOUT = _Template(
    template_id="web_scout",
    category="monitoring",
    emoji="🔎",
    tools=("web_search", "web_fetch", "files"),
    schedule="0 8,13,18 * * *",
    max_runtime_seconds=240,
    notify_rule="on_results",
    format="full",
    needs_input=False,
    model_tier="good",
    de=_Texts(
        name="Web-Scout",
        description="Sucht mehrmals am Tag im Netz nach dem, was du suchst, und meldet nur neue Treffer.",
        prompt="""Suchauftrag: Nike Air Max 90 in Größe 44, neu oder neuwertig, bis 60 €, Versand oder Abholung in Berlin.

So gehst du vor:
1. Suche mit web_search nach dem Suchauftrag, mit 2–3 verschiedenen Suchanfragen (z. B. mit Namen von Shops oder Kleinanzeigen-Portalen). Öffne vielversprechende Seiten mit web_fetch und prüfe Preis, Zustand und Ort.
2. Nimm nur Treffer, die wirklich zum Suchauftrag passen (Preisgrenze, Größe, Ort). Im Zweifel weglassen.
3. Vergleiche mit deiner Notiz gesehen.md: Was dort schon steht, ist nicht neu. Derselbe Treffer = derselbe Link oder derselbe Titel zum selben Preis.
4. Trage jeden neuen Treffer mit append_file in gesehen.md ein, eine Zeile pro Treffer: "- <Titel> | <Preis> | <Link>".

Antwortformat, genau so und ohne Einleitung:
- Gibt es neue Treffer, beginnt die erste Zeile mit ihrer Anzahl: "3 neue Treffer:" (bei einem: "1 neuer Treffer:"). Danach eine Zeile pro Treffer: "- <Titel>, <Preis> (<Ort oder Shop>) – <Link>". Höchstens 10, die besten zuerst.
- Gibt es keine neuen Treffer, antworte nur: "Keine neuen Treffer."

Erfinde nie Angebote, Preise oder Links: nenne nur, was du auf einer Seite gesehen hast.""",
        input_placeholder="Optional: ein Suchauftrag nur für diesen Lauf",
        customize_hint="Ersetze die Zeile „Suchauftrag:“ durch das, was du suchst: Produkt, Größe, Preisgrenze, Ort.",
    ),
    en=_Texts(
        name="Web Scout",
        description="Searches the web for what you are looking for several times a day and reports only new finds.",
        prompt="""Search brief: Nike Air Max 90 in size 10 (EU 44), new or like new, up to $60, shipping or pick-up in Chicago.

How to work:
1. Search for the brief with web_search, using 2–3 different queries (e.g. with the names of shops or classifieds sites). Open promising pages with web_fetch and check price, condition and location.
2. Keep only finds that truly match the brief (price limit, size, location). When in doubt, leave it out.
3. Compare with your note seen.md: anything listed there is not new. The same find = the same link, or the same title at the same price.
4. Add every new find to seen.md with append_file, one line each: "- <title> | <price> | <link>".

Answer format, exactly this and without a preamble:
- With new finds, the first line starts with their count: "3 new results:" (for one: "1 new result:"). Then one line per find: "- <title>, <price> (<location or shop>) – <link>". At most 10, best first.
- With no new finds, answer only: "No new results."

Never invent offers, prices or links: report only what you saw on a page.""",
        input_placeholder="Optional: a search brief for this run only",
        customize_hint="Replace the “Search brief:” line with what you are looking for: product, size, price limit, place.",
    ),
)

_SUMMARY = _Template(
    template_id="summary",
    category="reading",
    emoji="📝",
    tools=("web_fetch",),
    schedule=None,
    max_runtime_seconds=120,
    notify_rule="always",
    format="full",
    needs_input=True,
    model_tier="cheap",
    de=_Texts(
        name="Zusammenfassung",
        description="Macht aus einem langen Text oder einem Link eine Zusammenfassung in fünf Stichpunkten.",
        prompt="""Fasse den Text aus der Eingabe zusammen. Ist die Eingabe nur ein Link, lies die Seite mit web_fetch und fasse sie zusammen.

Antwortformat:
**Kernaussage:** ein Satz mit dem Wichtigsten.

**Das Wichtigste:**
- 3 bis 5 Stichpunkte mit den zentralen Fakten, Zahlen, Namen und Daten

**Zu tun:** Fristen, Aufgaben oder Entscheidungen, die sich aus dem Text ergeben, als Stichpunkte. Gibt es keine, lass diesen Abschnitt weg.

Regeln:
- Schreibe auf Deutsch, auch wenn der Text in einer anderen Sprache ist.
- Bleib bei dem, was im Text steht: keine eigene Meinung, nichts aus eigenem Wissen ergänzen.
- Höchstens 150 Wörter.
- Ist die Eingabe leer oder kein zusammenfassbarer Text, sag in einem Satz, was fehlt.""",
        input_placeholder="Text oder Link einfügen …",
    ),
    en=_Texts(
        name="Summary",
        description="Turns a long text or a link into a summary of five bullet points.",
        prompt="""Summarise the text given as input. If the input is only a link, read the page with web_fetch and summarise it.

Answer format:
**Key point:** one sentence with what matters most.

**Highlights:**
- 3 to 5 bullet points with the central facts, figures, names and dates

**To do:** deadlines, tasks or decisions that follow from the text, as bullet points. If there are none, leave this section out.

Rules:
- Write in English, even when the text is in another language.
- Stick to what the text says: no opinions of your own, nothing added from your own knowledge.
- At most 150 words.
- If the input is empty or not a text that can be summarised, say in one sentence what is missing.""",
        input_placeholder="Paste a text or a link …",
    ),
)

_TRANSLATOR = _Template(
    template_id="translator",
    category="language",
    emoji="🌍",
    tools=(),
    schedule=None,
    max_runtime_seconds=120,
    notify_rule="never",
    format="full",
    needs_input=True,
    model_tier="good",
    de=_Texts(
        name="Übersetzer",
        description="Übersetzt Deutsch ins Englische und alles andere ins Deutsche, im Ton des Originals.",
        prompt="""Übersetze den Text aus der Eingabe.

- Ist der Text auf Deutsch, übersetze ins Englische; sonst ins Deutsche. Steht in der ersten Zeile eine Zielsprache wie „→ Französisch“ oder „nach Spanisch:“, übersetze in diese Sprache und lass die Zeile weg.
- Gib nur die Übersetzung aus: keine Einleitung, keine Anführungszeichen, keine Erklärungen.
- Behalte Absätze, Listen, Markdown, Links, Zahlen, Namen und Platzhalter wie {name} unverändert bei.
- Triff den Ton des Originals (Du oder Sie, förmlich oder locker) und übersetze sinngemäß statt Wort für Wort; Redewendungen durch passende Entsprechungen ersetzen.
- Nur wenn ein Begriff mehrdeutig ist und die Wahl den Sinn ändert, füge am Ende eine Zeile „Hinweis: …“ an.""",
        input_placeholder="Text zum Übersetzen einfügen (erste Zeile optional: → Französisch)",
    ),
    en=_Texts(
        name="Translator",
        description="Translates English into German and everything else into English, in the tone of the original.",
        prompt="""Translate the text given as input.

- If the text is in English, translate it into German; otherwise into English. If the first line names a target language such as "→ French" or "to Spanish:", translate into that language and drop that line.
- Output only the translation: no preamble, no quotation marks, no explanations.
- Keep paragraphs, lists, Markdown, links, numbers, names and placeholders such as {name} as they are.
- Match the tone of the original (formal or casual) and translate the meaning rather than word for word; replace idioms with fitting equivalents.
- Only when a term is ambiguous and the choice changes the meaning, add a final line "Note: …".""",
        input_placeholder="Paste the text to translate (optional first line: → French)",
    ),
)

_MAIL_REPLY = _Template(
    template_id="mail_reply",
    category="writing",
    emoji="✉️",
    tools=(),
    schedule=None,
    max_runtime_seconds=120,
    notify_rule="always",
    format="full",
    needs_input=True,
    model_tier="good",
    de=_Texts(
        name="Mail-Antwort",
        description="Schreibt aus einer eingegangenen E-Mail und deiner Stichwort-Notiz einen fertigen Antwortentwurf.",
        prompt="""Schreibe einen Antwortentwurf auf die E-Mail aus der Eingabe. Steht vor der E-Mail eine Notiz wie „Antwort: zusagen, aber erst ab Dienstag“, setze genau das um; sonst antworte freundlich und sachlich auf alle Fragen und Bitten der Mail.

Antwortformat:
Betreff: Re: <Betreff der Mail, wenn erkennbar>

<die Antwort, fertig zum Kopieren: Anrede wie in der Mail (Du oder Sie), kurze Absätze, höchstens 150 Wörter, Grußformel>

---
Offen: <die Platzhalter, die noch gefüllt werden müssen, oder „nichts“>

Regeln:
- Schreibe in der Sprache der eingegangenen Mail.
- Sag nichts zu, was weder in der Notiz noch in der Mail steht: keine Termine, Preise, Zahlen oder Versprechen erfinden. Fehlt eine Angabe, setze einen [Platzhalter in eckigen Klammern] ein.
- Unterschreibe mit dem Namen aus deinen Notizen, sonst mit [Dein Name].""",
        input_placeholder="Optional eine Notiz (z. B. „Antwort: zusagen, ab Dienstag“), dann die E-Mail einfügen …",
        customize_hint="Lege eine Notiz name.md mit deinem Namen und deiner Grußformel in den Ordner des Bots.",
    ),
    en=_Texts(
        name="Mail Reply",
        description="Turns an incoming e-mail and your note of key words into a ready-to-send reply draft.",
        prompt="""Write a draft reply to the e-mail given as input. If a note such as "Reply: accept, but only from Tuesday" comes before the e-mail, do exactly that; otherwise reply politely and to the point to every question and request in the e-mail.

Answer format:
Subject: Re: <subject of the e-mail, if recognisable>

<the reply, ready to copy: greeting in the sender's register (formal or first names), short paragraphs, at most 150 words, sign-off>

---
Open: <the placeholders that still need filling in, or "nothing">

Rules:
- Write in the language of the incoming e-mail.
- Promise nothing that is in neither the note nor the e-mail: never invent dates, prices, figures or commitments. Where a detail is missing, put a [placeholder in square brackets].
- Sign with the name in your notes, else with [Your name].""",
        input_placeholder="Optionally a note (e.g. “Reply: accept, from Tuesday”), then paste the e-mail …",
        customize_hint="Put a note name.md with your name and sign-off into the bot's folder.",
    ),
)

_RESEARCH = _Template(
    template_id="research",
    category="research",
    emoji="🧭",
    tools=("web_search", "web_fetch"),
    schedule="0 7 * * 1",
    max_runtime_seconds=300,
    notify_rule="always",
    format="full",
    needs_input=False,
    model_tier="good",
    de=_Texts(
        name="Recherche",
        description="Recherchiert jede Woche ein Thema mit Quellen und sagt, was seit dem letzten Mal neu ist.",
        prompt="""Thema: Förderprogramme für Solaranlagen auf Einfamilienhäusern in Deutschland (Bund, Länder, Kommunen).

Recherchiere zum Thema. Enthält die Eingabe eine Frage, beantworte vor allem diese.
1. Suche mit web_search mit 3–5 unterschiedlichen Anfragen und lies die ergiebigsten 3–6 Quellen mit web_fetch. Bevorzuge Primärquellen (Behörden, Hersteller, Studien, seriöse Medien) und aktuelle Seiten.
2. Vergleiche mit deinem letzten Ergebnis und hebe hervor, was sich seitdem geändert hat.

Antwortformat (Markdown):
## Kurzfassung
2–3 Sätze mit der Antwort.
## Details
4–8 Stichpunkte, jeder mit der Nummer seiner Quelle, z. B. [1].
## Neu seit dem letzten Mal
Stichpunkte, oder „Nichts Wesentliches.“
## Quellen
[1] Titel – Link (Stand, wenn angegeben)

Regeln: Nur belegte Aussagen. Widersprechen sich Quellen, sag es. Kennzeichne Unsicheres als unsicher. Höchstens 350 Wörter ohne die Quellen.""",
        input_placeholder="Optional: eine Frage, die diesmal Vorrang hat",
        customize_hint="Ersetze die Zeile „Thema:“ durch dein Thema, so genau wie möglich.",
    ),
    en=_Texts(
        name="Research",
        description="Researches a topic every week, with sources, and says what is new since last time.",
        prompt="""Topic: incentives and tax credits for rooftop solar on single-family homes in the United States (federal, state, local).

Research the topic. If the input contains a question, answer that question first of all.
1. Search with web_search using 3–5 different queries and read the 3–6 most useful sources with web_fetch. Prefer primary sources (agencies, manufacturers, studies, reputable media) and recent pages.
2. Compare with your last result and point out what has changed since.

Answer format (Markdown):
## In short
2–3 sentences with the answer.
## Details
4–8 bullet points, each with the number of its source, e.g. [1].
## New since last time
Bullet points, or "Nothing significant."
## Sources
[1] Title – link (date, where given)

Rules: only claims a source supports. If sources disagree, say so. Mark what is uncertain as uncertain. At most 350 words, not counting the sources.""",
        input_placeholder="Optional: a question to put first this time",
        customize_hint="Replace the “Topic:” line with your topic, as precisely as you can.",
    ),
)

_TEMPLATES: dict[str, _Template] = {
    template.template_id: template for template in (_WEB_SCOUT, _SUMMARY, _TRANSLATOR, _MAIL_REPLY, _RESEARCH)
}


def list_templates(language: Language) -> list[TemplateRead]:
    return [template.read(language) for template in _TEMPLATES.values()]


def get_template(template_id: str, language: Language) -> TemplateRead:
    template = _TEMPLATES.get(template_id)
    if template is None:
        raise NotFound("template", template_id)
    return template.read(language)
