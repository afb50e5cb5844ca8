/**
 * Locale-aware formatting with Intl. Pure functions taking the locale first; in components use
 * `useFormat()` (src/i18n/index.tsx), which binds the current locale and the "unknown" word.
 * Every function accepts null/undefined and then returns `unknown` (default "–").
 */
import type { Locale } from "./types";

type Maybe<T> = T | null | undefined;
const DASH = "–";

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  key: string,
  make: () => T,
): T {
  let value = cache.get(key) as T | undefined;
  if (!value) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

function toDate(value: string | number | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

export function formatNumber(locale: Locale, value: Maybe<number>, unknown = DASH): string {
  if (value == null || Number.isNaN(value)) return unknown;
  return cached(`n:${locale}`, () => new Intl.NumberFormat(locale)).format(value);
}

/** Below 10,000 in full ("1,234" / "1.234"); above compact where the locale has a form ("12.3K", "1.2M" / "12.345", "1,2 Mio."). */
export function formatTokens(locale: Locale, value: Maybe<number>, unknown = DASH): string {
  if (value == null || Number.isNaN(value)) return unknown;
  if (Math.abs(value) < 10_000) return formatNumber(locale, value);
  return cached(
    `tok:${locale}`,
    () => new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 }),
  ).format(value);
}

/**
 * US dollars. null → `unknown` (pass t("common.unknown")). 0 → "$0.00". Below one cent two significant
 * digits ("$0.00014"), below $1 up to four decimals ("$0.0123"), else cents ("$12.50").
 */
export function formatUsd(locale: Locale, value: Maybe<number>, unknown = DASH): string {
  if (value == null || Number.isNaN(value)) return unknown;
  const abs = Math.abs(value);
  let options: Intl.NumberFormatOptions;
  if (abs === 0 || abs >= 1) options = { minimumFractionDigits: 2, maximumFractionDigits: 2 };
  else if (abs < 0.01) options = { maximumSignificantDigits: 2 };
  else options = { minimumFractionDigits: 2, maximumFractionDigits: 4 };
  const key = `usd:${locale}:${JSON.stringify(options)}`;
  return cached(
    key,
    () => new Intl.NumberFormat(locale, { style: "currency", currency: "USD", ...options }),
  ).format(value);
}

/** 0.8 → "80%" */
export function formatPercent(locale: Locale, ratio: Maybe<number>, unknown = DASH): string {
  if (ratio == null || Number.isNaN(ratio)) return unknown;
  return cached(
    `pct:${locale}`,
    () => new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }),
  ).format(ratio);
}

/** "12 Mar 2025" / "12. März 2025" */
export function formatDate(locale: Locale, value: Maybe<string | number | Date>, unknown = DASH): string {
  if (value == null) return unknown;
  return cached(`d:${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: "medium" })).format(
    toDate(value),
  );
}

/** "12 Mar 2025, 14:05" / "12.03.2025, 14:05"; pass timeZone to show another zone than the browser's. */
export function formatDateTime(
  locale: Locale,
  value: Maybe<string | number | Date>,
  unknown = DASH,
  timeZone?: string,
): string {
  if (value == null) return unknown;
  return cached(
    `dt:${locale}:${timeZone ?? ""}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }),
  ).format(toDate(value));
}

/** "14:05" */
export function formatTime(locale: Locale, value: Maybe<string | number | Date>, unknown = DASH): string {
  if (value == null) return unknown;
  return cached(`t:${locale}`, () => new Intl.DateTimeFormat(locale, { timeStyle: "short" })).format(
    toDate(value),
  );
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/** "vor 5 Min." / "5 min ago", "in 2 Std." / "in 2 hr"; under 45 s: "jetzt" / "now". */
export function formatRelative(
  locale: Locale,
  value: Maybe<string | number | Date>,
  now: number = Date.now(),
  unknown = DASH,
): string {
  if (value == null) return unknown;
  const seconds = (toDate(value).getTime() - now) / 1000;
  const rtf = cached(
    `rel:${locale}`,
    () => new Intl.RelativeTimeFormat(locale, { style: "short", numeric: "auto" }),
  ) as Intl.RelativeTimeFormat;
  if (Math.abs(seconds) < 45) return rtf.format(0, "second");
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "second") {
      // English short style says "5 min. ago"; drop the abbreviation dot to read "5 min ago".
      const text = rtf.format(Math.round(seconds / size), unit);
      return locale === "en" ? text.replace(/\b(min|sec|hr|mo|yr|wk)\./g, "$1") : text;
    }
  }
  return unknown;
}

/** Milliseconds → "850 ms", "4.2 s" / "4,2 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(locale: Locale, ms: Maybe<number>, unknown = DASH): string {
  if (ms == null || Number.isNaN(ms) || ms < 0) return unknown;
  if (ms < 1000) return `${formatNumber(locale, Math.round(ms))} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) {
    const n = cached(`dur:${locale}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }));
    return `${(n as Intl.NumberFormat).format(seconds)} s`;
  }
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return s > 0 ? `${m} min ${s} s` : `${m} min`;
}
