/** Test data shaped like the server's answers (GET /api/providers/catalog, credentials). */
import type { Credential } from "@/api/types";
import type { CatalogEntry } from "./catalog";

const entry = (over: Partial<CatalogEntry> & Pick<CatalogEntry, "type" | "display_name">): CatalogEntry => ({
  emoji: "✨",
  tagline: "",
  price_hint: "",
  needs_key: true,
  needs_base_url: false,
  default_base_url: null,
  key_format: null,
  key_prefix: null,
  steps: [],
  recommended_models: [],
  notes: null,
  kind: "model",
  ...over,
});

export const catalogFixture: CatalogEntry[] = [
  entry({
    type: "openai",
    display_name: "OpenAI",
    tagline: "GPT-5, GPT-4.1",
    price_hint: "from ~$5/month",
    key_format: "sk-…",
    key_prefix: "sk-",
    steps: [
      { text: "Create an account", url: "https://platform.openai.com/signup" },
      { text: "Create a key: Settings → API Keys", url: "https://platform.openai.com/api-keys" },
      { text: "Paste the key → Test & save", url: null },
    ],
    recommended_models: [
      { name: "gpt-4.1-nano", tier: "cheap", description: "Very cheap" },
      { name: "gpt-4.1-mini", tier: "good", description: "Good default" },
      { name: "gpt-5", tier: "best", description: "Most capable" },
    ],
  }),
  entry({
    type: "anthropic",
    display_name: "Anthropic",
    emoji: "🟣",
    tagline: "Claude",
    price_hint: "from ~$5/month",
  }),
  entry({
    type: "ollama",
    display_name: "Ollama",
    emoji: "💻",
    tagline: "Local, on your computer",
    price_hint: "Free",
    needs_key: false,
    default_base_url: "http://localhost:11434",
  }),
  entry({
    type: "openai_compatible",
    display_name: "OpenAI-compatible",
    emoji: "🔌",
    tagline: "LM Studio, vLLM",
    price_hint: "depends on the service",
    needs_key: false,
    needs_base_url: true,
  }),
  entry({
    type: "brave",
    display_name: "Brave Search",
    emoji: "🔎",
    kind: "tool",
    default_base_url: "https://x",
  }),
];

export function credentialFixture(over: Partial<Credential> = {}): Credential {
  return {
    id: "cred1",
    type: "openai",
    name: "openai",
    base_url: null,
    api_key_hint: "…abcd",
    models: ["gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o"],
    status: "connected",
    error_message: null,
    created_at: "2026-01-05T10:00:00Z",
    ...over,
  };
}
