import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { useLiveOutput } from "@/api/live";
import { runQueries } from "@/api/queries";
import type { Run, RunSummary } from "@/api/types";
import { Badge, cn, Skeleton } from "@/components/ui";
import { type TFunction, useT } from "@/i18n";
import { paths } from "@/routes";
import { RunStatusIcon } from "./RunStatusIcon";
import { gist, runState, tail } from "./runDisplay";
import { useShortWhen, useWhen } from "./when";

export const RECENT_RESULTS = 4;

/** Becomes true once the element has been near the viewport (always true where IntersectionObserver is missing). */
function useSeen<T extends Element>(): [React.RefObject<T | null>, boolean] {
  const ref = useRef<T>(null);
  const [seen, setSeen] = useState(() => typeof IntersectionObserver === "undefined");
  useEffect(() => {
    if (seen || !ref.current) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) setSeen(true);
      },
      { rootMargin: "200px" },
    );
    observer.observe(ref.current);
    return () => observer.disconnect();
  }, [seen]);
  return [ref, seen];
}

/** What a row says after its icon: the gist, the friendly error, the reason it was missed … */
export function runLine(
  t: TFunction,
  run: Pick<Run, "status" | "error_code" | "error_message" | "output">,
): string {
  const state = runState(run);
  if (state === "failed") return run.error_message || gist(run.output) || t("run.error.default");
  if (state === "missed") return run.error_message || t("run.status.missed");
  if (state === "cancelled") return run.error_message || t("run.status.cancelled");
  if (state === "pending") return t("run.waitingForSlot");
  if (state === "running") return gist(run.output) || t("run.writing");
  return gist(run.output) || t("run.noOutput");
}

function ResultRow({ run }: { run: Run }) {
  const t = useT();
  const when = useShortWhen();
  const full = useWhen();
  const live = useLiveOutput(run.status === "running" ? run.id : undefined);
  const state = runState(run);
  const at = state === "missed" ? (run.scheduled_for ?? run.created_at) : run.created_at;
  const text = state === "running" && live?.text ? tail(live.text, 90) : runLine(t, run);
  return (
    <li>
      <Link
        to={paths.run(run.id)}
        className="group -mx-2 flex min-w-0 items-center gap-2.5 rounded-md px-2 py-1.5 text-sm hover:bg-subtle"
      >
        <time
          dateTime={at}
          title={full(at)}
          className="min-w-11 shrink-0 whitespace-nowrap text-xs tabular-nums text-fg-muted"
        >
          {when(at)}
        </time>
        <RunStatusIcon run={run} />
        <span
          className={cn("min-w-0 flex-1 truncate", state === "completed" ? "text-fg" : "text-fg-muted")}
          title={text}
        >
          {text}
        </span>
        {run.is_new && state === "completed" && <Badge tone="accent">{t("run.new")}</Badge>}
      </Link>
    </li>
  );
}

/**
 * The last few results of a bot for its card. Fetched only once the card scrolls into view and only when
 * the bot has run at all, so a dashboard of 200 bots makes a handful of requests, not 200.
 */
export function RecentResults({ botId, lastRun }: { botId: string; lastRun: RunSummary | null }) {
  const t = useT();
  const [ref, seen] = useSeen<HTMLDivElement>();
  const query = useQuery({ ...runQueries.recent(botId, RECENT_RESULTS), enabled: seen && lastRun != null });
  if (!lastRun) {
    return (
      <div
        ref={ref}
        className="flex h-full min-h-16 items-center sm:min-h-24 justify-center rounded-md border border-dashed border-border text-sm text-fg-muted"
      >
        {t("bot.noResults")}
      </div>
    );
  }
  const runs = query.data;
  return (
    <div ref={ref} className="sm:min-h-24">
      {runs ? (
        <ul aria-label={t("bot.results")} className="grid grid-cols-1">
          {runs.map((run) => (
            <ResultRow key={run.id} run={run} />
          ))}
        </ul>
      ) : query.isError ? (
        <p className="py-1.5 text-sm text-fg-muted">{t("bot.resultsError")}</p>
      ) : (
        <div className="grid gap-2.5 py-1.5" aria-busy="true">
          <span className="sr-only">{t("common.loading")}</span>
          <Skeleton className="h-4 w-11/12" />
          <Skeleton className="h-4 w-4/5" />
          <Skeleton className="h-4 w-3/4" />
        </div>
      )}
    </div>
  );
}
