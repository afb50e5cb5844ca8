import { useQuery } from "@tanstack/react-query";
import { ArrowRight, CalendarClock, LayoutTemplate, MousePointerClick } from "lucide-react";
import { templateQueries } from "@/api/queries";
import type { components } from "@/api/schema";
import { Button, Card, EmojiTile, EmptyState, Skeleton, ToolBadges } from "@/components/ui";
import { useLocale, useT } from "@/i18n";
import { errorMessage } from "@/i18n/errors";

type Template = components["schemas"]["TemplateRead"];

/** The gallery of ready-made bots (GET /api/templates in the UI language); "Use" calls `onUse(id)`. */
export function TemplateGallery({ onUse }: { onUse: (templateId: string) => void }) {
  const t = useT();
  const [locale] = useLocale();
  const templates = useQuery(templateQueries.list(locale));

  if (templates.isPending) {
    return (
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {["a", "b", "c"].map((k) => (
          <Skeleton key={k} className="h-56" />
        ))}
      </div>
    );
  }
  if (templates.isError) {
    return (
      <div role="alert" className="grid justify-items-start gap-3 text-sm text-danger">
        {errorMessage(t, templates.error)}
        <Button variant="secondary" onClick={() => templates.refetch()}>
          {t("common.retry")}
        </Button>
      </div>
    );
  }
  if (templates.data.length === 0) {
    return <EmptyState icon={<LayoutTemplate />} title={t("templates.empty")} />;
  }
  return (
    <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
      {templates.data.map((template) => (
        <li key={template.id} className="min-w-0">
          <TemplateCard template={template} onUse={() => onUse(template.id)} />
        </li>
      ))}
    </ul>
  );
}

function TemplateCard({ template, onUse }: { template: Template; onUse: () => void }) {
  const t = useT();
  const headingId = `tpl-${template.id}`;
  return (
    <Card className="group flex h-full flex-col transition-shadow hover:shadow-md">
      <article aria-labelledby={headingId} className="flex flex-1 flex-col gap-4 p-4 sm:p-5">
        <div className="flex items-start gap-3">
          <EmojiTile emoji={template.emoji} />
          <div className="grid min-w-0 gap-1">
            <h2 id={headingId} className="text-base font-semibold text-fg">
              {template.name}
            </h2>
            <p className="text-sm leading-snug text-fg-muted">{template.description}</p>
          </div>
        </div>
        <div className="mt-auto grid gap-2.5">
          <p className="flex items-center gap-1.5 text-xs text-fg-muted">
            {template.schedule ? (
              <CalendarClock aria-hidden className="size-3.5 shrink-0" />
            ) : (
              <MousePointerClick aria-hidden className="size-3.5 shrink-0" />
            )}
            <span className="sr-only">{t("templates.schedule")}: </span>
            {template.schedule_description ?? t("templates.onDemand")}
          </p>
          <ToolBadges tools={template.tools} label={t("templates.tools")} />
        </div>
      </article>
      <div className="flex items-center justify-between gap-2 border-t border-border px-4 py-3 sm:px-5">
        {template.needs_input ? (
          <span className="text-xs text-fg-muted">{t("templates.needsInput")}</span>
        ) : (
          <span />
        )}
        <Button size="sm" onClick={onUse} aria-label={t("templates.useNamed", { name: template.name })}>
          {t("templates.use")}
          <ArrowRight aria-hidden />
        </Button>
      </div>
    </Card>
  );
}
