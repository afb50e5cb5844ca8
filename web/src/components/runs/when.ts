import { useMemo } from "react";
import { useFormat, useLocale } from "@/i18n";

const cache = new Map<string, Intl.DateTimeFormat>();
function dayMonth(locale: string): Intl.DateTimeFormat {
  let format = cache.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
    });
    cache.set(locale, format);
  }
  return format;
}

/** A run's time as short as it can be: "14:05" today, "12. März, 14:05" this year, else the full date. */
export function useWhen(): (value: string | null | undefined) => string {
  const f = useFormat();
  const [locale] = useLocale();
  return useMemo(
    () => (value) => {
      if (!value) return "–";
      const date = new Date(value);
      const now = new Date();
      if (date.toDateString() === now.toDateString()) return f.time(date);
      if (date.getFullYear() === now.getFullYear()) return dayMonth(locale).format(date);
      return f.dateTime(date);
    },
    [f, locale],
  );
}

/** Shorter still, for the dashboard cards: "14:05" today, else "vor 3 T." / "3 days ago". */
export function useShortWhen(): (value: string | null | undefined) => string {
  const f = useFormat();
  return useMemo(
    () => (value) => {
      if (!value) return "–";
      const date = new Date(value);
      if (date.toDateString() === new Date().toDateString()) return f.time(date);
      return f.relative(date);
    },
    [f],
  );
}
