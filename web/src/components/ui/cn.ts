/** Join class names, skipping falsy ones. (No tailwind-merge: pass non-conflicting utilities.) */
export function cn(...parts: Array<string | false | null | undefined>): string {
  return parts.filter(Boolean).join(" ");
}

/** Shared look of text-like controls (Input, Textarea, Select trigger). */
export const controlClass =
  "w-full min-w-0 rounded-md border border-border-strong bg-surface px-3 text-sm text-fg shadow-xs " +
  "placeholder:text-fg-muted transition-colors hover:border-fg-muted/50 " +
  "focus-visible:border-accent focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-ring/40 " +
  "disabled:cursor-not-allowed disabled:opacity-60 " +
  "aria-invalid:border-danger aria-invalid:focus-visible:outline-danger/40";
