import { Popover } from "radix-ui";
import { memo, useState } from "react";
import { cn, Input } from "@/components/ui";
import { useT } from "@/i18n";

export const EMOJI = [
  "🤖",
  "📰",
  "🔎",
  "🌐",
  "📬",
  "✉️",
  "📝",
  "📚",
  "💡",
  "📈",
  "💶",
  "🛒",
  "🏠",
  "🌤️",
  "🗓️",
  "⏰",
  "🔔",
  "🧠",
  "🧪",
  "🛠️",
  "🎯",
  "🚀",
  "🌱",
  "❤️",
] as const;

/** The bot's icon: a button showing it, opening a grid of common emoji and a free input. */
export const EmojiPicker = memo(function EmojiPicker({
  value,
  onChange,
  invalid,
  describedBy,
}: {
  value: string;
  onChange: (emoji: string) => void;
  invalid?: boolean;
  describedBy?: string;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      <Popover.Trigger
        type="button"
        aria-label={t("editor.emoji.choose", { emoji: value })}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        className={cn(
          "flex size-[3.25rem] shrink-0 items-center justify-center rounded-xl border border-border-strong bg-subtle text-[1.75rem] leading-none shadow-xs transition-colors",
          "hover:border-fg-muted/50 hover:bg-surface aria-invalid:border-danger data-[state=open]:border-accent",
        )}
      >
        <span aria-hidden>{value}</span>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="start"
          sideOffset={6}
          className="z-50 grid w-[17.5rem] gap-3 rounded-xl border border-border bg-surface p-3 shadow-lg animate-fade-in"
        >
          <p className="text-xs font-medium text-fg-muted">{t("editor.emoji.title")}</p>
          <div className="grid grid-cols-8 gap-1">
            {EMOJI.map((emoji) => (
              <button
                key={emoji}
                type="button"
                aria-label={emoji}
                aria-pressed={emoji === value}
                onClick={() => {
                  onChange(emoji);
                  setOpen(false);
                }}
                className={cn(
                  "flex size-8 items-center justify-center rounded-md text-lg transition-colors hover:bg-subtle",
                  emoji === value && "bg-accent-soft ring-1 ring-accent/40",
                )}
              >
                {emoji}
              </button>
            ))}
          </div>
          <Input
            aria-label={t("editor.emoji.custom")}
            placeholder={t("editor.emoji.custom")}
            value={value}
            maxLength={16}
            onChange={(event) => onChange(event.target.value)}
            onKeyDown={(event) => event.key === "Enter" && setOpen(false)}
          />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
});
