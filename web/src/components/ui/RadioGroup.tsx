import { RadioGroup as RadioPrimitive } from "radix-ui";
import { type ComponentProps, type ReactNode, useId } from "react";
import { cn } from "./cn";
import { useFieldControl, useFieldLabelId } from "./Field";

export type RadioOption = { value: string; label: ReactNode; description?: ReactNode; disabled?: boolean };

type RadioGroupProps = Omit<ComponentProps<typeof RadioPrimitive.Root>, "children"> & {
  options: readonly RadioOption[];
};

/** A group of radio buttons. Inside a <Field> it is labelled by the Field's label; else pass aria-label. */
export function RadioGroup({ options, className, ...props }: RadioGroupProps) {
  const auto = useId();
  const labelId = useFieldLabelId();
  const { id: _unused, ...wired } = useFieldControl(props);
  return (
    <RadioPrimitive.Root
      aria-labelledby={props["aria-label"] ? undefined : labelId}
      className={cn("grid gap-2", className)}
      {...wired}
    >
      {options.map((option) => {
        const id = `r${auto}-${option.value}`;
        return (
          <div key={option.value} className="flex items-start gap-2.5">
            <RadioPrimitive.Item
              id={id}
              value={option.value}
              disabled={option.disabled}
              className="peer mt-0.5 inline-flex size-4 shrink-0 items-center justify-center rounded-full border border-border-strong bg-surface data-[state=checked]:border-accent disabled:opacity-55"
            >
              <RadioPrimitive.Indicator className="block size-2 rounded-full bg-accent" />
            </RadioPrimitive.Item>
            <div className="grid gap-0.5">
              <label htmlFor={id} className="text-sm text-fg select-none peer-disabled:opacity-60">
                {option.label}
              </label>
              {option.description && <p className="text-xs text-fg-muted">{option.description}</p>}
            </div>
          </div>
        );
      })}
    </RadioPrimitive.Root>
  );
}
