import { useT } from "@/i18n";
import { Placeholder } from "./Placeholder";

/** `/templates` — the template gallery (components in components/templates). */
export default function Templates() {
  const t = useT();
  return <Placeholder title={t("route.templates.title")} />;
}
