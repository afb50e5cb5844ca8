/** Test data for the bot editor's tests. */
import type { Bot, Credential, Tool } from "@/api/types";
import type { Template } from "./formState";

export function makeBot(overrides: Partial<Bot> = {}): Bot {
  return {
    id: "b1",
    name: "News",
    description: "Morning headlines",
    emoji: "📰",
    prompt: "List today's three most important headlines.",
    model: "openai:gpt-4o-mini",
    schedule: "0 7 * * *",
    timezone: null,
    enabled: true,
    max_runtime_seconds: 120,
    max_output_tokens: null,
    missed_runs: "skip",
    fallback_models: [],
    tools: ["web_search"],
    max_model_requests: 10,
    on_complete: [],
    budget_daily_usd: null,
    budget_monthly_usd: null,
    no_results_pattern: null,
    created_at: "2026-12-01T08:00:00Z",
    updated_at: "2026-12-01T08:00:00Z",
    last_run: null,
    next_run_at: null,
    schedule_description: "Daily at 07:00",
    ...overrides,
  };
}

function credential(overrides: Partial<Credential>): Credential {
  return {
    id: "c1",
    type: "openai",
    name: "openai",
    base_url: null,
    api_key_hint: "…abcd",
    models: [],
    status: "connected",
    error_message: null,
    created_at: "2026-12-01T08:00:00Z",
    ...overrides,
  };
}

export const credentials: Credential[] = [
  credential({ id: "c1", name: "openai", models: ["gpt-4o-mini", "gpt-4.1"] }),
  credential({ id: "c2", type: "mistral", name: "mistral", models: ["mistral-small-latest"] }),
  credential({
    id: "c3",
    type: "anthropic",
    name: "anthropic",
    models: ["claude-broken"],
    status: "error",
    error_message: "invalid key",
  }),
  credential({ id: "c4", type: "brave", name: "brave", models: ["search-model"] }),
  credential({ id: "c5", type: "ollama", name: "ollama", models: [] }),
];

export const tools: Tool[] = [
  { name: "web_search", description: "Search the web.", settings: {}, functions: [] },
  { name: "web_fetch", description: "Fetch a page.", settings: {}, functions: [] },
  { name: "files", description: "Files.", settings: {}, functions: [] },
];

export const settings = {
  timezone: "Europe/Berlin",
  language: "en",
  missed_runs_default: "skip",
  theme: "system",
  max_parallel_runs: 3,
  quiet_hours: null,
  jitter_seconds: 30,
  budget_monthly_usd: null,
  budget_warn_percent: 80,
  fetch_allowlist: [],
  search_results: 5,
  search_language: null,
  search_country: null,
  stale_after_fires: 3,
};

export function makeTemplate(overrides: Partial<Template> = {}): Template {
  return {
    id: "web_scout",
    language: "de",
    category: "monitoring",
    emoji: "🔎",
    name: "Web-Scout",
    description: "Sucht im Netz und meldet nur neue Treffer.",
    prompt: "Suchauftrag: Nike Air Max 90 in Größe 44.",
    tools: ["web_search", "web_fetch", "files"],
    schedule: "0 8,13,18 * * *",
    schedule_description: "Täglich um 08:00, 13:00, 18:00",
    max_runtime_seconds: 240,
    notify_rule: "on_results",
    format: "short",
    needs_input: false,
    input_placeholder: "",
    model_tier: "cheap",
    customize_hint: "Ersetze die Zeile „Suchauftrag:“.",
    ...overrides,
  };
}

/** The routes every editor screen reads. */
export function baseRoutes(bots: Bot[] = [makeBot()]) {
  return {
    "GET /api/providers": credentials,
    "GET /api/settings": settings,
    "GET /api/tools": tools,
    "GET /api/bots": bots,
  };
}
