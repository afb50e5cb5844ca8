import type { ReactNode } from "react";
import { cn } from "./cn";

/** "Nothing here yet" with an icon, a sentence and the action that fixes it. */
export function EmptyState({
  icon,
  title,
  description,
  action,
  className,
}: {
  icon?: ReactNode;
  title: ReactNode;
  description?: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  return (
    <div
      className={cn(
        "flex flex-col items-center justify-center gap-3 rounded-lg border border-dashed border-border-strong px-6 py-12 text-center",
        className,
      )}
    >
      {icon && (
        <div className="flex size-10 items-center justify-center rounded-full bg-subtle text-fg-muted [&_svg]:size-5">
          {icon}
        </div>
      )}
      <div className="grid max-w-sm gap-1">
        <h2 className="text-sm font-semibold text-fg">{title}</h2>
        {description && <p className="text-sm text-fg-muted">{description}</p>}
      </div>
      {action}
    </div>
  );
}
