import { de } from "./de";
import { en } from "./en";
import type { Locale, MessageKey, Messages, Plural, Vars } from "./types";

export const catalogues: Record<Locale, Messages> = { de, en };

const pluralRules = new Map<Locale, Intl.PluralRules>();
function plural(locale: Locale, count: number): "one" | "other" {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return rules.select(count) === "one" ? "one" : "other";
}

/** Replace {name} with vars.name; numbers are formatted for the locale. Unknown names stay visible. */
export function interpolate(template: string, locale: Locale, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => {
    const value = vars[name];
    if (value === undefined) return match;
    return typeof value === "number" ? new Intl.NumberFormat(locale).format(value) : value;
  });
}

export function translate(locale: Locale, key: MessageKey, vars?: Vars): string {
  const message: string | Plural = catalogues[locale][key] ?? catalogues.en[key] ?? key;
  if (typeof message === "string") return interpolate(message, locale, vars);
  const count = typeof vars?.count === "number" ? vars.count : 0;
  return interpolate(message[plural(locale, count)], locale, vars);
}

export type TFunction = (key: MessageKey, vars?: Vars) => string;

/** The browser's preference: a language starting with "de" → de, else en. */
export function detectLocale(language: string = globalThis.navigator?.language ?? ""): Locale {
  return language.toLowerCase().startsWith("de") ? "de" : "en";
}
