import { ChevronRight } from "lucide-react";
import { Collapsible } from "radix-ui";
import { type ReactNode, useState } from "react";
import { useT } from "@/i18n";

/** An input with a unit before or after it. */
export function Affixed({
  prefix,
  suffix,
  children,
}: {
  prefix?: string;
  suffix?: string;
  children: ReactNode;
}) {
  return (
    <div className="relative">
      {prefix && (
        <span
          aria-hidden
          className="pointer-events-none absolute inset-y-0 start-3 flex items-center text-sm text-fg-muted"
        >
          {prefix}
        </span>
      )}
      {children}
      {suffix && (
        <span
          aria-hidden
          className="pointer-events-none absolute inset-y-0 end-3 flex items-center text-sm text-fg-muted"
        >
          {suffix}
        </span>
      )}
    </div>
  );
}

export function Advanced({ forceOpen, children }: { forceOpen: boolean; children: ReactNode }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <Collapsible.Root
      open={open || forceOpen}
      onOpenChange={setOpen}
      className="rounded-lg border border-border"
    >
      <Collapsible.Trigger className="group flex w-full items-center gap-2 rounded-lg px-3 py-2.5 text-start transition-colors hover:bg-subtle/60">
        <ChevronRight
          aria-hidden
          className="size-4 shrink-0 text-fg-muted transition-transform group-data-[state=open]:rotate-90"
        />
        <span className="text-sm font-medium text-fg">{t("editor.advanced")}</span>
        <span className="truncate text-xs text-fg-muted">{t("editor.advancedHint")}</span>
      </Collapsible.Trigger>
      <Collapsible.Content className="grid gap-5 border-t border-border px-3 py-4">
        {children}
      </Collapsible.Content>
    </Collapsible.Root>
  );
}
