import { Switch as SwitchPrimitive } from "radix-ui";
import { type ComponentProps, type ReactNode, useId } from "react";
import { cn } from "./cn";
import { useFieldControl } from "./Field";

type SwitchProps = ComponentProps<typeof SwitchPrimitive.Root> & {
  /** An inline label after the switch (else use a <Field> or aria-label). */
  label?: ReactNode;
};

export function Switch({ className, label, id, ...props }: SwitchProps) {
  const auto = useId();
  const wired = useFieldControl({ ...props, id: id ?? (label ? `s${auto}` : undefined) });
  const control = (
    <SwitchPrimitive.Root
      className={cn(
        "peer inline-flex h-5 w-9 shrink-0 cursor-pointer items-center rounded-full border-2 border-transparent",
        "bg-border-strong transition-colors data-[state=checked]:bg-accent",
        "disabled:cursor-not-allowed disabled:opacity-55",
        className,
      )}
      {...wired}
    >
      <SwitchPrimitive.Thumb className="pointer-events-none block size-4 rounded-full bg-white shadow-sm transition-transform data-[state=checked]:translate-x-4 rtl:data-[state=checked]:-translate-x-4" />
    </SwitchPrimitive.Root>
  );
  if (!label) return control;
  return (
    <div className="flex items-center gap-2.5">
      {control}
      <label htmlFor={wired.id} className="text-sm text-fg select-none peer-disabled:opacity-60">
        {label}
      </label>
    </div>
  );
}
