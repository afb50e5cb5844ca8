import { Ban, CheckCircle2, CircleDashed, Clock, XCircle } from "lucide-react";
import type { RunStatus } from "@/api/types";
import { cn } from "@/components/ui";
import { useT } from "@/i18n";
import { runState, statusLabel } from "./runDisplay";

/** The status of a run as an icon with its name for screen readers (and a tooltip via title). */
export function RunStatusIcon({
  run,
  className,
}: {
  run: { status: RunStatus; error_code?: string | null };
  className?: string;
}) {
  const t = useT();
  const state = runState(run);
  const label = t(statusLabel(run));
  const box = cn("inline-flex size-4 shrink-0 items-center justify-center", className);
  if (state === "running") {
    return (
      <span className={box} role="img" aria-label={label} title={label}>
        <span className="relative flex size-2.5">
          <span className="absolute inline-flex size-full animate-ping rounded-full bg-accent opacity-60" />
          <span className="relative inline-flex size-2.5 rounded-full bg-accent" />
        </span>
      </span>
    );
  }
  const icon = {
    completed: <CheckCircle2 className="size-4 text-success" />,
    failed: <XCircle className="size-4 text-danger" />,
    pending: <Clock className="size-4 text-fg-muted" />,
    missed: <CircleDashed className="size-4 text-warning" />,
    cancelled: <Ban className="size-4 text-fg-muted" />,
  }[state];
  return (
    <span className={box} role="img" aria-label={label} title={label}>
      {icon}
    </span>
  );
}
