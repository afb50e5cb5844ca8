import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, Clock, Play, Sparkles } from "lucide-react";
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import { isApiError } from "@/api/client";
import { botQueries, providerQueries, templateQueries, useCreateBot, useCreateRun } from "@/api/queries";
import type { components } from "@/api/schema";
import type { BotCreate } from "@/api/types";
import {
  Button,
  cn,
  EmojiTile,
  Field,
  Input,
  RadioGroup,
  Select,
  Skeleton,
  Textarea,
  ToolBadges,
} from "@/components/ui";
import { useLocale, useT } from "@/i18n";
import { errorMessage } from "@/i18n/errors";
import { type CatalogModels, modelFreeCredential, modelOptions, preferredModel } from "./modelChoice";

type Template = components["schemas"]["TemplateRead"];
export type Started = { botId: string; runId: string };

const BLANK = "blank";
const MANUAL = "manual";
/** Schedules a blank bot can start with; labels in the catalogue (onboarding.schedule.*). */
/** The server's defaults for what a blank bot does not say (BotCreate). */
const BLANK_DEFAULTS = { max_model_requests: 10, max_runtime_seconds: 120 } as const;
const BLANK_SCHEDULES = { daily: "0 8 * * *", weekdays: "0 8 * * 1-5" } as const;

/**
 * Step 2, "Create your first bot": template cards + a blank bot; the chosen one opens a compact form
 * (name, model, schedule, the run's input when the template needs one). "Create & run" creates the bot,
 * starts a run with the input and reports both ids.
 */
export function BotStarter({
  onStarted,
  choice: controlled,
  onChoose,
}: {
  onStarted: (started: Started) => void;
  /** Controlled choice: a template id or "blank" (e.g. kept in the URL); else kept inside. */
  choice?: string | null;
  onChoose?: (choice: string | null) => void;
}) {
  const t = useT();
  const [locale] = useLocale();
  const templates = useQuery(templateQueries.list(locale));
  const [inner, setInner] = useState<string | null>(null);
  const choice = controlled !== undefined ? controlled : inner;
  const setChoice = (next: string | null) => {
    setInner(next);
    onChoose?.(next);
  };

  const template = templates.data?.find((tpl) => tpl.id === choice) ?? null;
  if (choice === BLANK || template) {
    return <BotForm key={choice} template={template} onBack={() => setChoice(null)} onStarted={onStarted} />;
  }
  return (
    <div className="grid gap-3">
      {templates.isPending ? (
        <div className="grid gap-2.5 sm:grid-cols-2">
          {["a", "b", "c", "d"].map((k) => (
            <Skeleton key={k} className="h-24" />
          ))}
        </div>
      ) : templates.isError ? (
        <div role="alert" className="grid justify-items-start gap-3 text-sm text-danger">
          {errorMessage(t, templates.error)}
          <Button variant="secondary" onClick={() => templates.refetch()}>
            {t("common.retry")}
          </Button>
        </div>
      ) : null}
      <ul className="grid gap-2.5 sm:grid-cols-2">
        {(templates.data ?? []).map((tpl) => (
          <li key={tpl.id} className="min-w-0">
            <ChoiceCard
              emoji={tpl.emoji}
              title={tpl.name}
              description={tpl.description}
              meta={tpl.schedule_description ?? t("onboarding.bot.onDemand")}
              onClick={() => setChoice(tpl.id)}
            />
          </li>
        ))}
        <li className="min-w-0">
          <ChoiceCard
            emoji="🤖"
            title={t("onboarding.bot.blank")}
            description={t("onboarding.bot.blankBody")}
            dashed
            onClick={() => setChoice(BLANK)}
          />
        </li>
      </ul>
    </div>
  );
}

function ChoiceCard({
  emoji,
  title,
  description,
  meta,
  dashed = false,
  onClick,
}: {
  emoji: string;
  title: string;
  description: string;
  meta?: string;
  dashed?: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      onClick={onClick}
      className={cn(
        "group flex h-full w-full min-w-0 items-start gap-3 rounded-lg border bg-surface p-3.5 text-start shadow-xs",
        "transition-[border-color,box-shadow,transform] hover:-translate-y-px hover:border-accent/50 hover:shadow-md",
        dashed ? "border-dashed border-border-strong" : "border-border",
      )}
    >
      <EmojiTile emoji={emoji} size="md" />
      <span className="grid min-w-0 gap-1">
        <span className="text-sm font-semibold text-fg">{title}</span>
        <span className="line-clamp-2 text-xs leading-snug text-fg-muted">{description}</span>
        {meta && (
          <span className="mt-0.5 inline-flex items-center gap-1 text-[11px] font-medium text-fg-muted">
            <Clock aria-hidden className="size-3" />
            {meta}
          </span>
        )}
      </span>
    </button>
  );
}

/** `base`, or "base 2", "base 3" … when a bot already has that name. */
export function freeBotName(base: string, bots: readonly { name: string }[]): string {
  const taken = new Set(bots.map((b) => b.name.toLowerCase()));
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base} ${n}`.toLowerCase())) return `${base} ${n}`;
}

type FormErrors = Partial<Record<"name" | "model" | "prompt" | "input" | "schedule" | "form", string>>;

function BotForm({
  template,
  onBack,
  onStarted,
}: {
  template: Template | null;
  onBack: () => void;
  onStarted: (started: Started) => void;
}) {
  const t = useT();
  const [locale] = useLocale();
  const credentials = useQuery(providerQueries.list());
  const catalog = useQuery({
    ...providerQueries.catalog(locale),
    select: (rows) => rows as unknown as CatalogModels[],
  });
  const createBot = useCreateBot();
  const createRun = useCreateRun();
  const headingId = useId();
  const inputRef = useRef<HTMLTextAreaElement>(null);

  const options = useMemo(
    () => modelOptions(credentials.data ?? [], catalog.data ?? []),
    [credentials.data, catalog.data],
  );
  const suggested = preferredModel(options, credentials.data ?? [], catalog.data ?? [], template?.model_tier);

  const bots = useQuery(botQueries.list());
  const [edited, setName] = useState<string | null>(null);
  // Until the person types, the suggestion avoids names already taken ("Web-Scout 2" the second time).
  const name = edited ?? freeBotName(template?.name ?? t("onboarding.bot.blankName"), bots.data ?? []);
  const [model, setModel] = useState<string | undefined>(undefined);
  const [schedule, setSchedule] = useState<string>(template?.schedule ?? MANUAL);
  const [prompt, setPrompt] = useState(template?.prompt ?? "");
  const [input, setInput] = useState("");
  const [errors, setErrors] = useState<FormErrors>({});
  // A connected service that listed no models (some gateways): its model name is typed in.
  const bare =
    options.length === 0 ? modelFreeCredential(credentials.data ?? [], catalog.data ?? []) : undefined;
  const [typed, setTyped] = useState("");
  const chosenModel = bare ? (typed.trim() ? `${bare}:${typed.trim()}` : undefined) : (model ?? suggested);
  const canCreate = options.length > 0 || Boolean(bare);
  const busy = createBot.isPending || createRun.isPending;

  // The run's input is what the person has to give: the cursor waits there (one click less).
  useEffect(() => {
    inputRef.current?.focus({ preventScroll: true });
  }, []);

  const scheduleOptions = template
    ? [
        ...(template.schedule
          ? [{ value: template.schedule, label: template.schedule_description ?? template.schedule }]
          : []),
        { value: MANUAL, label: t("onboarding.bot.manual"), description: t("onboarding.bot.manualHint") },
      ]
    : [
        { value: MANUAL, label: t("onboarding.bot.manual"), description: t("onboarding.bot.manualHint") },
        { value: BLANK_SCHEDULES.daily, label: t("onboarding.schedule.daily") },
        { value: BLANK_SCHEDULES.weekdays, label: t("onboarding.schedule.weekdays") },
      ];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const next: FormErrors = {};
    if (!name.trim()) next.name = t("onboarding.bot.required");
    if (!chosenModel) next.model = t("onboarding.bot.noModel");
    if (!prompt.trim()) next.prompt = t("onboarding.bot.required");
    if (template?.needs_input && !input.trim()) next.input = t("onboarding.bot.inputRequired");
    setErrors(next);
    if (Object.keys(next).length > 0 || !chosenModel) return;

    const body: BotCreate = {
      name: name.trim(),
      emoji: template?.emoji ?? "🤖",
      description: template?.description ?? "",
      prompt,
      model: chosenModel,
      schedule: schedule === MANUAL ? null : schedule,
      tools: template?.tools ?? [],
      enabled: true,
      max_model_requests: BLANK_DEFAULTS.max_model_requests,
      max_runtime_seconds: template?.max_runtime_seconds ?? BLANK_DEFAULTS.max_runtime_seconds,
    };
    let botId: string;
    try {
      botId = (await createBot.mutateAsync(body)).id;
    } catch (error) {
      if (isApiError(error) && error.code === "invalid_input") {
        const f = error.fieldErrors;
        const mapped: FormErrors = {
          name: f.name,
          model: f.model,
          prompt: f.prompt,
          schedule: f.schedule,
        };
        const known = Object.values(mapped).some(Boolean);
        setErrors({ ...mapped, form: known ? undefined : errorMessage(t, error) });
      } else setErrors({ form: errorMessage(t, error) });
      return;
    }
    try {
      const run = await createRun.mutateAsync({ botId, input: input.trim() || null });
      onStarted({ botId, runId: run.id });
    } catch (error) {
      setErrors({ form: t("onboarding.bot.runFailed", { reason: errorMessage(t, error) }) });
    }
  };

  return (
    <section aria-labelledby={headingId} className="grid gap-5">
      <div className="flex items-start gap-3">
        <EmojiTile emoji={template?.emoji ?? "🤖"} />
        <div className="grid min-w-0 flex-1 gap-1">
          <h3 id={headingId} className="text-base font-semibold text-fg">
            {template?.name ?? t("onboarding.bot.blank")}
          </h3>
          <p className="text-sm text-fg-muted">{template?.description ?? t("onboarding.bot.blankBody")}</p>
          {template && (
            <ToolBadges tools={template.tools} label={t("onboarding.bot.tools")} className="mt-1 gap-1" />
          )}
        </div>
        <Button variant="ghost" size="sm" onClick={onBack} className="-me-1.5 shrink-0">
          <ArrowLeft aria-hidden />
          <span className="hidden min-[400px]:inline">{t("onboarding.bot.other")}</span>
          <span className="sr-only min-[400px]:hidden">{t("onboarding.bot.other")}</span>
        </Button>
      </div>

      <form onSubmit={submit} noValidate className="grid gap-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label={t("onboarding.bot.name")} required error={errors.name}>
            <Input value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field
            label={t("onboarding.bot.model")}
            required
            error={errors.model}
            hint={
              bare
                ? t("onboarding.bot.modelTyped")
                : options.length > 0
                  ? t("onboarding.bot.modelHint")
                  : undefined
            }
          >
            {bare ? (
              <Input
                value={typed}
                spellCheck={false}
                autoComplete="off"
                placeholder="llama3.1:8b"
                onChange={(e) => setTyped(e.target.value)}
              />
            ) : (
              <Select
                value={chosenModel}
                onValueChange={setModel}
                options={options.map((o) => ({ value: o.value, label: o.label }))}
                placeholder={t("onboarding.bot.modelPlaceholder")}
                disabled={options.length === 0}
              />
            )}
          </Field>
        </div>

        {template?.needs_input && (
          <Field label={t("onboarding.bot.input")} required error={errors.input}>
            <Textarea
              ref={inputRef}
              rows={5}
              value={input}
              placeholder={template.input_placeholder}
              onChange={(e) => setInput(e.target.value)}
            />
          </Field>
        )}

        {template ? (
          <details className="group rounded-md border border-border bg-bg/60 px-3 py-2 open:pb-3">
            <summary className="cursor-pointer list-none text-sm font-medium text-fg-muted select-none hover:text-fg [&::-webkit-details-marker]:hidden">
              <span className="inline-flex items-center gap-1.5">
                <Sparkles aria-hidden className="size-3.5 text-accent" />
                {t("onboarding.bot.editPrompt")}
              </span>
            </summary>
            <div className="mt-3 grid gap-2">
              {template.customize_hint && <p className="text-xs text-fg-muted">{template.customize_hint}</p>}
              <Field label={t("onboarding.bot.prompt")} error={errors.prompt}>
                <Textarea rows={8} value={prompt} onChange={(e) => setPrompt(e.target.value)} />
              </Field>
            </div>
          </details>
        ) : (
          <Field
            label={t("onboarding.bot.prompt")}
            required
            hint={t("onboarding.bot.promptHint")}
            error={errors.prompt}
          >
            <Textarea
              rows={5}
              value={prompt}
              placeholder={t("onboarding.bot.promptPlaceholder")}
              onChange={(e) => setPrompt(e.target.value)}
            />
          </Field>
        )}

        {scheduleOptions.length > 1 ? (
          <Field label={t("onboarding.bot.schedule")} error={errors.schedule}>
            <RadioGroup value={schedule} onValueChange={setSchedule} options={scheduleOptions} />
          </Field>
        ) : (
          <p className="flex items-center gap-2 text-sm text-fg-muted">
            <Clock aria-hidden className="size-4 shrink-0" />
            <span>
              <span className="font-medium text-fg">{t("onboarding.bot.manual")}</span>
              {" · "}
              {t("onboarding.bot.manualHint")}
            </span>
          </p>
        )}

        {errors.form && (
          <p
            role="alert"
            className="rounded-md border border-danger/25 bg-danger-soft px-3 py-2.5 text-sm text-danger"
          >
            {errors.form}
          </p>
        )}
        <div className="flex flex-wrap items-center gap-3 pt-1">
          <Button type="submit" size="lg" loading={busy} disabled={!canCreate}>
            {!busy && <Play aria-hidden />}
            {t("onboarding.bot.submit")}
          </Button>
          <p className="text-xs text-fg-muted">{t("onboarding.bot.submitHint")}</p>
        </div>
      </form>
    </section>
  );
}
