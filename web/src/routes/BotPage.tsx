import { useParams } from "react-router";
import { useT } from "@/i18n";
import { Placeholder } from "./Placeholder";

/** `/bots/:botId` — one bot: its runs, live output, actions. */
export default function BotPage() {
  const t = useT();
  const { botId } = useParams<{ botId: string }>();
  return (
    <Placeholder title={t("route.bot.title")}>
      <code>{botId}</code>
    </Placeholder>
  );
}
