import { Loader2 } from "lucide-react";
import { useT } from "@/i18n";
import { cn } from "./cn";

/** A spinning indicator. With `label` (default "Loading…") it is announced; `decorative` hides it. */
export function Spinner({
  className,
  label,
  decorative = false,
}: {
  className?: string;
  label?: string;
  decorative?: boolean;
}) {
  const t = useT();
  if (decorative) return <Loader2 aria-hidden className={cn("size-4 animate-spin", className)} />;
  return (
    <span role="status" className="inline-flex items-center">
      <Loader2 aria-hidden className={cn("size-4 animate-spin", className)} />
      <span className="sr-only">{label ?? t("common.loading")}</span>
    </span>
  );
}
