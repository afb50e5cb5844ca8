import { memo, type ReactNode } from "react";
import { Checkbox, cn } from "@/components/ui";

export type Choice = { value: string; title: ReactNode; description?: ReactNode; icon?: ReactNode };

/** A multi-choice as a grid of checkbox cards (the whole card is the label). */
export const ChoiceCards = memo(function ChoiceCards({
  choices,
  value,
  onChange,
  labelId,
  invalid,
  describedBy,
}: {
  choices: readonly Choice[];
  value: readonly string[];
  onChange: (value: string[]) => void;
  labelId: string;
  invalid?: boolean;
  describedBy?: string;
}) {
  return (
    <fieldset
      aria-labelledby={labelId}
      aria-describedby={describedBy}
      data-error={invalid || undefined}
      className="m-0 grid min-w-0 gap-2 border-0 p-0 sm:grid-cols-2"
    >
      {choices.map((choice) => {
        const checked = value.includes(choice.value);
        const controlId = `${labelId}-${choice.value}`;
        const descriptionId = `${controlId}-desc`;
        return (
          <label
            key={choice.value}
            htmlFor={controlId}
            className={cn(
              "flex cursor-pointer items-start gap-3 rounded-lg border p-3 transition-colors",
              "has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-ring",
              checked
                ? "border-accent/60 bg-accent-soft/60"
                : "border-border hover:border-border-strong hover:bg-subtle/60",
            )}
          >
            <Checkbox
              id={controlId}
              checked={checked}
              aria-describedby={choice.description ? descriptionId : undefined}
              onCheckedChange={(next) =>
                onChange(
                  next === true ? [...value, choice.value] : value.filter((item) => item !== choice.value),
                )
              }
              className="focus-visible:outline-none"
            />
            {choice.icon && (
              <span aria-hidden className="text-base leading-5">
                {choice.icon}
              </span>
            )}
            <span className="grid min-w-0 gap-0.5">
              <span className="truncate text-sm font-medium text-fg">{choice.title}</span>
              {choice.description && (
                <span id={descriptionId} className="text-xs text-fg-muted">
                  {choice.description}
                </span>
              )}
            </span>
          </label>
        );
      })}
    </fieldset>
  );
});
