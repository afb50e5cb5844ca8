import { useT } from "@/i18n";
import { Placeholder } from "./Placeholder";

/** `/welcome` — the onboarding wizard (components in components/onboarding). */
export default function Welcome() {
  const t = useT();
  return <Placeholder title={t("route.welcome.title")} />;
}
