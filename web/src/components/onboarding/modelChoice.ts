/**
 * Which models the first bot can use, and which one to preselect. Pure functions, tested on their own.
 *
 * Values are "<credential name>:<model>", what POST /api/bots expects in `model`.
 */
import type { Credential } from "@/api/types";

export type Tier = "cheap" | "good" | "best";
/** The part of a catalogue entry this needs (GET /api/providers/catalog). */
export type CatalogModels = {
  type: string;
  kind?: string;
  recommended_models: { name: string; tier: Tier }[];
};
export type ModelOption = { value: string; label: string; credential: string; model: string };

const SMALL = /mini|flash|haiku|small|nano|lite/i;

/** Whether a credential is an AI provider the bot can think with (not a tool key like Brave search). */
export function isModelCredential(credential: Pick<Credential, "type">, catalog?: readonly CatalogModels[]) {
  const entry = catalog?.find((e) => e.type === credential.type);
  return entry ? entry.kind !== "tool" : credential.type !== "brave";
}

/**
 * Every model of every connected AI credential; a credential that listed no models offers the catalogue's
 * recommendations for its type. Labelled "model" alone with one credential, "model · credential" with more.
 */
export function modelOptions(
  credentials: readonly Credential[],
  catalog: readonly CatalogModels[] = [],
): ModelOption[] {
  const usable = credentials
    .filter((c) => c.status === "connected" && isModelCredential(c, catalog))
    .map((credential) => ({
      credential,
      names:
        credential.models.length > 0
          ? credential.models
          : (catalog.find((e) => e.type === credential.type)?.recommended_models.map((m) => m.name) ?? []),
    }))
    .filter((c) => c.names.length > 0);
  const many = usable.length > 1;
  const out: ModelOption[] = [];
  for (const { credential, names } of usable) {
    for (const model of names) {
      out.push({
        value: `${credential.name}:${model}`,
        label: many ? `${model} · ${credential.name}` : model,
        credential: credential.name,
        model,
      });
    }
  }
  return out;
}

/**
 * The model to preselect: the catalogue's recommendation for the template's tier (if the credential has
 * it), else a small, cheap-sounding model (mini/flash/haiku/small), else the first.
 */
export function preferredModel(
  options: readonly ModelOption[],
  credentials: readonly Pick<Credential, "name" | "type">[],
  catalog: readonly CatalogModels[] = [],
  tier?: Tier | null,
): string | undefined {
  if (options.length === 0) return undefined;
  if (tier) {
    for (const credential of credentials) {
      const recommended = catalog
        .find((e) => e.type === credential.type)
        ?.recommended_models.filter((m) => m.tier === tier);
      for (const rec of recommended ?? []) {
        const hit = options.find((o) => o.credential === credential.name && o.model === rec.name);
        if (hit) return hit.value;
      }
    }
  }
  return (options.find((o) => SMALL.test(o.model)) ?? options[0])?.value;
}

/** The name of a connected AI credential that offers no model names (its model is typed in), if any. */
export function modelFreeCredential(
  credentials: readonly Credential[],
  catalog: readonly CatalogModels[] = [],
): string | undefined {
  return credentials.find(
    (c) =>
      c.status === "connected" && isModelCredential(c, catalog) && modelOptions([c], catalog).length === 0,
  )?.name;
}
