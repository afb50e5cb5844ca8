import { Check } from "lucide-react";
import { cn } from "@/components/ui";
import { useT } from "@/i18n";

export type StepItem = { id: string; label: string; enabled: boolean };

/** The wizard's progress: numbered steps, the current one highlighted; done steps can be revisited. */
export function Stepper({
  steps,
  current,
  onSelect,
}: {
  steps: readonly StepItem[];
  current: string;
  onSelect: (id: string) => void;
}) {
  const t = useT();
  const index = steps.findIndex((s) => s.id === current);
  return (
    <nav aria-label={t("onboarding.progress")}>
      <ol className="flex items-center gap-1.5 sm:gap-2">
        {steps.map((step, i) => {
          const state = i < index ? "done" : i === index ? "current" : "todo";
          return (
            <li
              key={step.id}
              className={cn(
                "flex min-w-0 items-center gap-1.5 sm:gap-2",
                i < steps.length - 1 ? "flex-1" : "shrink-0",
              )}
            >
              <button
                type="button"
                disabled={!step.enabled || state === "current"}
                onClick={() => onSelect(step.id)}
                aria-current={state === "current" ? "step" : undefined}
                className={cn(
                  "flex min-w-0 items-center gap-2 rounded-md py-1 pe-1 text-start text-sm transition-colors",
                  "disabled:cursor-default",
                  state === "current" ? "font-semibold text-fg" : "text-fg-muted enabled:hover:text-fg",
                )}
              >
                <span
                  aria-hidden
                  className={cn(
                    "flex size-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold",
                    state === "done" && "bg-success text-white dark:text-bg",
                    state === "current" && "bg-accent text-accent-fg ring-4 ring-accent/15",
                    state === "todo" && "border border-border-strong bg-surface text-fg-muted",
                  )}
                >
                  {state === "done" ? <Check className="size-3.5" strokeWidth={3} /> : i + 1}
                </span>
                <span className={cn("truncate", state !== "current" && "max-sm:sr-only")}>
                  <span className="sr-only">
                    {t("onboarding.stepOf", { n: i + 1, total: steps.length })}{" "}
                  </span>
                  {step.label}
                </span>
              </button>
              {i < steps.length - 1 && (
                <span
                  aria-hidden
                  className={cn("h-px min-w-3 flex-1", i < index ? "bg-success/60" : "bg-border-strong")}
                />
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
