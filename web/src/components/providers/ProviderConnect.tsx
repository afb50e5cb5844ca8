import { useQuery } from "@tanstack/react-query";
import { ArrowRight, CheckCircle2, Plus } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { providerQueries } from "@/api/queries";
import type { Credential } from "@/api/types";
import { Badge, Button, Skeleton } from "@/components/ui";
import { useT } from "@/i18n";
import { errorMessage } from "@/i18n/errors";
import { type CatalogEntry, useProviderCatalog } from "./catalog";
import { ProviderPicker } from "./ProviderPicker";
import { ProviderSetup } from "./ProviderSetup";

const MODELS_SHOWN = 12;

/**
 * "Connect an AI provider": the cards, then the chosen provider's setup, then ✓ with its models and
 * `continueLabel` (the wizard's "Next", the providers page's "Done"). Used by /welcome and /providers.
 */
export function ProviderConnect({
  onContinue,
  continueLabel,
  includeTools = false,
  chosenType,
  onChooseType,
}: {
  onContinue: (credential: Credential) => void;
  continueLabel: string;
  /** Also offer keys for tools (Brave search). */
  includeTools?: boolean;
  /** Controlled choice (e.g. kept in the URL so a reload resumes); else kept inside. */
  chosenType?: string | null;
  onChooseType?: (type: string | null) => void;
}) {
  const t = useT();
  const catalog = useProviderCatalog();
  const credentials = useQuery(providerQueries.list());
  const [innerType, setInnerType] = useState<string | null>(null);
  const type = chosenType !== undefined ? chosenType : innerType;
  const setChosen = (entry: CatalogEntry | null) => {
    setInnerType(entry?.type ?? null);
    onChooseType?.(entry?.type ?? null);
  };
  const chosen = catalog.data?.find((entry) => entry.type === type) ?? null;
  const [connected, setConnected] = useState<Credential | null>(null);

  if (catalog.isPending) {
    return (
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3">
        {["a", "b", "c", "d", "e", "f"].map((k) => (
          <Skeleton key={k} className="h-32" />
        ))}
      </div>
    );
  }
  if (catalog.isError) {
    return (
      <div role="alert" className="grid justify-items-start gap-3 text-sm text-danger">
        {errorMessage(t, catalog.error)}
        <Button variant="secondary" onClick={() => catalog.refetch()}>
          {t("common.retry")}
        </Button>
      </div>
    );
  }

  if (connected) {
    return (
      <Connected
        credential={connected}
        entry={catalog.data.find((e) => e.type === connected.type)}
        continueLabel={continueLabel}
        onContinue={() => onContinue(connected)}
        onAnother={() => {
          setConnected(null);
          setChosen(null);
        }}
      />
    );
  }
  if (chosen) {
    return <ProviderSetup entry={chosen} onBack={() => setChosen(null)} onConnected={setConnected} />;
  }
  const models = catalog.data.filter((e) => e.kind === "model");
  const tools = catalog.data.filter((e) => e.kind === "tool");
  const connectedTypes = (credentials.data ?? []).map((c) => c.type);
  return (
    <div className="grid gap-6">
      <ProviderPicker entries={models} onChoose={setChosen} connectedTypes={connectedTypes} />
      {includeTools && tools.length > 0 && (
        <div className="grid gap-2.5">
          <h3 className="text-xs font-semibold tracking-wide text-fg-muted uppercase">
            {t("providers.pick.tools")}
          </h3>
          <ProviderPicker entries={tools} onChoose={setChosen} connectedTypes={connectedTypes} />
        </div>
      )}
    </div>
  );
}

function Connected({
  credential,
  entry,
  continueLabel,
  onContinue,
  onAnother,
}: {
  credential: Credential;
  entry?: CatalogEntry;
  continueLabel: string;
  onContinue: () => void;
  onAnother: () => void;
}) {
  const t = useT();
  const next = useRef<HTMLButtonElement>(null);
  useEffect(() => next.current?.focus(), []);
  const models = credential.models;
  const isTool = entry?.kind === "tool";
  return (
    <div className="grid gap-5">
      <div
        role="status"
        className="flex items-start gap-3 rounded-lg border border-success/25 bg-success-soft p-4"
      >
        <CheckCircle2 aria-hidden className="mt-0.5 size-5 shrink-0 text-success" />
        <div className="grid min-w-0 gap-0.5">
          <p className="text-sm font-semibold text-fg">
            {t("providers.connected.title", { name: entry?.display_name ?? credential.name })}
          </p>
          <p className="text-sm text-fg-muted">
            {isTool
              ? t("providers.connected.tool")
              : models.length > 0
                ? t("providers.connected.models", { count: models.length })
                : t("providers.connected.noModels")}
          </p>
        </div>
      </div>
      {models.length > 0 && (
        <ul aria-label={t("providers.connected.modelList")} className="flex flex-wrap gap-1.5">
          {models.slice(0, MODELS_SHOWN).map((model) => (
            <li key={model}>
              <Badge className="font-mono">{model}</Badge>
            </li>
          ))}
          {models.length > MODELS_SHOWN && (
            <li>
              <Badge tone="accent">
                {t("providers.connected.more", { count: models.length - MODELS_SHOWN })}
              </Badge>
            </li>
          )}
        </ul>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <Button ref={next} size="lg" onClick={onContinue}>
          {continueLabel}
          <ArrowRight aria-hidden />
        </Button>
        <Button variant="ghost" onClick={onAnother}>
          <Plus aria-hidden />
          {t("providers.connected.another")}
        </Button>
      </div>
    </div>
  );
}
