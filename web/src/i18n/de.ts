import type { Messages } from "./types";

/** German messages. Same keys as en.ts; a missing or extra key is a type error. */
export const de: Messages = {
  "app.name": "openOrchestrator",
  "app.skipToContent": "Zum Inhalt springen",

  "nav.main": "Hauptnavigation",
  "nav.dashboard": "Dashboard",
  "nav.templates": "Vorlagen",
  "nav.providers": "KI-Anbieter",
  "nav.menu": "Menü",

  "language.label": "Sprache",
  "language.de": "Deutsch",
  "language.en": "English",

  "theme.label": "Darstellung",
  "theme.light": "Hell",
  "theme.dark": "Dunkel",
  "theme.system": "System",

  "common.loading": "Lädt …",
  "common.save": "Speichern",
  "common.cancel": "Abbrechen",
  "common.close": "Schließen",
  "common.confirm": "Bestätigen",
  "common.delete": "Löschen",
  "common.retry": "Erneut versuchen",
  "common.back": "Zurück",
  "common.unknown": "unbekannt",
  "common.none": "keine",
  "common.optional": "optional",
  "common.tokens": { one: "{count} Token", other: "{count} Tokens" },

  "errors.title": "Etwas ist schiefgelaufen",
  "errors.boundary":
    "Diese Seite konnte nicht angezeigt werden. Lade sie neu oder kehre zum Dashboard zurück.",
  "errors.reload": "Seite neu laden",
  "errors.toDashboard": "Zum Dashboard",
  "errors.network": "Der Server ist nicht erreichbar. Läuft openOrchestrator?",
  "errors.invalid_input": "Bitte prüfe die markierten Felder.",
  "errors.not_found": "Das gibt es nicht mehr.",
  "errors.queue_full": "Zu viele Läufe warten. Versuche es gleich noch einmal.",
  "errors.unauthorized": "Ein Zugriffstoken ist nötig.",
  "errors.internal": "Auf dem Server ist etwas schiefgelaufen; es wurde protokolliert.",
  "errors.unexpected": "Unerwarteter Fehler ({code}).",

  "live.connected": "Live-Aktualisierung an",
  "live.disconnected": "Live-Aktualisierung unterbrochen, verbinde neu …",

  "placeholder.note": "Diese Ansicht wird gerade gebaut.",

  "route.dashboard.title": "Dashboard",
  "route.welcome.title": "Willkommen",
  "route.templates.title": "Vorlagen",
  "route.botNew.title": "Neuer Bot",
  "route.botNew.fromTemplate": "Aus Vorlage {template}",
  "route.bot.title": "Bot",
  "route.botEdit.title": "Bot bearbeiten",
  "route.run.title": "Lauf",
  "route.providers.title": "KI-Anbieter",
  "route.notFound.title": "Seite nicht gefunden",
  "route.notFound.body": "Unter dieser Adresse gibt es nichts.",
};
