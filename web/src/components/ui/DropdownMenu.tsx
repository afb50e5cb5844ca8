/**
 *   <DropdownMenu trigger={<Button variant="ghost" size="icon" aria-label={t("bot.more")}><MoreHorizontal/></Button>}
 *     items={[{ label: t("bot.duplicate"), icon: <Copy/>, onSelect: dup },
 *             { type: "separator" },
 *             { label: t("common.delete"), icon: <Trash2/>, onSelect: ask, destructive: true }]} />
 */
import { Check } from "lucide-react";
import { DropdownMenu as MenuPrimitive } from "radix-ui";
import type { ReactNode } from "react";
import { cn } from "./cn";

export type MenuItem =
  | {
      type?: "item";
      label: ReactNode;
      icon?: ReactNode;
      onSelect: () => void;
      disabled?: boolean;
      destructive?: boolean;
      /** Shows a check mark (for "current choice" menus). */
      checked?: boolean;
    }
  | { type: "separator" }
  | { type: "label"; label: ReactNode };

export const menuContentClass =
  "z-50 min-w-44 overflow-hidden rounded-lg border border-border bg-surface p-1 shadow-lg animate-fade-in";

export function DropdownMenu({
  trigger,
  items,
  align = "end",
}: {
  trigger: ReactNode;
  items: readonly MenuItem[];
  align?: "start" | "center" | "end";
}) {
  return (
    <MenuPrimitive.Root>
      <MenuPrimitive.Trigger asChild>{trigger}</MenuPrimitive.Trigger>
      <MenuPrimitive.Portal>
        <MenuPrimitive.Content align={align} sideOffset={6} className={menuContentClass}>
          {items.map((item, index) => {
            const key = `${index}`;
            if (item.type === "separator")
              return <MenuPrimitive.Separator key={key} className="-mx-1 my-1 h-px bg-border" />;
            if (item.type === "label")
              return (
                <MenuPrimitive.Label key={key} className="px-2 py-1.5 text-xs font-medium text-fg-muted">
                  {item.label}
                </MenuPrimitive.Label>
              );
            return (
              <MenuPrimitive.Item
                key={key}
                disabled={item.disabled}
                onSelect={item.onSelect}
                className={cn(
                  "flex cursor-default select-none items-center gap-2 rounded-md px-2 py-1.5 text-sm outline-none",
                  "data-disabled:opacity-50 data-highlighted:bg-subtle [&_svg]:size-4 [&_svg]:shrink-0",
                  item.destructive ? "text-danger" : "text-fg",
                )}
              >
                {item.icon && <span className="text-fg-muted">{item.icon}</span>}
                <span className="flex-1">{item.label}</span>
                {item.checked && <Check aria-hidden className="text-accent" />}
              </MenuPrimitive.Item>
            );
          })}
        </MenuPrimitive.Content>
      </MenuPrimitive.Portal>
    </MenuPrimitive.Root>
  );
}
