import { FilePlus2, LayoutTemplate, Sparkles } from "lucide-react";
import { Link } from "react-router";
import { Button } from "@/components/ui";
import { useT } from "@/i18n";
import { paths } from "@/routes";

/** No bots yet: say what a bot does and lead to the first one (from a template, or blank). */
export function DashboardEmpty() {
  const t = useT();
  return (
    <section
      aria-labelledby="dashboard-empty-title"
      className="relative overflow-hidden rounded-2xl border border-border bg-surface px-6 py-12 text-center shadow-xs sm:px-12 sm:py-16"
    >
      <div
        aria-hidden
        className="pointer-events-none absolute inset-x-0 -top-24 mx-auto h-48 max-w-lg rounded-full bg-accent/15 blur-3xl"
      />
      <div className="relative mx-auto grid max-w-md justify-items-center gap-4">
        <div className="flex size-12 items-center justify-center rounded-xl bg-accent-soft text-accent">
          <Sparkles aria-hidden className="size-6" />
        </div>
        <div className="grid gap-2">
          <h2 id="dashboard-empty-title" className="text-xl font-semibold tracking-tight text-fg sm:text-2xl">
            {t("dashboard.empty.title")}
          </h2>
          <p className="text-sm text-fg-muted sm:text-base">{t("dashboard.empty.body")}</p>
        </div>
        <div className="mt-2 flex w-full flex-col gap-2 sm:w-auto sm:flex-row">
          <Button asChild size="lg">
            <Link to={paths.templates()}>
              <LayoutTemplate aria-hidden />
              {t("dashboard.empty.fromTemplate")}
            </Link>
          </Button>
          <Button asChild size="lg" variant="secondary">
            <Link to={paths.newBot()}>
              <FilePlus2 aria-hidden />
              {t("dashboard.empty.blank")}
            </Link>
          </Button>
        </div>
        <p className="text-xs text-fg-muted">{t("dashboard.empty.hint")}</p>
      </div>
    </section>
  );
}
