import { useParams } from "react-router";
import { useT } from "@/i18n";
import { Placeholder } from "./Placeholder";

/** `/bots/:botId/edit` — the bot editor for an existing bot. */
export default function BotEdit() {
  const t = useT();
  const { botId } = useParams<{ botId: string }>();
  return (
    <Placeholder title={t("route.botEdit.title")}>
      <code>{botId}</code>
    </Placeholder>
  );
}
