/**
 * The bot editor (create and edit): one form in sections, saved with POST or PATCH. The API's 422 field
 * errors appear at their fields; the first one is scrolled into view. Unsaved changes are guarded.
 *
 *   <BotEditor initial={fromBot(bot)} bot={bot} />          // edit
 *   <BotEditor initial={form} template={template} />        // new (optionally from a template)
 */
import { useQuery } from "@tanstack/react-query";
import {
  ArrowLeft,
  CalendarClock,
  CircleAlert,
  Gauge,
  IdCard,
  MessageSquareText,
  Sparkles,
  Workflow,
  Wrench,
} from "lucide-react";
import {
  type FormEvent,
  type ReactNode,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from "react";
import { Link, useNavigate } from "react-router";
import { isApiError } from "@/api/client";
import { botQueries, providerQueries, systemQueries, useCreateBot, useUpdateBot } from "@/api/queries";
import type { Bot } from "@/api/types";
import { AlertDialog, Button, cn, Field, Input, RadioGroup, Switch, Textarea, toast } from "@/components/ui";
import { type MessageKey, type TFunction, useLocale, useT } from "@/i18n";
import { errorMessage } from "@/i18n/errors";
import { ChoiceCards } from "./ChoiceCards";
import { EmojiPicker } from "./EmojiPicker";
import {
  type Errors,
  type FieldName,
  type FormState,
  type Schedule,
  type Template,
  toBody,
  toFormErrors,
  usableCredentials,
} from "./formState";
import { useLeaveGuard } from "./hooks";
import { LimitsSection } from "./LimitsSection";
import { FallbackModels, MAX_FALLBACKS, ModelSelect, NoModels } from "./ModelPicker";
import { describeCron, SchedulePicker } from "./SchedulePicker";
import { Section } from "./Section";
import { SectionNav } from "./SectionNav";
import { ZoneSelect } from "./ZoneSelect";

const PROMPT_MAX = 20_000;
const TOOL_ORDER = ["web_search", "web_fetch", "files"];
const KNOWN_TOOLS = new Set(TOOL_ORDER);
/** Known tools first, in the order a bot usually needs them. */
const toolRank = (name: string) => (TOOL_ORDER.includes(name) ? TOOL_ORDER.indexOf(name) : TOOL_ORDER.length);

const SECTIONS: readonly {
  id: string;
  icon: ReactNode;
  title: MessageKey;
  fields: (FieldName | "body")[];
}[] = [
  {
    id: "basics",
    icon: <IdCard />,
    title: "editor.section.basics.title",
    fields: ["body", "emoji", "name", "description", "enabled"],
  },
  { id: "task", icon: <MessageSquareText />, title: "editor.section.task.title", fields: ["prompt"] },
  {
    id: "model",
    icon: <Sparkles />,
    title: "editor.section.model.title",
    fields: ["model", "fallback_models"],
  },
  {
    id: "schedule",
    icon: <CalendarClock />,
    title: "editor.section.schedule.title",
    fields: ["schedule", "timezone", "missed_runs"],
  },
  { id: "tools", icon: <Wrench />, title: "editor.section.tools.title", fields: ["tools"] },
  { id: "handoff", icon: <Workflow />, title: "editor.section.handoff.title", fields: ["on_complete"] },
  {
    id: "limits",
    icon: <Gauge />,
    title: "editor.section.limits.title",
    fields: [
      "max_runtime_seconds",
      "budget_daily_usd",
      "budget_monthly_usd",
      "max_output_tokens",
      "max_model_requests",
      "no_results_pattern",
    ],
  },
];

const isNumberLike = (text: string) => !text.trim() || Number.isFinite(Number(text.trim().replace(",", ".")));

function validate(form: FormState): Partial<Record<FieldName, MessageKey>> {
  const out: Partial<Record<FieldName, MessageKey>> = {};
  if (!form.name.trim()) out.name = "editor.error.name";
  if (!form.prompt.trim()) out.prompt = "editor.error.prompt";
  if (!form.model) out.model = "editor.error.model";
  if (form.schedule.mode === "custom" && !form.schedule.cron.trim()) out.schedule = "editor.error.cron";
  const numbers: [FieldName, string][] = [
    ["max_runtime_seconds", form.maxRuntimeSeconds],
    ["budget_daily_usd", form.budgetDailyUsd],
    ["budget_monthly_usd", form.budgetMonthlyUsd],
    ["max_output_tokens", form.maxOutputTokens],
    ["max_model_requests", form.maxModelRequests],
  ];
  for (const [field, text] of numbers) if (!isNumberLike(text)) out[field] = "editor.error.number";
  return out;
}

/** The server's reasons are English; the ones people meet most are said in the UI's language. */
function reasonText(t: TFunction, reason: string): string {
  const loop = /^this would make a loop: (.+)$/.exec(reason);
  if (loop?.[1]) return t("editor.reason.loop", { path: loop[1] });
  if (reason === "a bot cannot hand its output to itself") return t("editor.reason.self");
  const taken = /^another bot is already called '(.+)'$/.exec(reason);
  if (taken?.[1]) return t("editor.reason.nameTaken", { name: taken[1] });
  return reason;
}

/** Which API fields each form key feeds (to clear a field's error when it changes). */
const FIELD_OF: Record<keyof FormState, FieldName> = {
  emoji: "emoji",
  name: "name",
  description: "description",
  enabled: "enabled",
  prompt: "prompt",
  model: "model",
  fallbackModels: "fallback_models",
  schedule: "schedule",
  timezone: "timezone",
  missedRuns: "missed_runs",
  tools: "tools",
  onComplete: "on_complete",
  maxRuntimeSeconds: "max_runtime_seconds",
  budgetDailyUsd: "budget_daily_usd",
  budgetMonthlyUsd: "budget_monthly_usd",
  maxOutputTokens: "max_output_tokens",
  maxModelRequests: "max_model_requests",
  noResultsPattern: "no_results_pattern",
};

export type BotEditorProps = {
  initial: FormState;
  /** The bot being edited (absent: a new bot). */
  bot?: Bot;
  template?: Template;
  /** Extra actions in the header (duplicate, delete). */
  actions?: ReactNode;
  /** Where "back" leads (the bot's page, the templates, the dashboard) and its label. */
  back: { to: string; label: string };
  /** Shown above the form (the template chip). */
  banner?: ReactNode;
};

export function BotEditor({ initial, bot, template, actions, banner, back }: BotEditorProps) {
  const t = useT();
  const [locale] = useLocale();
  const navigate = useNavigate();
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<Errors>({});
  const [errorTick, setErrorTick] = useState(0);
  const [saved, setSaved] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const ids = useId();

  const providers = useQuery(providerQueries.list());
  const settings = useQuery(systemQueries.settings());
  const tools = useQuery(systemQueries.tools());
  const bots = useQuery(botQueries.list());
  const create = useCreateBot();
  const update = useUpdateBot(bot?.id ?? "");
  const saving = create.isPending || update.isPending;

  const credentials = useMemo(() => usableCredentials(providers.data), [providers.data]);
  const dirty = !saved && JSON.stringify(form) !== JSON.stringify(initial);
  const hasErrors = Object.values(errors).some(Boolean);
  const navSections = useMemo(
    () =>
      SECTIONS.map((section) => ({
        id: section.id,
        icon: section.icon,
        title: t(section.title),
        hasError: section.fields.some((field) => errors[field]),
      })),
    [errors, t],
  );
  const guard = useLeaveGuard(dirty);

  const errorsRef = useRef(errors);
  errorsRef.current = errors;
  /** Change one value (stable, so memoised sections skip re-renders); clears that field's error. */
  const set = useCallback(<K extends keyof FormState>(key: K, value: FormState[K]) => {
    setForm((current) => ({ ...current, [key]: value }));
    const field = FIELD_OF[key];
    if (errorsRef.current[field]) setErrors(({ [field]: _gone, ...rest }) => rest);
  }, []);
  const on = useMemo(
    () => ({
      timezone: (zone: string) => set("timezone", zone),
      schedule: (schedule: Schedule) => set("schedule", schedule),
      emoji: (emoji: string) => set("emoji", emoji),
      enabled: (enabled: boolean) => set("enabled", enabled),
      model: (model: string) => {
        set("model", model);
        setForm((current) => ({
          ...current,
          fallbackModels: current.fallbackModels.filter((item) => item !== model),
        }));
      },
      fallbackModels: (models: string[]) => set("fallbackModels", models),
      missedRuns: (value: string) => set("missedRuns", value as FormState["missedRuns"]),
      tools: (value: string[]) => set("tools", value),
      onComplete: (value: string[]) => set("onComplete", value),
    }),
    [set],
  );

  // ⌘S / Ctrl+S saves, as in an editor.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.metaKey || event.ctrlKey) && !event.altKey && event.key.toLowerCase() === "s") {
        event.preventDefault();
        formRef.current?.requestSubmit();
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  // After errors appear: bring the first one into view and focus it.
  useEffect(() => {
    if (!errorTick) return;
    const target = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], [data-error="true"]');
    if (!target) return;
    target.scrollIntoView({ block: "center", behavior: "smooth" });
    const focusable = target.matches("input, textarea, button, [tabindex]")
      ? target
      : target.querySelector<HTMLElement>("input, textarea, button, a[href]");
    focusable?.focus({ preventScroll: true });
  }, [errorTick]);

  const showErrors = (next: Errors) => {
    setErrors(next);
    setErrorTick((tick) => tick + 1);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const invalid = validate(form);
    if (Object.keys(invalid).length > 0) {
      showErrors(Object.fromEntries(Object.entries(invalid).map(([field, key]) => [field, t(key)])));
      return;
    }
    const body = toBody(form);
    try {
      const result = bot ? await update.mutateAsync(body) : await create.mutateAsync(body);
      setSaved(true);
      toast({
        title: bot ? t("editor.saved.updated") : t("editor.saved.created", { name: result.name }),
        variant: "success",
      });
      navigate(`/bots/${encodeURIComponent(result.id)}`);
    } catch (error) {
      if (isApiError(error) && error.status === 422) {
        // The reasons show at their fields and the bar says so; no toast over the save button.
        const reasons = toFormErrors(error.fieldErrors);
        showErrors(
          Object.fromEntries(
            Object.entries(reasons).map(([field, reason]) => [field, reasonText(t, reason)]),
          ),
        );
      } else {
        toast({ title: t("editor.saveFailed"), description: errorMessage(t, error), variant: "error" });
      }
    }
  };

  const appZone = settings.data?.timezone;

  const otherBots = useMemo(
    () => (bots.data ?? []).filter((other) => other.id !== bot?.id),
    [bots.data, bot?.id],
  );
  const botChoices = useMemo(
    () =>
      otherBots.map((other) => ({
        value: other.id,
        title: other.name,
        icon: other.emoji,
        description: other.schedule
          ? ((settings.data?.language !== locale ? describeCron(other.schedule, locale, t) : null) ??
            other.schedule_description ??
            other.schedule)
          : t("editor.handoff.manual"),
      })),
    [otherBots, t, locale, settings.data?.language],
  );
  const toolChoices = useMemo(
    () =>
      [...(tools.data ?? [])]
        .sort((a, b) => toolRank(a.name) - toolRank(b.name))
        .map((tool) => ({
          value: tool.name,
          title: KNOWN_TOOLS.has(tool.name) ? t(`editor.tool.${tool.name}.name` as MessageKey) : tool.name,
          description: KNOWN_TOOLS.has(tool.name)
            ? t(`editor.tool.${tool.name}.description` as MessageKey)
            : tool.description,
        })),
    [tools.data, t],
  );
  const fieldIds = (name: string) => `${ids}-${name}`;

  return (
    <>
      <Link
        to={back.to}
        className="mb-3 inline-flex max-w-full items-center gap-1 rounded-md text-sm text-fg-muted transition-colors hover:text-fg"
      >
        <ArrowLeft aria-hidden className="size-4 shrink-0" />
        <span className="truncate">{back.label}</span>
      </Link>
      <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <div className="flex min-w-0 items-center gap-3">
          <span
            aria-hidden
            className="flex size-11 shrink-0 items-center justify-center rounded-xl border border-border bg-surface text-2xl shadow-xs"
          >
            {form.emoji || "🤖"}
          </span>
          <div className="grid min-w-0 gap-0.5">
            <h1 className="truncate text-xl font-semibold tracking-tight text-fg sm:text-2xl">
              {bot ? t("editor.title.edit", { name: bot.name }) : t("editor.title.new")}
            </h1>
            <p className="text-sm text-fg-muted">
              {bot ? t("editor.subtitle.edit") : t("editor.subtitle.new")}
            </p>
          </div>
        </div>
        {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
      </div>

      {banner}

      <div className="lg:grid lg:grid-cols-[11rem_minmax(0,1fr)] lg:gap-10">
        <SectionNav sections={navSections} />

        <form ref={formRef} noValidate onSubmit={submit} className="grid min-w-0 grid-cols-1 gap-5">
          {errors.body && (
            <p
              data-error="true"
              role="alert"
              className="flex items-start gap-2 rounded-lg border border-danger/30 bg-danger-soft px-3 py-2.5 text-sm text-danger"
            >
              <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
              {errors.body}
            </p>
          )}

          <Section
            id="basics"
            icon={<IdCard />}
            title={t("editor.section.basics.title")}
            description={t("editor.section.basics.description")}
          >
            <div className="flex items-start gap-3">
              <div className="flex flex-col gap-1.5">
                <span aria-hidden className="text-sm font-medium text-fg select-none">
                  {t("editor.emoji.title")}
                </span>
                <EmojiPicker
                  value={form.emoji}
                  onChange={on.emoji}
                  invalid={Boolean(errors.emoji)}
                  describedBy={errors.emoji ? fieldIds("emoji") : undefined}
                />
              </div>
              <Field label={t("editor.name.label")} required error={errors.name} className="min-w-0 flex-1">
                <Input
                  value={form.name}
                  maxLength={100}
                  placeholder={t("editor.name.placeholder")}
                  onChange={(event) => set("name", event.target.value)}
                  className="h-[3.25rem] text-base"
                />
              </Field>
            </div>
            {errors.emoji && (
              <p id={fieldIds("emoji")} className="-mt-3 text-xs font-medium text-danger">
                {errors.emoji}
              </p>
            )}
            <Field label={t("editor.description.label")} optional error={errors.description}>
              <Input
                value={form.description}
                maxLength={2000}
                placeholder={t("editor.description.placeholder")}
                onChange={(event) => set("description", event.target.value)}
              />
            </Field>
            <div className="flex items-center justify-between gap-4 rounded-lg border border-border px-3 py-2.5">
              <div className="grid gap-0.5">
                <label htmlFor={fieldIds("enabled")} className="text-sm font-medium text-fg">
                  {t("editor.enabled.label")}
                </label>
                <p id={fieldIds("enabled-hint")} className="text-xs text-fg-muted">
                  {errors.enabled ?? t("editor.enabled.hint")}
                </p>
              </div>
              <Switch
                id={fieldIds("enabled")}
                checked={form.enabled}
                aria-describedby={fieldIds("enabled-hint")}
                onCheckedChange={on.enabled}
              />
            </div>
          </Section>

          <Section
            id="task"
            icon={<MessageSquareText />}
            title={t("editor.section.task.title")}
            description={t("editor.section.task.description")}
          >
            {template?.customize_hint && (
              <p className="rounded-lg border border-warning/25 bg-warning-soft px-3 py-2.5 text-sm text-fg">
                {t("editor.templateHint", { hint: template.customize_hint })}
              </p>
            )}
            <Field label={t("editor.prompt.label")} required error={errors.prompt}>
              <Textarea
                value={form.prompt}
                rows={6}
                maxLength={PROMPT_MAX}
                placeholder={t("editor.prompt.placeholder")}
                onChange={(event) => set("prompt", event.target.value)}
                className="field-sizing-content max-h-[70vh] min-h-36 resize-none"
              />
            </Field>
            <p
              className={cn(
                "-mt-3 text-end text-xs tabular-nums",
                form.prompt.length > PROMPT_MAX * 0.9 ? "text-warning" : "text-fg-muted",
              )}
            >
              {t("editor.prompt.count", { count: form.prompt.length, max: PROMPT_MAX })}
            </p>
          </Section>

          <Section
            id="model"
            icon={<Sparkles />}
            title={t("editor.section.model.title")}
            description={t("editor.section.model.description")}
          >
            {providers.isSuccess && credentials.length === 0 ? (
              <>
                <NoModels invalid={Boolean(errors.model)} />
                {errors.model && <p className="-mt-3 text-xs font-medium text-danger">{errors.model}</p>}
              </>
            ) : (
              <>
                <Field label={t("editor.model.label")} required error={errors.model}>
                  <ModelSelect value={form.model} onChange={on.model} credentials={credentials} />
                </Field>
                <Field
                  label={t("editor.fallback.label")}
                  optional
                  hint={t("editor.fallback.hint", { max: MAX_FALLBACKS })}
                  error={errors.fallback_models}
                  id={fieldIds("fallback")}
                >
                  <FallbackModels
                    value={form.fallbackModels}
                    onChange={on.fallbackModels}
                    credentials={credentials}
                    main={form.model}
                    labelId={`${fieldIds("fallback")}-label`}
                    invalid={Boolean(errors.fallback_models)}
                  />
                </Field>
              </>
            )}
          </Section>

          <Section
            id="schedule"
            icon={<CalendarClock />}
            title={t("editor.section.schedule.title")}
            description={t("editor.section.schedule.description")}
          >
            <SchedulePicker
              value={form.schedule}
              onChange={on.schedule}
              timezone={form.timezone || appZone}
              error={errors.schedule}
              serverLanguage={settings.data?.language}
            />
            {(form.schedule.mode !== "manual" || errors.timezone) && (
              <div className="grid gap-5 sm:grid-cols-2">
                <ZoneSelect
                  value={form.timezone}
                  onChange={on.timezone}
                  appZone={appZone}
                  error={errors.timezone}
                />
              </div>
            )}
            {form.schedule.mode !== "manual" && (
              <Field label={t("editor.missed.label")} error={errors.missed_runs}>
                <RadioGroup
                  value={form.missedRuns}
                  onValueChange={on.missedRuns}
                  className="sm:grid-cols-2"
                  options={[
                    {
                      value: "skip",
                      label: t("editor.missed.skip"),
                      description: t("editor.missed.skipHint"),
                    },
                    {
                      value: "catch_up",
                      label: t("editor.missed.catchUp"),
                      description: t("editor.missed.catchUpHint"),
                    },
                  ]}
                />
              </Field>
            )}
          </Section>

          <Section
            id="tools"
            icon={<Wrench />}
            title={t("editor.section.tools.title")}
            description={t("editor.section.tools.description")}
          >
            <span id={fieldIds("tools")} className="sr-only">
              {t("editor.tools.label")}
            </span>
            {tools.isSuccess && toolChoices.length === 0 ? (
              <p className="text-sm text-fg-muted">{t("editor.tools.empty")}</p>
            ) : (
              <ChoiceCards
                choices={toolChoices}
                value={form.tools}
                onChange={on.tools}
                labelId={fieldIds("tools")}
                invalid={Boolean(errors.tools)}
                describedBy={errors.tools ? fieldIds("tools-error") : undefined}
              />
            )}
            {errors.tools && (
              <p id={fieldIds("tools-error")} className="-mt-3 text-xs font-medium text-danger">
                {errors.tools}
              </p>
            )}
          </Section>

          <Section
            id="handoff"
            icon={<Workflow />}
            title={t("editor.section.handoff.title")}
            description={t("editor.section.handoff.description")}
          >
            <span id={fieldIds("handoff")} className="sr-only">
              {t("editor.handoff.label")}
            </span>
            {bots.isSuccess && otherBots.length === 0 ? (
              <p className="text-sm text-fg-muted">{t("editor.handoff.empty")}</p>
            ) : (
              <ChoiceCards
                choices={botChoices}
                value={form.onComplete}
                onChange={on.onComplete}
                labelId={fieldIds("handoff")}
                invalid={Boolean(errors.on_complete)}
                describedBy={errors.on_complete ? fieldIds("handoff-error") : undefined}
              />
            )}
            {errors.on_complete && (
              <p
                id={fieldIds("handoff-error")}
                role="alert"
                className="-mt-3 flex items-start gap-1.5 text-xs font-medium text-danger"
              >
                <CircleAlert aria-hidden className="mt-px size-3.5 shrink-0" />
                {errors.on_complete}
              </p>
            )}
          </Section>

          <LimitsSection form={form} set={set} errors={errors} />

          <div className="sticky bottom-3 z-30 flex items-center justify-between gap-3 rounded-xl border border-border bg-surface/90 px-3 py-2.5 shadow-lg backdrop-blur sm:px-4">
            <p
              className={cn(
                "flex min-w-0 items-center gap-2 text-sm",
                hasErrors ? "text-danger" : "text-fg-muted",
              )}
              aria-live="polite"
            >
              <span
                aria-hidden
                className={cn(
                  "size-2 shrink-0 rounded-full max-sm:hidden",
                  hasErrors ? "bg-danger" : dirty ? "bg-warning" : "bg-border-strong",
                )}
              />
              <span className="truncate max-sm:sr-only">
                {hasErrors ? t("errors.invalid_input") : dirty ? t("editor.unsaved") : t("editor.noChanges")}
              </span>
            </p>
            <div className="flex shrink-0 items-center gap-2">
              <Button variant="ghost" onClick={() => guard.leave(back.to)}>
                {t("common.cancel")}
              </Button>
              <Button type="submit" loading={saving} disabled={Boolean(bot) && !dirty && !saving}>
                {bot ? t("editor.save.edit") : t("editor.save.create")}
              </Button>
            </div>
          </div>
        </form>
      </div>

      <AlertDialog
        open={guard.pending !== null}
        onOpenChange={(open) => !open && guard.stay()}
        title={t("editor.leave.title")}
        description={t("editor.leave.body")}
        confirmLabel={t("editor.leave.confirm")}
        cancelLabel={t("editor.leave.stay")}
        destructive
        onConfirm={guard.confirm}
      />
    </>
  );
}
