import { Check, Minus } from "lucide-react";
import { Checkbox as CheckboxPrimitive } from "radix-ui";
import { type ComponentProps, type ReactNode, useId } from "react";
import { cn } from "./cn";
import { useFieldControl } from "./Field";

type CheckboxProps = ComponentProps<typeof CheckboxPrimitive.Root> & {
  /** An inline label after the box (else use a <Field> or aria-label). */
  label?: ReactNode;
  description?: ReactNode;
};

export function Checkbox({ className, label, description, id, ...props }: CheckboxProps) {
  const auto = useId();
  const wired = useFieldControl({ ...props, id: id ?? (label ? `c${auto}` : undefined) });
  const descriptionId = description && wired.id ? `${wired.id}-desc` : undefined;
  const control = (
    <CheckboxPrimitive.Root
      className={cn(
        "peer mt-0.5 inline-flex size-4 shrink-0 items-center justify-center rounded border border-border-strong bg-surface",
        "data-[state=checked]:border-accent data-[state=checked]:bg-accent data-[state=checked]:text-accent-fg",
        "data-[state=indeterminate]:border-accent data-[state=indeterminate]:bg-accent data-[state=indeterminate]:text-accent-fg",
        "disabled:cursor-not-allowed disabled:opacity-55 aria-invalid:border-danger",
        className,
      )}
      {...wired}
      aria-describedby={cn(wired["aria-describedby"], descriptionId) || undefined}
    >
      <CheckboxPrimitive.Indicator>
        {props.checked === "indeterminate" ? (
          <Minus aria-hidden className="size-3" strokeWidth={3} />
        ) : (
          <Check aria-hidden className="size-3" strokeWidth={3} />
        )}
      </CheckboxPrimitive.Indicator>
    </CheckboxPrimitive.Root>
  );
  if (!label) return control;
  return (
    <div className="flex items-start gap-2.5">
      {control}
      <div className="grid gap-0.5">
        <label htmlFor={wired.id} className="text-sm text-fg select-none peer-disabled:opacity-60">
          {label}
        </label>
        {description && (
          <p id={descriptionId} className="text-xs text-fg-muted">
            {description}
          </p>
        )}
      </div>
    </div>
  );
}
