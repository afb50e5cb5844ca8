import { useParams } from "react-router";
import { useT } from "@/i18n";
import { Placeholder } from "./Placeholder";

/** `/runs/:runId` — one run: output (Markdown, lazy), log, tokens, cost, notifications. */
export default function RunDetail() {
  const t = useT();
  const { runId } = useParams<{ runId: string }>();
  return (
    <Placeholder title={t("route.run.title")}>
      <code>{runId}</code>
    </Placeholder>
  );
}
