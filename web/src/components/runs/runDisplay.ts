/**
 * How a run reads in the UI: its display state (a missed fire is not a cancel), a one-line gist of its output,
 * the words for its trigger and the "what to do" for its error. Pure functions, shared by the run screens.
 */
import type { RunStatus, Trigger } from "@/api/types";
import type { MessageKey } from "@/i18n";

/** What a run looks like to a person; "missed" is a cancelled fire with error_code missed/dropped. */
export type RunState = "completed" | "failed" | "running" | "pending" | "missed" | "cancelled";

type StateInput = { status: RunStatus; error_code?: string | null };

export function isMissedRun(run: StateInput): boolean {
  return run.status === "cancelled" && (run.error_code === "missed" || run.error_code === "dropped");
}

export function runState(run: StateInput): RunState {
  if (isMissedRun(run)) return "missed";
  if (run.status === "timeout") return "failed";
  return run.status;
}

export function isActiveRun(run: { status: RunStatus }): boolean {
  return run.status === "pending" || run.status === "running";
}

export const STATE_LABEL: Record<RunState, MessageKey> = {
  completed: "run.status.completed",
  failed: "run.status.failed",
  running: "run.status.running",
  pending: "run.status.pending",
  missed: "run.status.missed",
  cancelled: "run.status.cancelled",
};

/** The label for the status itself (timeout keeps its own word). */
export function statusLabel(run: StateInput): MessageKey {
  if (run.status === "timeout") return "run.status.timeout";
  return STATE_LABEL[runState(run)];
}

export const TRIGGER_LABEL: Record<Trigger, MessageKey> = {
  manual: "run.trigger.manual",
  schedule: "run.trigger.schedule",
  bot: "run.trigger.bot",
  pipeline: "run.trigger.pipeline",
  api: "run.trigger.api",
  retry: "run.trigger.retry",
};

export type RunFilter = "all" | "success" | "error" | "active" | "missed";
export const RUN_FILTERS: readonly RunFilter[] = ["all", "success", "error", "active", "missed"];

export function matchesFilter(run: StateInput, filter: RunFilter): boolean {
  const state = runState(run);
  switch (filter) {
    case "all":
      return true;
    case "success":
      return state === "completed";
    case "error":
      return state === "failed";
    case "active":
      return state === "running" || state === "pending";
    case "missed":
      return state === "missed";
  }
}

const MARKDOWN_NOISE = /^(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+|```\w*|---+|\*\*\*+|___+)/;

/**
 * The first meaningful line of an output: Markdown markers, links and emphasis stripped, cut to `max`
 * characters with an ellipsis. Empty string when there is nothing to show.
 */
export function gist(output: string | null | undefined, max = 120): string {
  if (!output) return "";
  for (const raw of output.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || /^(```|---+|\*\*\*+|___+|\|?[\s:|-]+\|?)$/.test(line)) continue;
    while (MARKDOWN_NOISE.test(line)) line = line.replace(MARKDOWN_NOISE, "").trim();
    line = line
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
      .replace(/(\*\*|__|\*|_|`)(.+?)\1/g, "$2")
      .replace(/\s+/g, " ")
      .trim();
    if (!line) continue;
    return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
  }
  return "";
}

/** The last `max` characters of a streaming output, on one line (for the running row). */
export function tail(text: string, max = 140): string {
  const flat = text
    .replace(/^\s*(?:#{1,6}|>|[-*+]|\d+[.)])\s+/gm, "")
    .replace(/(\*\*|__|`)/g, "")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  return flat.length > max ? `…${flat.slice(flat.length - max + 1).trimStart()}` : flat;
}

/** Error codes with a "what to do" sentence in the catalogue. */
const HINTS: Record<string, MessageKey> = {
  invalid_key: "run.hint.invalid_key",
  quota_exhausted: "run.hint.quota_exhausted",
  rate_limited: "run.hint.rate_limited",
  timeout: "run.hint.timeout",
  budget_exceeded: "run.hint.budget_exceeded",
  unreachable: "run.hint.unreachable",
  model_not_found: "run.hint.model_not_found",
  context_too_long: "run.hint.context_too_long",
  interrupted: "run.hint.interrupted",
  internal: "run.hint.internal",
  provider_error: "run.hint.provider_error",
  config_error: "run.hint.config_error",
  missed: "run.hint.missed",
  dropped: "run.hint.dropped",
};

export type HintAction = "providers" | "editBot" | "runAgain" | null;

const ACTIONS: Record<string, HintAction> = {
  invalid_key: "providers",
  quota_exhausted: "providers",
  unreachable: "providers",
  timeout: "editBot",
  budget_exceeded: "editBot",
  model_not_found: "editBot",
  context_too_long: "editBot",
  config_error: "providers",
  interrupted: "runAgain",
  rate_limited: "runAgain",
  provider_error: "runAgain",
};

/** The "what to do" for a run's error: a sentence and the one action that helps, or null. */
export function errorHint(run: {
  status: RunStatus;
  error_code?: string | null;
}): { text: MessageKey; action: HintAction } | null {
  const code = run.status === "timeout" && !run.error_code ? "timeout" : run.error_code;
  if (!code) return null;
  const text = HINTS[code];
  if (!text) return null;
  return { text, action: ACTIONS[code] ?? null };
}

export type ToolCall = {
  at?: string;
  tool?: string;
  function: string;
  arguments?: unknown;
  duration_ms?: number;
  result_chars?: number;
  error?: string;
};

/** The log entries that describe a tool call (engine: tools/loop.py records tool, function, arguments …). */
export function toolCalls(log: readonly Record<string, unknown>[]): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const entry of log) {
    if (typeof entry.function !== "string") continue;
    calls.push({
      at: typeof entry.at === "string" ? entry.at : undefined,
      tool: typeof entry.tool === "string" ? entry.tool : undefined,
      function: entry.function,
      arguments: entry.arguments,
      duration_ms: typeof entry.duration_ms === "number" ? entry.duration_ms : undefined,
      result_chars: typeof entry.result_chars === "number" ? entry.result_chars : undefined,
      error: typeof entry.error === "string" ? entry.error : undefined,
    });
  }
  return calls;
}

/** Tool arguments on one line: `query="…"`, or the text itself when it is a string. */
export function formatArguments(value: unknown): string {
  if (value == null) return "";
  if (typeof value === "string") {
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed && typeof parsed === "object") return formatArguments(parsed);
    } catch {
      // not JSON: show as it is
    }
    return value;
  }
  if (typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, v]) => `${key}=${typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v)}`)
      .join(", ");
  }
  return JSON.stringify(value);
}
