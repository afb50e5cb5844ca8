import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, ExternalLink, Eye, EyeOff, Info, TriangleAlert } from "lucide-react";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { isApiError } from "@/api/client";
import { providerQueries, useCreateProvider } from "@/api/queries";
import type { Credential } from "@/api/types";
import { Button, EmojiTile, Field, Input } from "@/components/ui";
import { useT } from "@/i18n";
import { errorMessage } from "@/i18n/errors";
import {
  type CatalogEntry,
  errorHeadline,
  errorPlace,
  freeCredentialName,
  keyLooksWrong,
  showsBaseUrl,
} from "./catalog";

/**
 * The server writes "Key ungültig — bitte prüfen, …": its first part is the headline (already in the app's
 * language), the rest the advice. Without a dash, our own headline for the code goes first.
 */
export function splitMessage(message: string, fallback: string): { headline: string; message: string } {
  const at = message.indexOf(" — ");
  if (at <= 0) return { headline: fallback, message };
  const rest = message.slice(at + 3).trim();
  return { headline: message.slice(0, at).trim(), message: rest.charAt(0).toUpperCase() + rest.slice(1) };
}

type Problem = { place: "api_key" | "base_url" | "form"; headline?: string; message: string };

/**
 * One provider's setup: its numbered steps with links, the key field (with show/hide), the address field
 * where the type needs one, and "Test & save" (POST /api/providers, which checks the key first).
 */
export function ProviderSetup({
  entry,
  onBack,
  onConnected,
}: {
  entry: CatalogEntry;
  onBack?: () => void;
  onConnected: (credential: Credential) => void;
}) {
  const t = useT();
  const create = useCreateProvider();
  const existing = useQuery(providerQueries.list());
  const hasBaseUrl = showsBaseUrl(entry);
  const [apiKey, setApiKey] = useState("");
  const [baseUrl, setBaseUrl] = useState(entry.default_base_url && hasBaseUrl ? entry.default_base_url : "");
  const [reveal, setReveal] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const keyRef = useRef<HTMLInputElement>(null);
  const urlRef = useRef<HTMLInputElement>(null);
  const headingId = useId();

  // Straight to the first field: one click less for the person pasting a key.
  useEffect(() => {
    (entry.needs_key ? keyRef : urlRef).current?.focus();
  }, [entry.needs_key]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const body = {
      type: entry.type,
      name: freeCredentialName(entry.type, existing.data ?? []),
      api_key: apiKey.trim() || null,
      base_url: hasBaseUrl ? baseUrl.trim() || null : null,
    };
    create.mutate(body, {
      onSuccess: onConnected,
      onError: (error) => {
        if (isApiError(error) && error.status === 400) {
          const place = errorPlace(error.code, hasBaseUrl, entry.needs_key || apiKey.trim() !== "");
          setProblem({ place, ...splitMessage(error.message, t(errorHeadline(error.code))) });
          (place === "base_url" ? urlRef : keyRef).current?.focus();
          return;
        }
        if (isApiError(error) && error.code === "invalid_input") {
          const fields = error.fieldErrors;
          if (fields.api_key) return setProblem({ place: "api_key", message: fields.api_key });
          if (fields.base_url) return setProblem({ place: "base_url", message: fields.base_url });
        }
        setProblem({ place: "form", message: errorMessage(t, error) });
      },
    });
  };

  const fieldError = (place: Problem["place"]) =>
    problem?.place === place ? (
      <span className="grid gap-0.5">
        {problem.headline && <span className="font-semibold">{problem.headline}</span>}
        <span className="font-normal">{problem.message}</span>
      </span>
    ) : undefined;

  const canSubmit =
    (!entry.needs_key || apiKey.trim() !== "") && (!entry.needs_base_url || baseUrl.trim() !== "");
  const wrongKey = keyLooksWrong(entry, apiKey);

  return (
    <section aria-labelledby={headingId} className="grid gap-5">
      <div className="flex items-start gap-3">
        <EmojiTile emoji={entry.emoji} />
        <div className="grid min-w-0 flex-1 gap-0.5">
          <h3 id={headingId} className="text-base font-semibold text-fg">
            {t("providers.setup.title", { name: entry.display_name })}
          </h3>
          <p className="text-sm text-fg-muted">
            {entry.tagline} · <span className="text-accent">{entry.price_hint}</span>
          </p>
        </div>
        {onBack && (
          <Button variant="ghost" size="sm" onClick={onBack} className="-me-1.5 shrink-0">
            <ArrowLeft aria-hidden />
            <span className="hidden min-[400px]:inline">{t("providers.setup.other")}</span>
            <span className="sr-only min-[400px]:hidden">{t("providers.setup.other")}</span>
          </Button>
        )}
      </div>

      {entry.steps.length > 0 && (
        <ol className="grid gap-2">
          {entry.steps.map((step, index) => (
            <li
              key={step.text}
              className="flex items-start gap-3 rounded-md border border-border bg-bg/60 px-3 py-2.5"
            >
              <span
                aria-hidden
                className="mt-px flex size-5 shrink-0 items-center justify-center rounded-full bg-accent-soft text-[11px] font-semibold text-accent"
              >
                {index + 1}
              </span>
              <span
                id={`${headingId}-step${index}`}
                className="min-w-0 flex-1 text-sm leading-snug text-fg [overflow-wrap:anywhere]"
              >
                <span className="sr-only">{t("providers.setup.stepNo", { n: index + 1 })} </span>
                {step.text}
              </span>
              {step.url && (
                <a
                  href={step.url}
                  target="_blank"
                  rel="noopener noreferrer"
                  aria-describedby={`${headingId}-step${index}`}
                  className="inline-flex shrink-0 items-center gap-1 rounded-md text-sm font-medium text-accent hover:underline"
                >
                  {t("providers.setup.open")}
                  <ExternalLink aria-hidden className="size-3.5" />
                  <span className="sr-only">{t("providers.setup.newTab")}</span>
                </a>
              )}
            </li>
          ))}
        </ol>
      )}

      {entry.notes && (
        <p className="flex items-start gap-2 rounded-md bg-accent-soft/60 px-3 py-2 text-xs leading-relaxed text-fg-muted">
          <Info aria-hidden className="mt-px size-3.5 shrink-0 text-accent" />
          <span>{entry.notes}</span>
        </p>
      )}

      <form onSubmit={submit} noValidate className="grid gap-4">
        {hasBaseUrl && (
          <Field
            label={t("providers.setup.baseUrl")}
            required={entry.needs_base_url}
            hint={entry.needs_base_url ? t("providers.setup.baseUrlHint") : undefined}
            error={fieldError("base_url")}
          >
            <Input
              ref={urlRef}
              type="url"
              inputMode="url"
              autoComplete="off"
              spellCheck={false}
              placeholder={entry.default_base_url ?? "http://localhost:1234/v1"}
              value={baseUrl}
              onChange={(e) => setBaseUrl(e.target.value)}
            />
          </Field>
        )}
        {(entry.needs_key || entry.type === "openai_compatible") && (
          <Field
            label={t("providers.setup.apiKey")}
            required={entry.needs_key}
            optional={!entry.needs_key}
            hint={
              wrongKey ? (
                <span className="text-warning">
                  {t("providers.setup.keyPrefix", {
                    name: entry.display_name,
                    prefix: entry.key_prefix ?? "",
                  })}
                </span>
              ) : (
                t("providers.setup.keyHint")
              )
            }
            error={fieldError("api_key")}
          >
            <div className="relative">
              <Input
                ref={keyRef}
                type={reveal ? "text" : "password"}
                autoComplete="off"
                spellCheck={false}
                placeholder={entry.key_format ?? ""}
                value={apiKey}
                onChange={(e) => setApiKey(e.target.value)}
                className="pe-10 font-mono"
              />
              <button
                type="button"
                onClick={() => setReveal((r) => !r)}
                aria-pressed={reveal}
                aria-label={reveal ? t("providers.setup.hideKey") : t("providers.setup.showKey")}
                className="absolute inset-y-0 end-0 flex w-9 items-center justify-center rounded-e-md text-fg-muted hover:text-fg"
              >
                {reveal ? <EyeOff aria-hidden className="size-4" /> : <Eye aria-hidden className="size-4" />}
              </button>
            </div>
          </Field>
        )}
        {problem?.place === "form" && (
          <div
            role="alert"
            className="flex items-start gap-2 rounded-md border border-danger/25 bg-danger-soft px-3 py-2.5 text-sm text-danger"
          >
            <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
            <span className="grid gap-0.5">
              {problem.headline && <span className="font-semibold">{problem.headline}</span>}
              <span>{problem.message}</span>
            </span>
          </div>
        )}
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" size="lg" loading={create.isPending} disabled={!canSubmit}>
            {create.isPending ? t("providers.setup.testing") : t("providers.setup.submit")}
          </Button>
          <p className="text-xs text-fg-muted">{t("providers.setup.safe")}</p>
        </div>
      </form>
    </section>
  );
}
