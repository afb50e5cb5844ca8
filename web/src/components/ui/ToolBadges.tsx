import { Wrench } from "lucide-react";
import { type MessageKey, useT } from "@/i18n";
import { Badge } from "./Badge";
import { cn } from "./cn";

const TOOL_LABELS: Record<string, MessageKey> = {
  web_search: "templates.tool.web_search",
  web_fetch: "templates.tool.web_fetch",
  files: "templates.tool.files",
};

/** A bot's tools as small badges, by their names in the UI's language (a plugin's tool by its own name). */
export function ToolBadges({
  tools,
  label,
  className,
}: {
  tools: string[];
  label: string;
  className?: string;
}) {
  const t = useT();
  if (tools.length === 0) return null;
  return (
    <ul aria-label={label} className={cn("flex flex-wrap gap-1.5", className)}>
      {tools.map((tool) => (
        <li key={tool}>
          <Badge>
            <Wrench aria-hidden className="size-3" />
            {TOOL_LABELS[tool] ? t(TOOL_LABELS[tool]) : tool}
          </Badge>
        </li>
      ))}
    </ul>
  );
}
