import { ChevronRight } from "lucide-react";
import { cn } from "@/components/ui";
import { useT } from "@/i18n";
import type { CatalogEntry } from "./catalog";

/** The provider cards: emoji, name, tagline, price hint. Choosing one calls `onChoose`. */
export function ProviderPicker({
  entries,
  onChoose,
  connectedTypes = [],
}: {
  entries: readonly CatalogEntry[];
  onChoose: (entry: CatalogEntry) => void;
  /** Types that already have a credential: marked "connected". */
  connectedTypes?: readonly string[];
}) {
  const t = useT();
  return (
    <ul className="grid grid-cols-2 gap-2.5 sm:grid-cols-3 sm:gap-3">
      {entries.map((entry) => {
        const connected = connectedTypes.includes(entry.type);
        return (
          <li key={entry.type} className="min-w-0">
            <button
              type="button"
              onClick={() => onChoose(entry)}
              aria-label={t("providers.pick.choose", { name: entry.display_name })}
              className={cn(
                "group relative flex h-full w-full min-w-0 flex-col items-start gap-2 rounded-lg border border-border bg-surface p-3 text-start shadow-xs sm:p-4",
                "transition-[border-color,box-shadow,transform] hover:-translate-y-px hover:border-accent/50 hover:shadow-md",
                "focus-visible:border-accent",
              )}
            >
              <span className="flex w-full items-start justify-between gap-2">
                <span
                  aria-hidden
                  className="flex size-9 items-center justify-center rounded-md bg-subtle text-lg leading-none"
                >
                  {entry.emoji}
                </span>
                {connected ? (
                  <span className="rounded-full bg-success-soft px-2 py-0.5 text-[11px] font-medium text-success">
                    {t("providers.pick.connected")}
                  </span>
                ) : (
                  <ChevronRight
                    aria-hidden
                    className="size-4 text-fg-muted opacity-0 transition-opacity group-hover:opacity-100 group-focus-visible:opacity-100"
                  />
                )}
              </span>
              <span className="grid min-w-0 gap-0.5">
                <span className="text-sm font-semibold text-fg">{entry.display_name}</span>
                <span className="text-xs leading-snug text-fg-muted [overflow-wrap:anywhere]">
                  {entry.tagline}
                </span>
              </span>
              <span className="mt-auto pt-1 text-xs font-medium text-accent">{entry.price_hint}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
