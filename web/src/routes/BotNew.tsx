import { useSearchParams } from "react-router";
import { useT } from "@/i18n";
import { Placeholder } from "./Placeholder";

/** `/bots/new?template=<id>` — the bot editor, empty or pre-filled from a template. */
export default function BotNew() {
  const t = useT();
  const [params] = useSearchParams();
  const template = params.get("template");
  return (
    <Placeholder title={t("route.botNew.title")}>
      {template ? t("route.botNew.fromTemplate", { template }) : null}
    </Placeholder>
  );
}
