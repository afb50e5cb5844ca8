import { Check, ChevronDown, Globe, Search } from "lucide-react";
import { Popover } from "radix-ui";
import { type KeyboardEvent, memo, useId, useMemo, useRef, useState } from "react";
import { cn, Field, useFieldControl } from "@/components/ui";
import { controlClass } from "@/components/ui/cn";
import { useT } from "@/i18n";
import { TIME_ZONES } from "./formState";

const DEFAULT = "default";
const label = (zone: string) => zone.replaceAll("_", " ");

/**
 * The time zone: the app's default or any of ~400 IANA zones, picked from a searchable list (rendered only
 * while open). Memoised, so typing elsewhere in the editor does not re-render it.
 */
export const ZoneSelect = memo(function ZoneSelect({
  value,
  onChange,
  appZone,
  error,
}: {
  /** "" = the app's zone */
  value: string;
  onChange: (zone: string) => void;
  appZone: string | undefined;
  error?: string;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const defaultLabel = t("editor.timezone.default", { zone: appZone ?? "UTC" });
  return (
    <Field label={t("editor.timezone.label")} error={error}>
      <Popover.Root open={open} onOpenChange={setOpen}>
        <Trigger text={value ? label(value) : defaultLabel} />
        <Popover.Portal>
          <Popover.Content
            align="start"
            sideOffset={4}
            className="z-50 w-(--radix-popover-trigger-width) min-w-64 overflow-hidden rounded-lg border border-border bg-surface shadow-lg animate-fade-in"
          >
            <ZoneList
              value={value || DEFAULT}
              defaultLabel={defaultLabel}
              onPick={(zone) => {
                onChange(zone === DEFAULT ? "" : zone);
                setOpen(false);
              }}
            />
          </Popover.Content>
        </Popover.Portal>
      </Popover.Root>
    </Field>
  );
});

function Trigger({ text }: { text: string }) {
  const wired = useFieldControl({} as { id?: string; "aria-describedby"?: string; "aria-invalid"?: boolean });
  return (
    <Popover.Trigger
      type="button"
      {...wired}
      className={cn(controlClass, "flex h-9 items-center justify-between gap-2 text-start")}
    >
      <span className="flex min-w-0 items-center gap-2">
        <Globe aria-hidden className="size-4 shrink-0 text-fg-muted" />
        <span className="truncate">{text}</span>
      </span>
      <ChevronDown aria-hidden className="size-4 shrink-0 text-fg-muted" />
    </Popover.Trigger>
  );
}

function ZoneList({
  value,
  defaultLabel,
  onPick,
}: {
  value: string;
  defaultLabel: string;
  onPick: (zone: string) => void;
}) {
  const t = useT();
  const listId = useId();
  const [query, setQuery] = useState("");
  const listRef = useRef<HTMLDivElement>(null);
  const items = useMemo(() => {
    const needle = query.trim().toLowerCase().replaceAll("_", " ");
    const zones = TIME_ZONES.filter((zone) => !needle || label(zone).toLowerCase().includes(needle));
    const all = [
      { value: DEFAULT, text: defaultLabel },
      ...zones.map((zone) => ({ value: zone, text: label(zone) })),
    ];
    return needle
      ? all.filter((item) => item.value !== DEFAULT || item.text.toLowerCase().includes(needle))
      : all;
  }, [query, defaultLabel]);
  const [active, setActive] = useState(() =>
    Math.max(
      0,
      items.findIndex((item) => item.value === value),
    ),
  );
  const current = Math.min(active, items.length - 1);

  const move = (index: number) => {
    setActive(index);
    listRef.current?.querySelector(`[data-index="${index}"]`)?.scrollIntoView({ block: "nearest" });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "ArrowDown") move(Math.min(items.length - 1, current + 1));
    else if (event.key === "ArrowUp") move(Math.max(0, current - 1));
    else if (event.key === "Home") move(0);
    else if (event.key === "End") move(items.length - 1);
    else if (event.key === "Enter") {
      const item = items[current];
      if (item) onPick(item.value);
    } else return;
    event.preventDefault();
  };

  return (
    <div className="grid">
      <div className="flex items-center gap-2 border-b border-border px-3">
        <Search aria-hidden className="size-4 shrink-0 text-fg-muted" />
        <input
          role="combobox"
          aria-label={t("editor.timezone.search")}
          aria-expanded="true"
          aria-controls={listId}
          aria-activedescendant={items[current] ? `${listId}-${current}` : undefined}
          placeholder={t("editor.timezone.search")}
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          className="h-10 w-full bg-transparent text-sm text-fg outline-none placeholder:text-fg-muted"
        />
      </div>
      <div
        ref={listRef}
        id={listId}
        role="listbox"
        aria-label={t("editor.timezone.label")}
        className="max-h-72 overflow-y-auto p-1"
      >
        {items.length === 0 && (
          <div className="px-2 py-6 text-center text-sm text-fg-muted">{t("editor.timezone.noMatch")}</div>
        )}
        {items.map((item, index) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the search input handles the keys (aria-activedescendant)
          <div
            key={item.value}
            tabIndex={-1}
            id={`${listId}-${index}`}
            data-index={index}
            role="option"
            aria-selected={item.value === value}
            onClick={() => onPick(item.value)}
            onMouseMove={() => index !== current && setActive(index)}
            className={cn(
              "relative flex cursor-default select-none items-center rounded-md py-1.5 ps-7 pe-2 text-sm text-fg",
              index === current && "bg-subtle",
            )}
          >
            {item.value === value && <Check aria-hidden className="absolute start-2 size-4 text-accent" />}
            <span className="truncate">{item.text}</span>
          </div>
        ))}
      </div>
    </div>
  );
}
