import { useT } from "@/i18n";
import { Placeholder } from "./Placeholder";

/** `/providers` — AI provider credentials (components in components/providers). */
export default function Providers() {
  const t = useT();
  return <Placeholder title={t("route.providers.title")} />;
}
