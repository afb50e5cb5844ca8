import { cn } from "./cn";

const SIZES = {
  md: "size-10 text-xl",
  lg: "size-11 text-2xl",
} as const;

/** A bot's, template's or provider's emoji on a soft tile (decorative: the name beside it says what it is). */
export function EmojiTile({
  emoji,
  size = "lg",
  className,
}: {
  emoji: string;
  size?: keyof typeof SIZES;
  className?: string;
}) {
  return (
    <span
      aria-hidden
      className={cn(
        "flex shrink-0 items-center justify-center rounded-lg bg-subtle leading-none",
        SIZES[size],
        className,
      )}
    >
      {emoji}
    </span>
  );
}
