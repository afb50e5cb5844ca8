import type { RunStatus } from "@/api/types";
import { cn } from "@/components/ui";
import { useT } from "@/i18n";

/** The bot's emoji on a soft tile. */
export function BotEmoji({
  emoji,
  muted = false,
  size = "md",
}: {
  emoji: string;
  muted?: boolean;
  size?: "md" | "lg";
}) {
  return (
    <span
      aria-hidden
      className={cn(
        "flex shrink-0 items-center justify-center rounded-lg border border-border bg-subtle leading-none",
        size === "lg" ? "size-12 text-2xl" : "size-9 text-lg",
        muted && "grayscale-[60%] opacity-70",
      )}
    >
      {emoji || "🤖"}
    </span>
  );
}

/** "Läuft" / "Wartet" with a pulsing dot while a bot's run is under way. */
export function LiveDot({ status, className }: { status: RunStatus | undefined; className?: string }) {
  const t = useT();
  const running = status === "running";
  return (
    <span
      className={cn(
        "inline-flex shrink-0 items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium",
        running ? "bg-accent-soft text-accent" : "bg-subtle text-fg-muted",
        className,
      )}
    >
      <span className="relative flex size-2">
        {running && (
          <span className="absolute inline-flex size-full animate-ping rounded-full bg-current opacity-60" />
        )}
        <span className="relative inline-flex size-2 rounded-full bg-current" />
      </span>
      {running ? t("bot.running") : t("bot.waiting")}
    </span>
  );
}
