/**
 * The provider catalogue (`GET /api/providers/catalog`, texts in the UI language) typed for the screens, and
 * the small pure helpers the connect flow uses.
 */
import { useQuery } from "@tanstack/react-query";
import { providerQueries } from "@/api/queries";
import type { Credential, ProviderType } from "@/api/types";
import { useLocale } from "@/i18n";
import type { MessageKey } from "@/i18n/types";

export type CatalogStep = { text: string; url: string | null };
export type RecommendedModel = { name: string; tier: "cheap" | "good" | "best"; description: string };
export type CatalogEntry = {
  type: ProviderType;
  display_name: string;
  emoji: string;
  tagline: string;
  price_hint: string;
  needs_key: boolean;
  needs_base_url: boolean;
  default_base_url: string | null;
  key_format: string | null;
  key_prefix: string | null;
  steps: CatalogStep[];
  recommended_models: RecommendedModel[];
  notes: string | null;
  /** "model": an AI provider; "tool": a key a tool uses (Brave search). */
  kind: "model" | "tool";
};

/** The catalogue in the UI language. */
export function useProviderCatalog() {
  const [locale] = useLocale();
  return useQuery({
    ...providerQueries.catalog(locale),
    select: (rows) => rows as unknown as CatalogEntry[],
  });
}

/** Whether the address field is shown: the type needs one, or has a default (Ollama). */
export function showsBaseUrl(entry: CatalogEntry): boolean {
  return entry.needs_base_url || (entry.default_base_url != null && entry.kind === "model");
}

/** True when a key is entered that does not look like this provider's (a hint, never a block). */
export function keyLooksWrong(entry: CatalogEntry, key: string): boolean {
  const trimmed = key.trim();
  return Boolean(entry.key_prefix && trimmed.length >= 4 && !trimmed.startsWith(entry.key_prefix));
}

/** The first free credential name for a type: "openai", then "openai-2", "openai-3" … */
export function freeCredentialName(type: string, existing: readonly Pick<Credential, "name">[]): string {
  const taken = new Set(existing.map((c) => c.name));
  if (!taken.has(type)) return type;
  for (let n = 2; ; n++) if (!taken.has(`${type}-${n}`)) return `${type}-${n}`;
}

/** Where a failed key check is shown. */
export type ErrorPlace = "api_key" | "base_url" | "form";

const HEADLINES: Record<string, MessageKey> = {
  invalid_key: "providers.error.invalid_key",
  quota_exhausted: "providers.error.quota_exhausted",
  rate_limited: "providers.error.rate_limited",
  unreachable: "providers.error.unreachable",
  ollama_down: "providers.error.unreachable",
  wrong_base_url: "providers.error.wrong_base_url",
  wrong_base_url_plain: "providers.error.wrong_base_url",
  provider_error: "providers.error.provider_error",
};

/** A short headline for a key-check error code (the server's message says the rest). */
export function errorHeadline(code: string): MessageKey {
  return HEADLINES[code] ?? "providers.error.provider_error";
}

/** Address errors go to the address field when there is one; key errors to the key field. */
export function errorPlace(code: string, hasBaseUrl: boolean, hasKey: boolean): ErrorPlace {
  if (["unreachable", "ollama_down", "wrong_base_url", "wrong_base_url_plain"].includes(code))
    return hasBaseUrl ? "base_url" : "form";
  if (["invalid_key", "quota_exhausted", "rate_limited"].includes(code)) return hasKey ? "api_key" : "form";
  return "form";
}
