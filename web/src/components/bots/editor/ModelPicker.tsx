import { ArrowDown, ArrowUp, Check, ChevronDown, Plus, Sparkles, X } from "lucide-react";
import { Select as SelectPrimitive } from "radix-ui";
import { memo } from "react";
import { Link } from "react-router";
import type { Credential } from "@/api/types";
import { Button, cn, useFieldControl } from "@/components/ui";
import { controlClass } from "@/components/ui/cn";
import { useT } from "@/i18n";

export const MAX_FALLBACKS = 5;

type Group = { label: string; values: string[] };

function groupsOf(credentials: readonly Credential[], exclude: readonly string[] = []): Group[] {
  return credentials
    .map((credential) => ({
      label: credential.name,
      values: credential.models
        .map((model) => `${credential.name}:${model}`)
        .filter((value) => !exclude.includes(value)),
    }))
    .filter((group) => group.values.length > 0);
}

/** "openai:gpt-4o" → "gpt-4o" (the group already names the credential). */
const modelName = (value: string) => value.slice(value.indexOf(":") + 1);

/** A Radix Select with one group per credential. Labelled by the surrounding <Field> (or aria-label). */
function GroupedSelect({
  value,
  onValueChange,
  groups,
  placeholder,
  extra,
  icon,
  ...aria
}: {
  value: string;
  onValueChange: (value: string) => void;
  groups: Group[];
  placeholder: string;
  /** A value to keep selectable although no group has it (a model that is gone). */
  extra?: { value: string; label: string };
  icon?: React.ReactNode;
  "aria-label"?: string;
  "aria-invalid"?: boolean;
}) {
  const wired = useFieldControl(aria);
  return (
    <SelectPrimitive.Root value={value} onValueChange={onValueChange}>
      <SelectPrimitive.Trigger
        {...wired}
        className={cn(controlClass, "flex h-9 items-center justify-between gap-2 text-start")}
      >
        <span className="flex min-w-0 items-center gap-2 truncate">
          {icon}
          <SelectPrimitive.Value placeholder={<span className="text-fg-muted">{placeholder}</span>} />
        </span>
        <SelectPrimitive.Icon>
          <ChevronDown aria-hidden className="size-4 text-fg-muted" />
        </SelectPrimitive.Icon>
      </SelectPrimitive.Trigger>
      <SelectPrimitive.Portal>
        <SelectPrimitive.Content
          position="popper"
          sideOffset={4}
          className="z-50 max-h-[min(22rem,var(--radix-select-content-available-height))] min-w-(--radix-select-trigger-width) overflow-hidden rounded-lg border border-border bg-surface shadow-lg animate-fade-in"
        >
          <SelectPrimitive.Viewport className="p-1">
            {extra && <Item value={extra.value} label={extra.label} />}
            {groups.map((group, index) => (
              <SelectPrimitive.Group key={group.label}>
                {(index > 0 || extra) && <SelectPrimitive.Separator className="-mx-1 my-1 h-px bg-border" />}
                <SelectPrimitive.Label className="px-2 pt-1.5 pb-1 text-xs font-medium text-fg-muted">
                  {group.label}
                </SelectPrimitive.Label>
                {group.values.map((option) => (
                  <Item key={option} value={option} label={modelName(option)} />
                ))}
              </SelectPrimitive.Group>
            ))}
          </SelectPrimitive.Viewport>
        </SelectPrimitive.Content>
      </SelectPrimitive.Portal>
    </SelectPrimitive.Root>
  );
}

function Item({ value, label }: { value: string; label: string }) {
  return (
    <SelectPrimitive.Item
      value={value}
      className="relative flex cursor-default select-none items-center rounded-md py-1.5 ps-7 pe-2 text-sm text-fg outline-none data-disabled:opacity-50 data-highlighted:bg-subtle"
    >
      <SelectPrimitive.ItemIndicator className="absolute start-2 inline-flex">
        <Check aria-hidden className="size-4 text-accent" />
      </SelectPrimitive.ItemIndicator>
      <SelectPrimitive.ItemText>{label}</SelectPrimitive.ItemText>
    </SelectPrimitive.Item>
  );
}

/** The main model. Shows the current value even when its credential is gone, marked as not available. */
export const ModelSelect = memo(function ModelSelect({
  value,
  onChange,
  credentials,
}: {
  value: string;
  onChange: (value: string) => void;
  credentials: readonly Credential[];
}) {
  const t = useT();
  const groups = groupsOf(credentials);
  const known = groups.some((group) => group.values.includes(value));
  return (
    <GroupedSelect
      value={value}
      onValueChange={onChange}
      groups={groups}
      placeholder={t("editor.model.placeholder")}
      icon={<Sparkles aria-hidden className="size-4 shrink-0 text-accent" />}
      extra={value && !known ? { value, label: t("editor.model.unavailable", { model: value }) } : undefined}
    />
  );
});

/** "No provider connected": what to do about it. */
export function NoModels({ invalid }: { invalid?: boolean }) {
  const t = useT();
  return (
    <div
      data-error={invalid || undefined}
      className="flex flex-col items-start gap-3 rounded-lg border border-dashed border-border-strong bg-subtle/60 p-4 sm:flex-row sm:items-center"
    >
      <div className="grid flex-1 gap-0.5">
        <p className="text-sm font-medium text-fg">{t("editor.model.noneTitle")}</p>
        <p className="text-sm text-fg-muted">{t("editor.model.noneBody")}</p>
      </div>
      <Button asChild variant="secondary" size="sm">
        <Link to="/welcome">{t("editor.model.noneAction")}</Link>
      </Button>
    </div>
  );
}

/** Ordered fallback models: move up/down, remove, add from the models not used yet. */
export const FallbackModels = memo(function FallbackModels({
  value,
  onChange,
  credentials,
  main,
  labelId,
  invalid,
}: {
  value: string[];
  onChange: (value: string[]) => void;
  credentials: readonly Credential[];
  main: string;
  labelId: string;
  invalid?: boolean;
}) {
  const t = useT();
  const available = groupsOf(credentials, [main, ...value]);
  const move = (from: number, to: number) => {
    const next = [...value];
    const [item] = next.splice(from, 1);
    if (item !== undefined) next.splice(to, 0, item);
    onChange(next);
  };
  return (
    <div className="grid gap-2">
      {value.length > 0 && (
        <ol aria-labelledby={labelId} className="grid gap-1.5">
          {value.map((model, index) => (
            <li
              key={model}
              className={cn(
                "flex h-10 items-center gap-2 rounded-lg border bg-subtle/50 ps-2 pe-1",
                invalid ? "border-danger" : "border-border",
              )}
            >
              <span
                aria-hidden
                className="flex size-5 shrink-0 items-center justify-center rounded-full bg-surface text-xs font-medium text-fg-muted ring-1 ring-border"
              >
                {index + 1}
              </span>
              <span className="min-w-0 flex-1 truncate text-sm text-fg">{model}</span>
              <Button
                variant="ghost"
                size="icon"
                className="size-8"
                disabled={index === 0}
                aria-label={t("editor.fallback.up", { model })}
                onClick={() => move(index, index - 1)}
              >
                <ArrowUp aria-hidden />
              </Button>
              <Button
                variant="ghost"
                size="icon"
                className="size-8"
                disabled={index === value.length - 1}
                aria-label={t("editor.fallback.down", { model })}
                onClick={() => move(index, index + 1)}
              >
                <ArrowDown aria-hidden />
              </Button>
              <Button
                variant="ghost"
                size="icon"
                className="size-8"
                aria-label={t("editor.fallback.remove", { model })}
                onClick={() => onChange(value.filter((item) => item !== model))}
              >
                <X aria-hidden />
              </Button>
            </li>
          ))}
        </ol>
      )}
      {value.length < MAX_FALLBACKS && available.length > 0 && (
        <GroupedSelect
          value=""
          onValueChange={(model) => model && onChange([...value, model])}
          groups={available}
          placeholder={t("editor.fallback.add")}
          icon={<Plus aria-hidden className="size-4 shrink-0 text-fg-muted" />}
          aria-label={t("editor.fallback.addLabel")}
          aria-invalid={invalid}
        />
      )}
    </div>
  );
});
