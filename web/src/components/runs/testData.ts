/** Test fixtures for bots and runs (used by the dashboard, bot page and run detail tests). */
import type { Bot, Run } from "@/api/types";

export function makeRun(over: Partial<Run> = {}): Run {
  return {
    id: "r1",
    bot_id: "b1",
    status: "completed",
    trigger: "schedule",
    input: null,
    output: "3 neue Treffer:\n- Nike AM90 — 35 €",
    log: [],
    model: "openai:gpt-4.1-mini",
    created_at: "2025-03-12T13:00:00Z",
    started_at: "2025-03-12T13:00:01Z",
    finished_at: "2025-03-12T13:00:05Z",
    duration_ms: 4200,
    tokens_in: 1000,
    tokens_out: 200,
    cost_estimate: 0.0012,
    error_code: null,
    error_message: null,
    output_hash: "h",
    is_new: false,
    attempt: 1,
    retry_of: null,
    parent_run_id: null,
    scheduled_for: null,
    not_before: null,
    ...over,
  };
}

export function makeBot(over: Partial<Bot> = {}): Bot {
  return {
    id: "b1",
    name: "eBay-Scout",
    description: "Sucht Schuhe",
    emoji: "🛒",
    prompt: "Suche",
    model: "openai:gpt-4.1-mini",
    schedule: "0 * * * *",
    timezone: null,
    enabled: true,
    max_runtime_seconds: 120,
    max_output_tokens: null,
    missed_runs: "skip",
    fallback_models: [],
    tools: [],
    max_model_requests: 10,
    on_complete: [],
    budget_daily_usd: null,
    budget_monthly_usd: null,
    no_results_pattern: null,
    created_at: "2025-03-01T10:00:00Z",
    updated_at: "2025-03-01T10:00:00Z",
    last_run: null,
    next_run_at: null,
    schedule_description: "Jede Stunde",
    ...over,
  };
}

export const provider = {
  id: "c1",
  type: "openai",
  name: "openai",
  base_url: null,
  api_key_hint: "…abcd",
  models: ["gpt-4.1-mini"],
  status: "connected",
  error_message: null,
  created_at: "2025-03-01T10:00:00Z",
};
