/**
 * English messages: the reference catalogue. Every key here must exist in de.ts (the type system checks).
 * Keys are flat, dotted by area: "nav.*", "common.*", "errors.<code>", "<screen>.*".
 * Interpolation: "{name}". Plurals: an object { one, other } selected by the `count` variable.
 */
export const en = {
  "app.name": "openOrchestrator",
  "app.skipToContent": "Skip to content",

  "nav.main": "Main navigation",
  "nav.dashboard": "Dashboard",
  "nav.templates": "Templates",
  "nav.providers": "AI providers",
  "nav.menu": "Menu",

  "language.label": "Language",
  "language.de": "Deutsch",
  "language.en": "English",

  "theme.label": "Theme",
  "theme.light": "Light",
  "theme.dark": "Dark",
  "theme.system": "System",

  "common.loading": "Loading…",
  "common.save": "Save",
  "common.cancel": "Cancel",
  "common.close": "Close",
  "common.confirm": "Confirm",
  "common.delete": "Delete",
  "common.retry": "Try again",
  "common.back": "Back",
  "common.unknown": "unknown",
  "common.none": "none",
  "common.optional": "optional",
  "common.tokens": { one: "{count} token", other: "{count} tokens" },

  "errors.title": "Something went wrong",
  "errors.boundary": "This page could not be shown. Reload it or go back to the dashboard.",
  "errors.reload": "Reload page",
  "errors.toDashboard": "Go to the dashboard",
  "errors.network": "The server cannot be reached. Is openOrchestrator running?",
  "errors.invalid_input": "Please check the highlighted fields.",
  "errors.not_found": "This no longer exists.",
  "errors.queue_full": "Too many runs are waiting. Try again in a moment.",
  "errors.unauthorized": "An access token is required.",
  "errors.internal": "Something went wrong on the server; it has been logged.",
  "errors.unexpected": "Unexpected error ({code}).",

  "live.connected": "Live updates on",
  "live.disconnected": "Live updates paused, reconnecting…",

  "placeholder.note": "This screen is being built.",

  "route.dashboard.title": "Dashboard",
  "route.welcome.title": "Welcome",
  "route.templates.title": "Templates",
  "route.botNew.title": "New bot",
  "route.botNew.fromTemplate": "From template {template}",
  "route.bot.title": "Bot",
  "route.botEdit.title": "Edit bot",
  "route.run.title": "Run",
  "route.providers.title": "AI providers",
  "route.notFound.title": "Page not found",
  "route.notFound.body": "There is nothing at this address.",
} as const;
