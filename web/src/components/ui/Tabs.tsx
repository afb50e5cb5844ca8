/**
 *   <Tabs defaultValue="runs" aria-label={t("bot.sections")}
 *     tabs={[{ value: "runs", label: t("bot.runs"), content: <RunList …/> }, …]} />
 */
import { Tabs as TabsPrimitive } from "radix-ui";
import type { ReactNode } from "react";
import { cn } from "./cn";

export type TabItem = { value: string; label: ReactNode; content: ReactNode; disabled?: boolean };

export type TabsProps = {
  tabs: readonly TabItem[];
  value?: string;
  defaultValue?: string;
  onValueChange?: (value: string) => void;
  "aria-label": string;
  className?: string;
};

export function Tabs({ tabs, value, defaultValue, onValueChange, className, ...rest }: TabsProps) {
  return (
    <TabsPrimitive.Root
      value={value}
      defaultValue={defaultValue ?? tabs[0]?.value}
      onValueChange={onValueChange}
      className={cn("grid gap-4", className)}
    >
      <TabsPrimitive.List
        aria-label={rest["aria-label"]}
        className="-mx-1 flex gap-1 overflow-x-auto border-b border-border px-1"
      >
        {tabs.map((tab) => (
          <TabsPrimitive.Trigger
            key={tab.value}
            value={tab.value}
            disabled={tab.disabled}
            className="-mb-px shrink-0 border-b-2 border-transparent px-3 py-2 text-sm font-medium text-fg-muted transition-colors hover:text-fg disabled:opacity-50 data-[state=active]:border-accent data-[state=active]:text-fg"
          >
            {tab.label}
          </TabsPrimitive.Trigger>
        ))}
      </TabsPrimitive.List>
      {tabs.map((tab) => (
        <TabsPrimitive.Content key={tab.value} value={tab.value} className="focus-visible:outline-offset-4">
          {tab.content}
        </TabsPrimitive.Content>
      ))}
    </TabsPrimitive.Root>
  );
}
