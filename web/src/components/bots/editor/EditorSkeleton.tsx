import { Skeleton } from "@/components/ui";
import { useT } from "@/i18n";

/** The editor's shape while its data loads. */
export function EditorSkeleton() {
  const t = useT();
  return (
    <div role="status" aria-busy="true" className="grid gap-6">
      <span className="sr-only">{t("common.loading")}</span>
      <div className="flex items-center gap-3">
        <Skeleton className="size-11 rounded-xl" />
        <div className="grid gap-2">
          <Skeleton className="h-6 w-48" />
          <Skeleton className="h-4 w-72 max-w-[60vw]" />
        </div>
      </div>
      <div className="lg:ms-[13.5rem] grid gap-5">
        {[0, 1, 2].map((key) => (
          <div key={key} className="grid gap-4 rounded-xl border border-border bg-surface p-5">
            <Skeleton className="h-4 w-32" />
            <Skeleton className="h-9 w-full" />
            <Skeleton className="h-9 w-2/3" />
          </div>
        ))}
      </div>
    </div>
  );
}
