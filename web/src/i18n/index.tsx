/**
 * The translation layer. Every visible string goes through `t`:
 *
 *   const t = useT();
 *   t("nav.dashboard");                       // "Dashboard"
 *   t("route.botNew.fromTemplate", { template: "News" });
 *   t("common.tokens", { count: 3 });         // plural by `count`
 *
 * Add a string: add the key to en.ts, then to de.ts (tsc fails until both have it).
 * Formatting: `const f = useFormat(); f.usd(run.cost_estimate); f.relative(run.created_at)`.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import * as format from "./format";
import { detectLocale, type TFunction, translate } from "./translate";
import type { Locale } from "./types";

export type { TFunction } from "./translate";
export type { Locale, MessageKey } from "./types";
export { LOCALES } from "./types";

export const LOCALE_STORAGE_KEY = "openorch.lang";

function initialLocale(): Locale {
  try {
    const stored = localStorage.getItem(LOCALE_STORAGE_KEY);
    if (stored === "de" || stored === "en") return stored;
  } catch {
    // storage blocked: fall back to the browser language
  }
  return detectLocale();
}

type I18nContextValue = { locale: Locale; setLocale: (locale: Locale) => void; t: TFunction };
const I18nContext = createContext<I18nContextValue | null>(null);

export function I18nProvider({ children, locale: fixed }: { children: ReactNode; locale?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(() => fixed ?? initialLocale());
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      localStorage.setItem(LOCALE_STORAGE_KEY, next);
    } catch {
      // not persisted; fine
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<I18nContextValue>(
    () => ({ locale, setLocale, t: (key, vars) => translate(locale, key, vars) }),
    [locale, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

function useI18n(): I18nContextValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error("I18nProvider is missing");
  return value;
}

export function useT(): TFunction {
  return useI18n().t;
}

export function useLocale(): [Locale, (locale: Locale) => void] {
  const { locale, setLocale } = useI18n();
  return [locale, setLocale];
}

/** Formatting helpers bound to the current locale; null values read "unknown"/"unbekannt" for money. */
export function useFormat() {
  const { locale, t } = useI18n();
  return useMemo(() => {
    const unknown = t("common.unknown");
    return {
      number: (v: number | null | undefined) => format.formatNumber(locale, v),
      tokens: (v: number | null | undefined) => format.formatTokens(locale, v),
      usd: (v: number | null | undefined) => format.formatUsd(locale, v, unknown),
      percent: (v: number | null | undefined) => format.formatPercent(locale, v),
      date: (v: string | number | Date | null | undefined) => format.formatDate(locale, v),
      dateTime: (v: string | number | Date | null | undefined, timeZone?: string) =>
        format.formatDateTime(locale, v, "–", timeZone),
      time: (v: string | number | Date | null | undefined) => format.formatTime(locale, v),
      relative: (v: string | number | Date | null | undefined, now?: number) =>
        format.formatRelative(locale, v, now),
      duration: (ms: number | null | undefined) => format.formatDuration(locale, ms),
    };
  }, [locale, t]);
}
