import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { CalendarClock, CircleAlert, Hand } from "lucide-react";
import { RadioGroup as RadioPrimitive } from "radix-ui";
import { memo, useEffect, useId, useMemo, useState } from "react";
import { isApiError } from "@/api/client";
import { systemQueries } from "@/api/queries";
import { cn, Field, Input, Select, Spinner } from "@/components/ui";
import { type Locale, type TFunction, useFormat, useLocale, useT } from "@/i18n";
import {
  EVERY_MINUTES,
  normalizeTime,
  SCHEDULE_MODES,
  type Schedule,
  type ScheduleMode,
  toCron,
} from "./formState";
import { useDebounced } from "./hooks";

const WEEKDAYS = ["1", "2", "3", "4", "5", "6", "0"] as const;
const DAY_MS = 24 * 3600 * 1000;

/**
 * The common shapes of a cron expression in the UI's words (the server writes its words in the app's
 * language); null for anything else, which then keeps the server's words.
 */
export function describeCron(cron: string, locale: Locale, t: TFunction): string | null {
  const [minute = "", hour = "", day = "", month = "", weekday = ""] = cron.trim().split(/\s+/);
  const every = /^\*\/(\d+)$/.exec(minute)?.[1];
  if (every && hour === "*" && day === "*" && month === "*" && weekday === "*")
    return t("editor.words.every", { count: Number(every) });
  if (!/^\d{1,2}$/.test(minute) || day !== "*" || month !== "*") return null;
  if (hour === "*" && weekday === "*") return t("editor.words.hourly", { minute: String(Number(minute)) });
  if (!/^\d{1,2}(,\d{1,2})*$/.test(hour)) return null;
  const pad = (n: string) => n.padStart(2, "0");
  const time = hour
    .split(",")
    .map((h) => `${pad(String(Number(h)))}:${pad(String(Number(minute)))}`)
    .join(", ");
  if (weekday === "*") return t("editor.words.daily", { time });
  if (weekday === "1-5") return t("editor.words.weekdays", { time });
  if (!/^[0-7](,[0-7])*$/.test(weekday)) return null;
  const days = weekday.split(",").map((d) => weekdayName(locale, String(Number(d) % 7)));
  const list = new Intl.ListFormat(locale, { type: "conjunction" }).format(days);
  return t("editor.words.weekly", { day: list, time });
}

/** A 24-hour "HH:MM" field (the same in every browser locale); commits once the text is a time. */
function TimeInput({ value, onChange }: { value: string; onChange: (time: string) => void }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const valid = normalizeTime(draft) !== null;
  return (
    <Input
      inputMode="numeric"
      autoComplete="off"
      placeholder="09:00"
      maxLength={5}
      value={draft}
      aria-invalid={!valid || undefined}
      onChange={(event) => {
        setDraft(event.target.value);
        const time = normalizeTime(event.target.value);
        if (time && /^\d{1,2}[:.]\d{2}$/.test(event.target.value.trim())) onChange(time);
      }}
      onBlur={() => {
        const time = normalizeTime(draft);
        if (time) onChange(time);
        setDraft(time ?? value);
      }}
      className="tabular-nums"
    />
  );
}

function weekdayName(locale: string, day: string): string {
  // 2024-01-07 was a Sunday (day 0).
  return new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" }).format(
    new Date(Date.UTC(2024, 0, 7 + Number(day))),
  );
}

/**
 * The schedule: a repeat choice (manual, presets, custom cron), its parameters, and — live from the preview
 * endpoint, debounced — the schedule in words and its next five times in the chosen time zone.
 */
export const SchedulePicker = memo(function SchedulePicker({
  value,
  onChange,
  timezone,
  error,
  serverLanguage,
}: {
  value: Schedule;
  onChange: (value: Schedule) => void;
  /** the zone the preview is shown in (the bot's or the app's) */
  timezone: string | undefined;
  /** the API's reason for `schedule` (from saving) */
  error?: string;
  /** the language the server writes its words in (the app's setting) */
  serverLanguage?: string;
}) {
  const t = useT();
  const [locale] = useLocale();
  const labelId = useId();
  const cron = toCron(value);
  const key = `${cron ?? ""}\n${timezone ?? ""}`;
  const [debouncedCron = "", debouncedZone = ""] = useDebounced(key, 300).split("\n");
  const preview = useQuery({
    ...systemQueries.schedulePreview(debouncedCron, debouncedZone || undefined),
    enabled: debouncedCron.trim().length > 0,
    placeholderData: keepPreviousData,
  });
  const stale = preview.isPlaceholderData;
  const previewError = preview.isError
    ? isApiError(preview.error)
      ? (preview.error.field("cron") ?? preview.error.field("timezone") ?? preview.error.message)
      : t("errors.unexpected", { code: "client" })
    : undefined;
  const settling = cron !== null && key !== `${debouncedCron}\n${debouncedZone}`;
  const fieldError = error ?? (settling ? undefined : previewError);
  const set = (patch: Partial<Schedule>) => onChange({ ...value, ...patch });

  const timeFormat = useMemo(
    () =>
      new Intl.DateTimeFormat(locale, {
        weekday: "short",
        day: "numeric",
        month: "short",
        hour: "2-digit",
        minute: "2-digit",
        timeZone: preview.data?.timezone,
      }),
    [locale, preview.data?.timezone],
  );
  const f = useFormat();

  // The server writes its words in the app's language; for presets in another UI language, say it ourselves.
  const words =
    (serverLanguage && serverLanguage !== locale && preview.data
      ? describeCron(preview.data.cron, locale, t)
      : null) ?? preview.data?.description;

  return (
    <div className="grid gap-4">
      <div className="grid gap-2">
        <span id={labelId} className="text-sm font-medium text-fg">
          {t("editor.schedule.label")}
        </span>
        <RadioPrimitive.Root
          aria-labelledby={labelId}
          value={value.mode}
          onValueChange={(mode) => {
            const next = mode as ScheduleMode;
            // Switching to custom keeps what was chosen, written as cron, to edit from there.
            if (next === "custom" && !value.cron) set({ mode: next, cron: cron ?? "" });
            else set({ mode: next });
          }}
          className="flex flex-wrap gap-1.5"
        >
          {SCHEDULE_MODES.map((mode) => (
            <RadioPrimitive.Item
              key={mode}
              value={mode}
              className={cn(
                "h-8 rounded-full border border-border-strong bg-surface px-3 text-sm text-fg-muted transition-colors",
                "hover:border-fg-muted/50 hover:text-fg",
                "data-[state=checked]:border-accent data-[state=checked]:bg-accent-soft data-[state=checked]:font-medium data-[state=checked]:text-accent",
              )}
            >
              {t(`editor.schedule.mode.${mode}`)}
            </RadioPrimitive.Item>
          ))}
        </RadioPrimitive.Root>
      </div>

      {value.mode === "every" && (
        <Field label={t("editor.schedule.every")} className="sm:max-w-56">
          <Select
            value={value.every}
            onValueChange={(every) => set({ every })}
            options={EVERY_MINUTES.map((n) => ({
              value: n,
              label: t("editor.schedule.minutes", { count: Number(n) }),
            }))}
          />
        </Field>
      )}
      {value.mode === "hourly" && (
        <Field
          label={t("editor.schedule.minute")}
          hint={t("editor.schedule.minuteHint")}
          className="sm:max-w-56"
        >
          <Input
            type="number"
            inputMode="numeric"
            min={0}
            max={59}
            value={value.minute}
            onChange={(event) => set({ minute: event.target.value })}
          />
        </Field>
      )}
      {(value.mode === "daily" || value.mode === "weekdays" || value.mode === "weekly") && (
        <div className="grid gap-4 sm:grid-cols-2">
          {value.mode === "weekly" && (
            <Field label={t("editor.schedule.weekday")}>
              <Select
                value={value.weekday}
                onValueChange={(weekday) => set({ weekday })}
                options={WEEKDAYS.map((day) => ({ value: day, label: weekdayName(locale, day) }))}
              />
            </Field>
          )}
          <Field label={t("editor.schedule.time")}>
            <TimeInput value={value.time} onChange={(time) => set({ time })} />
          </Field>
        </div>
      )}
      {value.mode === "custom" && (
        <Field label={t("editor.schedule.cron")} hint={t("editor.schedule.cronHint")} error={fieldError}>
          <Input
            value={value.cron}
            onChange={(event) => set({ cron: event.target.value })}
            placeholder="0 9 * * 1-5"
            spellCheck={false}
            autoComplete="off"
            className="font-mono"
          />
        </Field>
      )}

      {value.mode === "manual" && (
        <p className="flex items-start gap-2.5 rounded-lg bg-subtle px-3 py-2.5 text-sm text-fg-muted">
          <Hand aria-hidden className="mt-0.5 size-4 shrink-0" />
          {t("editor.schedule.manualNote")}
        </p>
      )}
      {cron !== null && !(value.mode === "custom" && fieldError) && (
        <div aria-live="polite" className="rounded-lg border border-border bg-subtle/60 px-3 py-3 sm:px-4">
          {fieldError ? (
            <p data-error="true" className="flex items-start gap-2 text-sm font-medium text-danger">
              <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
              {t("editor.schedule.previewFailed", { reason: fieldError })}
            </p>
          ) : preview.data ? (
            <div className={cn("grid gap-2.5 transition-opacity", (settling || stale) && "opacity-50")}>
              <p className="flex items-center gap-2 text-sm font-medium text-fg">
                <CalendarClock aria-hidden className="size-4 shrink-0 text-accent" />
                <span data-testid="schedule-words">{words}</span>
              </p>
              <div className="grid gap-1">
                <p className="text-xs font-medium text-fg-muted">{t("editor.schedule.next")}</p>
                <ol
                  className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2"
                  aria-label={t("editor.schedule.next")}
                >
                  {preview.data.next_runs.map((time) => (
                    <li key={time} className="flex items-baseline justify-between gap-3 tabular-nums">
                      <span className="text-fg">{timeFormat.format(new Date(time))}</span>
                      {Date.parse(time) - Date.now() < DAY_MS && (
                        <span className="text-xs text-fg-muted">{f.relative(time)}</span>
                      )}
                    </li>
                  ))}
                </ol>
              </div>
            </div>
          ) : (
            <p className="flex items-center gap-2 text-sm text-fg-muted">
              <Spinner decorative className="size-3.5" />
              {t("editor.schedule.previewLoading")}
            </p>
          )}
        </div>
      )}
    </div>
  );
});
