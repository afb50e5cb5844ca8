import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { LayoutTemplate } from "lucide-react";
import { useMemo } from "react";
import { useSearchParams } from "react-router";
import { providerQueries, systemQueries, templateQueries } from "@/api/queries";
import {
  BotEditor,
  EditorSkeleton,
  emptyForm,
  fromTemplate,
  modelValues,
  pickModel,
  usableCredentials,
} from "@/components/bots/editor";
import { useLocale, useT } from "@/i18n";

/** `/bots/new?template=<id>` — the bot editor, empty or pre-filled from a template (in the UI language). */
export default function BotNew() {
  const t = useT();
  const [locale] = useLocale();
  const [params] = useSearchParams();
  const templateId = params.get("template");
  const template = useQuery({
    ...templateQueries.detail(templateId ?? "", locale),
    enabled: Boolean(templateId),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const providers = useQuery(providerQueries.list());
  const settings = useQuery(systemQueries.settings());

  const initial = useMemo(() => {
    const base = emptyForm(settings.data?.missed_runs_default);
    const form = template.data ? fromTemplate(template.data, base) : base;
    return {
      ...form,
      model: pickModel(modelValues(usableCredentials(providers.data)), template.data?.model_tier),
    };
  }, [template.data, providers.data, settings.data]);

  const waiting = (templateId !== null && template.isPending) || providers.isPending || settings.isPending;
  if (waiting) return <EditorSkeleton />;

  const banner = templateId ? (
    template.data ? (
      <p className="mb-5 inline-flex h-7 items-center gap-1.5 rounded-full border border-accent/25 bg-accent-soft px-3 text-xs font-medium text-accent">
        <LayoutTemplate aria-hidden className="size-3.5" />
        {t("editor.templateChip", { name: template.data.name })}
      </p>
    ) : (
      <p
        role="alert"
        className="mb-5 rounded-lg border border-warning/25 bg-warning-soft px-3 py-2.5 text-sm text-fg"
      >
        {t("editor.templateFailed")}
      </p>
    )
  ) : null;

  return (
    <BotEditor
      key={templateId ?? "blank"}
      initial={initial}
      template={template.data}
      banner={banner}
      back={
        templateId ? { to: "/templates", label: t("nav.templates") } : { to: "/", label: t("nav.dashboard") }
      }
    />
  );
}
