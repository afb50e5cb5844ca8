/**
 * The bot editor's form state: what the fields hold (strings while typing), how a bot or a template fills
 * them, how they become a POST/PATCH body, and how the schedule picker's choices map to cron.
 */
import type { components } from "@/api/schema";
import type { Bot, BotCreate, Credential } from "@/api/types";

export type Template = components["schemas"]["TemplateRead"];

export type ScheduleMode = "manual" | "every" | "hourly" | "daily" | "weekdays" | "weekly" | "custom";
export const SCHEDULE_MODES: readonly ScheduleMode[] = [
  "manual",
  "every",
  "hourly",
  "daily",
  "weekdays",
  "weekly",
  "custom",
];
export const EVERY_MINUTES = ["5", "10", "15", "20", "30"] as const;

export type Schedule = {
  mode: ScheduleMode;
  /** "HH:MM" for daily / weekdays / weekly */
  time: string;
  /** "0"–"6", 0 = Sunday (weekly) */
  weekday: string;
  /** "0"–"59" (hourly) */
  minute: string;
  /** minutes (every) */
  every: string;
  /** the custom cron expression */
  cron: string;
};

export type MissedRuns = "skip" | "catch_up";

export type FormState = {
  emoji: string;
  name: string;
  description: string;
  enabled: boolean;
  prompt: string;
  model: string;
  fallbackModels: string[];
  schedule: Schedule;
  /** "" = the app's time zone */
  timezone: string;
  missedRuns: MissedRuns;
  tools: string[];
  onComplete: string[];
  maxRuntimeSeconds: string;
  budgetDailyUsd: string;
  budgetMonthlyUsd: string;
  maxOutputTokens: string;
  maxModelRequests: string;
  noResultsPattern: string;
};

export const DEFAULT_EMOJI = "🤖";

const pad = (n: number) => String(n).padStart(2, "0");

/** Read a cron expression into the picker's choices (anything else is "custom"). */
export function parseSchedule(cron: string | null | undefined): Schedule {
  const base: Schedule = {
    mode: "manual",
    time: "09:00",
    weekday: "1",
    minute: "0",
    every: "15",
    cron: "",
  };
  const text = (cron ?? "").trim().split(/\s+/).join(" ");
  if (!text) return base;
  const every = /^\*\/(\d+) \* \* \* \*$/.exec(text)?.[1];
  if (every && (EVERY_MINUTES as readonly string[]).includes(every)) return { ...base, mode: "every", every };
  const hourly = /^(\d{1,2}) \* \* \* \*$/.exec(text)?.[1];
  if (hourly && Number(hourly) < 60) return { ...base, mode: "hourly", minute: String(Number(hourly)) };
  const [, minute = "", hour = "", days = ""] = /^(\d{1,2}) (\d{1,2}) \* \* (\*|1-5|[0-6])$/.exec(text) ?? [];
  if (days && Number(minute) < 60 && Number(hour) < 24) {
    const time = `${pad(Number(hour))}:${pad(Number(minute))}`;
    if (days === "*") return { ...base, mode: "daily", time };
    if (days === "1-5") return { ...base, mode: "weekdays", time };
    return { ...base, mode: "weekly", time, weekday: days };
  }
  return { ...base, mode: "custom", cron: text };
}

function timeParts(time: string): [number, number] {
  const [, hour, minute] = /^(\d{1,2}):(\d{2})$/.exec(time) ?? [];
  if (hour === undefined || minute === undefined) return [9, 0];
  return [Math.min(23, Number(hour)), Math.min(59, Number(minute))];
}

/** The cron expression the choices stand for; null = manual only. */
export function toCron(schedule: Schedule): string | null {
  const [hour, minute] = timeParts(schedule.time);
  switch (schedule.mode) {
    case "manual":
      return null;
    case "every":
      return `*/${schedule.every} * * * *`;
    case "hourly":
      return `${Number(schedule.minute) || 0} * * * *`;
    case "daily":
      return `${minute} ${hour} * * *`;
    case "weekdays":
      return `${minute} ${hour} * * 1-5`;
    case "weekly":
      return `${minute} ${hour} * * ${schedule.weekday}`;
    case "custom":
      return schedule.cron.trim() ? schedule.cron.trim().split(/\s+/).join(" ") : null;
  }
}

const numberText = (value: number | null | undefined) => (value == null ? "" : String(value));

export function emptyForm(missedRuns: MissedRuns = "skip"): FormState {
  return {
    emoji: DEFAULT_EMOJI,
    name: "",
    description: "",
    enabled: true,
    prompt: "",
    model: "",
    fallbackModels: [],
    schedule: parseSchedule(null),
    timezone: "",
    missedRuns,
    tools: [],
    onComplete: [],
    maxRuntimeSeconds: "120",
    budgetDailyUsd: "",
    budgetMonthlyUsd: "",
    maxOutputTokens: "",
    maxModelRequests: "10",
    noResultsPattern: "",
  };
}

export function fromBot(bot: Bot): FormState {
  return {
    emoji: bot.emoji || DEFAULT_EMOJI,
    name: bot.name,
    description: bot.description,
    enabled: bot.enabled,
    prompt: bot.prompt,
    model: bot.model,
    fallbackModels: [...bot.fallback_models],
    schedule: parseSchedule(bot.schedule),
    timezone: bot.timezone ?? "",
    missedRuns: bot.missed_runs,
    tools: [...bot.tools],
    onComplete: [...bot.on_complete],
    maxRuntimeSeconds: numberText(bot.max_runtime_seconds),
    budgetDailyUsd: numberText(bot.budget_daily_usd),
    budgetMonthlyUsd: numberText(bot.budget_monthly_usd),
    maxOutputTokens: numberText(bot.max_output_tokens),
    maxModelRequests: numberText(bot.max_model_requests),
    noResultsPattern: bot.no_results_pattern ?? "",
  };
}

export function fromTemplate(template: Template, base: FormState): FormState {
  return {
    ...base,
    emoji: template.emoji || base.emoji,
    name: template.name,
    description: template.description,
    prompt: template.prompt,
    tools: [...template.tools],
    schedule: parseSchedule(template.schedule),
    maxRuntimeSeconds: numberText(template.max_runtime_seconds),
  };
}

/** Credentials whose models a bot can use: connected AI providers (not search keys) with models. */
export function usableCredentials(credentials: readonly Credential[] | undefined): Credential[] {
  return (credentials ?? []).filter(
    (credential) =>
      credential.status === "connected" && credential.type !== "brave" && credential.models.length > 0,
  );
}

export function modelValues(credentials: readonly Credential[]): string[] {
  return credentials.flatMap((credential) => credential.models.map((model) => `${credential.name}:${model}`));
}

const optionalNumber = (text: string): number | null => {
  const trimmed = text.trim().replace(",", ".");
  if (!trimmed) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : Number.NaN;
};

/** A full body (used for POST and for PATCH: every field the editor shows, nulls included). */
export function toBody(form: FormState): BotCreate {
  const body: BotCreate = {
    emoji: form.emoji.trim() || DEFAULT_EMOJI,
    name: form.name.trim(),
    description: form.description.trim(),
    enabled: form.enabled,
    prompt: form.prompt,
    model: form.model,
    fallback_models: form.fallbackModels,
    schedule: toCron(form.schedule),
    timezone: form.timezone || null,
    missed_runs: form.missedRuns,
    tools: form.tools,
    on_complete: form.onComplete,
    budget_daily_usd: optionalNumber(form.budgetDailyUsd),
    budget_monthly_usd: optionalNumber(form.budgetMonthlyUsd),
    max_output_tokens: optionalNumber(form.maxOutputTokens),
    no_results_pattern: form.noResultsPattern.trim() || null,
    // empty = the API's defaults
    max_runtime_seconds: optionalNumber(form.maxRuntimeSeconds) ?? 120,
    max_model_requests: optionalNumber(form.maxModelRequests) ?? 10,
  };
  return body;
}

/** Form keys in the order they appear, with the API field each one shows errors for. */
export const FIELD_ORDER = [
  "emoji",
  "name",
  "description",
  "enabled",
  "prompt",
  "model",
  "fallback_models",
  "schedule",
  "timezone",
  "missed_runs",
  "tools",
  "on_complete",
  "max_runtime_seconds",
  "budget_daily_usd",
  "budget_monthly_usd",
  "max_output_tokens",
  "max_model_requests",
  "no_results_pattern",
] as const;
export type FieldName = (typeof FIELD_ORDER)[number];
export type Errors = Partial<Record<FieldName | "body", string>>;

/**
 * Map the API's field errors ("name", "fallback_models[1]", "tools.0", "body") to the editor's fields; the
 * ones no field shows go to "body".
 */
export function toFormErrors(fieldErrors: Record<string, string>): Errors {
  const out: Errors = {};
  for (const [path, reason] of Object.entries(fieldErrors)) {
    const head = path.split(/[.[]/, 1)[0] as FieldName;
    const key: FieldName | "body" = (FIELD_ORDER as readonly string[]).includes(head) ? head : "body";
    if (!out[key]) out[key] = key === "body" && path !== "body" ? `${path}: ${reason}` : reason;
  }
  return out;
}

export const TIME_ZONES: readonly string[] = (() => {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return ["UTC", "Europe/Berlin", "Europe/London", "America/New_York"];
  }
})();

/** Typed time → "HH:MM" ("7" → "07:00", "730" / "7.30" / "7:30" → "07:30"); null when it is no time. */
export function normalizeTime(text: string): string | null {
  const trimmed = text.trim();
  const parts = /^(\d{1,2})(?:[:.h]?(\d{2}))?$/.exec(trimmed);
  if (!parts) return null;
  const hour = Number(parts[1]);
  const minute = Number(parts[2] ?? "0");
  if (hour > 23 || minute > 59) return null;
  return `${pad(hour)}:${pad(minute)}`;
}

const SMALL_MODEL = /(mini|nano|haiku|small|flash|lite|8b|7b|3b)/i;

/** The template's model tier as a first guess among the connected models (a small model for "cheap"). */
export function pickModel(models: readonly string[], tier: Template["model_tier"] | undefined): string {
  if (tier === "cheap") return models.find((model) => SMALL_MODEL.test(model)) ?? models[0] ?? "";
  if (tier === "best" || tier === "good")
    return models.find((model) => !SMALL_MODEL.test(model)) ?? models[0] ?? "";
  return models[0] ?? "";
}
