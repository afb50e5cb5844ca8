import { useT } from "@/i18n";
import { Placeholder } from "./Placeholder";

/** `/` — the bot overview. Eagerly loaded (the first screen). */
export default function Dashboard() {
  const t = useT();
  return <Placeholder title={t("route.dashboard.title")} />;
}
