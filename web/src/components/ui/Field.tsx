/**
 * Label + control + hint + error, wired for assistive tech:
 *
 *   <Field label={t("bot.name")} hint={t("bot.nameHint")} error={error?.field("name")}>
 *     <Input value={name} onChange={…} />
 *   </Field>
 *
 * The control (Input, Textarea, Select, Switch, Checkbox, RadioGroup) picks up id, aria-describedby and
 * aria-invalid from the Field through context.
 */
import { Label as LabelPrimitive } from "radix-ui";
import {
  type AriaAttributes,
  type ComponentProps,
  createContext,
  type ReactNode,
  useContext,
  useId,
} from "react";
import { useT } from "@/i18n";
import { cn } from "./cn";

export function Label({ className, ...props }: ComponentProps<typeof LabelPrimitive.Root>) {
  return (
    <LabelPrimitive.Root
      className={cn("text-sm font-medium text-fg select-none peer-disabled:opacity-60", className)}
      {...props}
    />
  );
}

type FieldContextValue = {
  id: string;
  labelId: string;
  describedBy?: string;
  invalid: boolean;
  required: boolean;
};
const FieldContext = createContext<FieldContextValue | null>(null);

type ControlProps = {
  id?: string;
  "aria-describedby"?: string;
  "aria-invalid"?: AriaAttributes["aria-invalid"];
  "aria-labelledby"?: string;
  required?: boolean;
};

/** Inside a Field: the aria props a control should carry (own props win). */
export function useFieldControl<P extends ControlProps>(props: P): P {
  const field = useContext(FieldContext);
  if (!field) return props;
  return {
    ...props,
    id: props.id ?? field.id,
    "aria-describedby": cn(field.describedBy, props["aria-describedby"]) || undefined,
    "aria-invalid": props["aria-invalid"] ?? (field.invalid || undefined),
    required: props.required ?? (field.required || undefined),
  };
}

/** For group controls (RadioGroup) labelled by the Field's label element. */
export function useFieldLabelId(): string | undefined {
  return useContext(FieldContext)?.labelId;
}

export type FieldProps = {
  label: ReactNode;
  hint?: ReactNode;
  /** The error message; a falsy value means valid. */
  error?: ReactNode;
  required?: boolean;
  /** Shows "(optional)" after the label. */
  optional?: boolean;
  id?: string;
  className?: string;
  children: ReactNode;
};

export function Field({
  label,
  hint,
  error,
  required = false,
  optional = false,
  id,
  className,
  children,
}: FieldProps) {
  const t = useT();
  const auto = useId();
  const controlId = id ?? `f${auto}`;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = error ? `${controlId}-error` : undefined;
  const value: FieldContextValue = {
    id: controlId,
    labelId: `${controlId}-label`,
    describedBy: cn(errorId, hintId) || undefined,
    invalid: Boolean(error),
    required,
  };
  return (
    <FieldContext.Provider value={value}>
      <div className={cn("flex flex-col gap-1.5", className)}>
        <Label htmlFor={controlId} id={value.labelId}>
          {label}
          {required && (
            <span aria-hidden className="ms-0.5 text-danger">
              *
            </span>
          )}
          {optional && <span className="ms-1 font-normal text-fg-muted">({t("common.optional")})</span>}
        </Label>
        {children}
        {hint && !error && (
          <p id={hintId} className="text-xs text-fg-muted">
            {hint}
          </p>
        )}
        {hint && error && (
          <p id={hintId} className="sr-only">
            {hint}
          </p>
        )}
        {error && (
          <p id={errorId} className="text-xs font-medium text-danger">
            {error}
          </p>
        )}
      </div>
    </FieldContext.Provider>
  );
}
