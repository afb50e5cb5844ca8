import { useQuery } from "@tanstack/react-query";
import { ArrowRight } from "lucide-react";
import { type ReactNode, useEffect, useRef } from "react";
import { useSearchParams } from "react-router";
import { providerQueries } from "@/api/queries";
import { Button, Card, Skeleton } from "@/components/ui";
import { useT } from "@/i18n";
import { BotStarter, type Started } from "./BotStarter";
import { isModelCredential } from "./modelChoice";
import { RunResult } from "./RunResult";
import { Stepper } from "./Stepper";

export type WizardStep = "provider" | "bot" | "result";

export type WizardLinks = {
  dashboard: string;
  providers: string;
  bot: (botId: string) => string;
};

/**
 * The first-start wizard at /welcome: 1 connect a provider → 2 create the first bot → 3 its first result.
 * The step (and the run being shown) live in the URL (`?step=bot`, `?step=result&bot=…&run=…`), so a reload
 * resumes where it was and `/welcome?step=provider` reopens step 1 to add another provider. Without a step
 * it starts at step 1, or at step 2 when an AI provider is already connected.
 *
 * Step 1 is a slot (`providerStep`): the route puts the providers' connect flow there.
 */
export function OnboardingWizard({
  providerStep,
  links,
}: {
  /** Step 1's content: `next` goes to step 2; `chosen`/`onChoose` keep the chosen provider in the URL. */
  providerStep: (
    next: () => void,
    chosen: string | null,
    onChoose: (type: string | null) => void,
  ) => ReactNode;
  links: WizardLinks;
}) {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const credentials = useQuery(providerQueries.list());
  const hasProvider = (credentials.data ?? []).some((c) => isModelCredential(c));
  const runId = params.get("run");
  const botId = params.get("bot");

  const asked = params.get("step") as WizardStep | null;
  let step: WizardStep | null = asked;
  if (step === "result" && !(runId && botId)) step = "bot";
  if (!step) step = credentials.isPending ? null : hasProvider ? "bot" : "provider";

  const go = (next: WizardStep, extra: Record<string, string> = {}) =>
    setParams({ step: next, ...extra }, { replace: next === "result" && step === "result" });

  // Pin the step chosen by default, so connecting a provider on step 1 does not jump to step 2 by itself.
  useEffect(() => {
    if (!asked && step) setParams({ step }, { replace: true });
  }, [asked, step, setParams]);

  const headingRef = useRef<HTMLHeadingElement>(null);
  const previous = useRef(step);
  useEffect(() => {
    if (previous.current && previous.current !== step) {
      headingRef.current?.focus({ preventScroll: true });
      window.scrollTo?.({ top: 0 });
    }
    previous.current = step;
  }, [step]);

  const titles: Record<WizardStep, { title: string; lead: string }> = {
    provider: { title: t("onboarding.provider.title"), lead: t("onboarding.provider.lead") },
    bot: { title: t("onboarding.bot.title"), lead: t("onboarding.bot.lead") },
    result: { title: t("onboarding.run.title"), lead: t("onboarding.run.lead") },
  };

  return (
    <div className="mx-auto grid w-full max-w-3xl gap-6">
      <div className="grid gap-1.5">
        <p className="text-sm font-medium text-accent">{t("onboarding.eyebrow")}</p>
        <p className="text-sm text-fg-muted">{t("onboarding.intro")}</p>
      </div>
      <Stepper
        current={step ?? "provider"}
        onSelect={(id) =>
          go(id as WizardStep, id === "result" && runId && botId ? { run: runId, bot: botId } : {})
        }
        steps={[
          { id: "provider", label: t("onboarding.steps.provider"), enabled: true },
          { id: "bot", label: t("onboarding.steps.bot"), enabled: hasProvider },
          { id: "result", label: t("onboarding.steps.result"), enabled: Boolean(runId && botId) },
        ]}
      />
      <Card className="overflow-hidden">
        {step === null ? (
          <div className="grid gap-3 p-5 sm:p-7">
            <Skeleton className="h-7 w-64" />
            <Skeleton className="h-4 w-80 max-w-full" />
            <Skeleton className="mt-3 h-40" />
          </div>
        ) : (
          <div className="grid gap-6 p-4 sm:p-7">
            <div className="grid gap-1.5">
              <h1
                ref={headingRef}
                tabIndex={-1}
                className="text-xl font-semibold tracking-tight text-fg outline-none sm:text-2xl"
              >
                {titles[step].title}
              </h1>
              <p className="text-sm text-fg-muted">{titles[step].lead}</p>
            </div>
            {step === "provider" &&
              providerStep(
                () => go("bot"),
                params.get("provider"),
                (provider) => go("provider", provider ? { provider } : {}),
              )}
            {step === "provider" && hasProvider && !params.get("provider") && (
              <div className="-mt-2 flex justify-end border-t border-border pt-4">
                <Button variant="ghost" onClick={() => go("bot")}>
                  {t("onboarding.skip")}
                  <ArrowRight aria-hidden />
                </Button>
              </div>
            )}
            {step === "bot" && (
              <BotStarter
                choice={params.get("template")}
                onChoose={(template) => go("bot", template ? { template } : {})}
                onStarted={({ botId: bot, runId: run }: Started) => go("result", { bot, run })}
              />
            )}
            {step === "result" && runId && botId && (
              <RunResult
                key={runId}
                runId={runId}
                botId={botId}
                links={{ dashboard: links.dashboard, providers: links.providers, bot: links.bot(botId) }}
                onRestarted={(run) => go("result", { bot: botId, run })}
              />
            )}
          </div>
        )}
      </Card>
    </div>
  );
}
