import { Gauge } from "lucide-react";
import { Field, Input } from "@/components/ui";
import { useFormat, useT } from "@/i18n";
import { Advanced, Affixed } from "./FormBits";
import type { Errors, FormState } from "./formState";
import { Section } from "./Section";

type Props = {
  form: FormState;
  set: <K extends keyof FormState>(key: K, value: FormState[K]) => void;
  errors: Errors;
};

/** Max runtime, daily and monthly budget, and the rarely needed knobs under "Advanced". */
export function LimitsSection({ form, set, errors }: Props) {
  const t = useT();
  const f = useFormat();
  const runtime = Number(form.maxRuntimeSeconds);
  return (
    <Section
      id="limits"
      icon={<Gauge />}
      title={t("editor.section.limits.title")}
      description={t("editor.section.limits.description")}
    >
      <div className="grid gap-5 sm:grid-cols-3">
        <Field
          label={t("editor.maxRuntime.label")}
          error={errors.max_runtime_seconds}
          hint={
            Number.isFinite(runtime) && runtime > 0
              ? t("editor.maxRuntime.hint", { duration: f.duration(runtime * 1000) })
              : undefined
          }
        >
          <Affixed suffix={t("editor.unit.seconds")}>
            <Input
              type="number"
              inputMode="numeric"
              min={1}
              max={3600}
              value={form.maxRuntimeSeconds}
              onChange={(event) => set("maxRuntimeSeconds", event.target.value)}
              className="pe-12 tabular-nums"
            />
          </Affixed>
        </Field>
        <Field label={t("editor.budgetDaily.label")} optional error={errors.budget_daily_usd}>
          <Affixed prefix="$">
            <Input
              type="number"
              inputMode="decimal"
              min={0}
              step="0.01"
              placeholder={t("editor.budget.placeholder")}
              value={form.budgetDailyUsd}
              onChange={(event) => set("budgetDailyUsd", event.target.value)}
              className="ps-7 tabular-nums"
            />
          </Affixed>
        </Field>
        <Field label={t("editor.budgetMonthly.label")} optional error={errors.budget_monthly_usd}>
          <Affixed prefix="$">
            <Input
              type="number"
              inputMode="decimal"
              min={0}
              step="0.01"
              placeholder={t("editor.budget.placeholder")}
              value={form.budgetMonthlyUsd}
              onChange={(event) => set("budgetMonthlyUsd", event.target.value)}
              className="ps-7 tabular-nums"
            />
          </Affixed>
        </Field>
      </div>
      <p className="-mt-2 text-xs text-fg-muted">{t("editor.budget.hint")}</p>

      <Advanced
        forceOpen={Boolean(
          errors.max_output_tokens || errors.max_model_requests || errors.no_results_pattern,
        )}
      >
        <div className="grid gap-5 sm:grid-cols-2">
          <Field
            label={t("editor.maxOutputTokens.label")}
            optional
            hint={t("editor.maxOutputTokens.hint")}
            error={errors.max_output_tokens}
          >
            <Input
              type="number"
              inputMode="numeric"
              min={1}
              placeholder={t("editor.maxOutputTokens.placeholder")}
              value={form.maxOutputTokens}
              onChange={(event) => set("maxOutputTokens", event.target.value)}
              className="tabular-nums"
            />
          </Field>
          <Field
            label={t("editor.maxModelRequests.label")}
            hint={t("editor.maxModelRequests.hint")}
            error={errors.max_model_requests}
          >
            <Input
              type="number"
              inputMode="numeric"
              min={1}
              max={50}
              value={form.maxModelRequests}
              onChange={(event) => set("maxModelRequests", event.target.value)}
              className="tabular-nums"
            />
          </Field>
        </div>
        <Field
          label={t("editor.noResults.label")}
          optional
          hint={t("editor.noResults.hint")}
          error={errors.no_results_pattern}
        >
          <Input
            value={form.noResultsPattern}
            maxLength={500}
            spellCheck={false}
            placeholder={t("editor.noResults.placeholder")}
            onChange={(event) => set("noResultsPattern", event.target.value)}
            className="font-mono"
          />
        </Field>
      </Advanced>
    </Section>
  );
}
