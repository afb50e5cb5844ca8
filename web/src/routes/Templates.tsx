import { useNavigate } from "react-router";
import { PageHeader } from "@/components/layout/AppShell";
import { TemplateGallery } from "@/components/templates/TemplateGallery";
import { useT } from "@/i18n";
import { paths } from ".";

/** `/templates` — the template gallery (components in components/templates). */
export default function Templates() {
  const t = useT();
  const navigate = useNavigate();
  return (
    <>
      <PageHeader title={t("route.templates.title")} description={t("templates.lead")} />
      <TemplateGallery onUse={(id) => navigate(paths.newBot(id))} />
    </>
  );
}
