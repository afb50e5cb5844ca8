import { useInfiniteQuery } from "@tanstack/react-query";
import { Square } from "lucide-react";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import { Link } from "react-router";
import { useLiveOutput } from "@/api/live";
import { runQueries, useCancelRun } from "@/api/queries";
import type { Run } from "@/api/types";
import { Badge, Button, cn, EmptyState, Skeleton, Spinner, toast } from "@/components/ui";
import { useFormat, useT } from "@/i18n";
import { errorMessage } from "@/i18n/errors";
import { paths } from "@/routes";
import { runLine } from "./RecentResults";
import { RunStatusIcon } from "./RunStatusIcon";
import {
  isActiveRun,
  matchesFilter,
  RUN_FILTERS,
  type RunFilter,
  runState,
  TRIGGER_LABEL,
  tail,
} from "./runDisplay";
import { useWhen } from "./when";

/** With a filter that matches nothing, load at most this many pages by scrolling (then by the button). */
const AUTO_PAGES = 5;

const FILTER_LABEL = {
  all: "run.filter.all",
  success: "run.filter.success",
  error: "run.filter.error",
  active: "run.filter.active",
  missed: "run.filter.missed",
} as const;

function FilterBar({ value, onChange }: { value: RunFilter; onChange: (value: RunFilter) => void }) {
  const t = useT();
  return (
    <fieldset className="-m-1 flex min-w-0 gap-1 overflow-x-auto p-1">
      <legend className="sr-only">{t("run.filter.label")}</legend>
      {RUN_FILTERS.map((filter) => (
        <button
          key={filter}
          type="button"
          aria-pressed={value === filter}
          onClick={() => onChange(filter)}
          className={cn(
            "h-8 shrink-0 rounded-full border px-3 text-xs font-medium transition-colors",
            value === filter
              ? "border-fg bg-fg text-bg"
              : "border-border bg-surface text-fg-muted hover:border-border-strong hover:text-fg",
          )}
        >
          {t(FILTER_LABEL[filter])}
        </button>
      ))}
    </fieldset>
  );
}

const TimelineRow = memo(function TimelineRow({ run }: { run: Run }) {
  const t = useT();
  const f = useFormat();
  const when = useWhen();
  const cancel = useCancelRun();
  const live = useLiveOutput(run.status === "running" ? run.id : undefined);
  const state = runState(run);
  const streaming = state === "running" && live?.text;
  const text = streaming ? tail(live.text) : runLine(t, run);
  const tokens =
    run.tokens_in != null || run.tokens_out != null ? (run.tokens_in ?? 0) + (run.tokens_out ?? 0) : null;
  const at = state === "missed" ? (run.scheduled_for ?? run.created_at) : run.created_at;
  const time = when(at);
  const onCancel = () =>
    cancel.mutate(run.id, {
      onSuccess: () => toast({ title: t("run.cancelled") }),
      onError: (error) =>
        toast({ title: t("run.cancelFailed"), description: errorMessage(t, error), variant: "error" }),
    });
  const finished = state === "completed" || state === "failed";
  return (
    <li className="group relative flex gap-3 py-3 ps-1 pe-1 sm:gap-4">
      <div className="flex flex-col items-center pt-0.5">
        <RunStatusIcon run={run} />
      </div>
      <div className="grid min-w-0 flex-1 gap-1">
        <div className="flex min-w-0 items-baseline gap-2">
          <Link
            to={paths.run(run.id)}
            className="min-w-0 truncate rounded-sm text-sm font-medium text-fg after:absolute after:inset-0 after:content-[''] hover:underline hover:decoration-border-strong hover:underline-offset-4"
          >
            <time dateTime={at} className="tabular-nums">
              {time}
            </time>
          </Link>
          {run.is_new && state === "completed" && (
            <Badge tone="accent" title={t("run.newHint")}>
              {t("run.new")}
            </Badge>
          )}
          <Badge>{t(TRIGGER_LABEL[run.trigger])}</Badge>
        </div>
        <p
          className={cn(
            "line-clamp-2 text-sm break-words",
            state === "completed" || state === "failed" ? "text-fg" : "text-fg-muted",
          )}
        >
          {text}
        </p>
        {finished && (
          <p className="flex flex-wrap gap-x-3 text-xs text-fg-muted tabular-nums">
            <span>{f.duration(run.duration_ms)}</span>
            {tokens != null && <span>{t("common.tokens", { count: tokens })}</span>}
            <span>
              {run.cost_estimate == null ? `${t("run.fact.cost")}: ${f.usd(null)}` : f.usd(run.cost_estimate)}
            </span>
            {run.model && <span className="hidden truncate font-mono sm:inline">{run.model}</span>}
          </p>
        )}
      </div>
      {isActiveRun(run) && (
        <div className="relative z-10 self-center">
          <Button
            variant="secondary"
            size="sm"
            loading={cancel.isPending}
            onClick={onCancel}
            aria-label={t("run.cancelLabel", { time })}
          >
            {!cancel.isPending && <Square aria-hidden className="fill-current" />}
            <span className="hidden sm:inline">{t("run.cancel")}</span>
          </Button>
        </div>
      )}
    </li>
  );
});

/**
 * A bot's results, newest first: filter by status, more load by themselves when the end of the list comes
 * into view (and with a button). Live: run events refetch the list; a running row shows its output's tail.
 * The API has no status filter, so the filter applies to what is loaded; while it finds nothing it loads
 * on by itself for AUTO_PAGES pages at most, then waits for the button.
 */
export function RunTimeline({ botId }: { botId: string }) {
  const t = useT();
  const [filter, setFilter] = useState<RunFilter>("all");
  const query = useInfiniteQuery(runQueries.forBot(botId));
  const runs = useMemo(() => query.data?.pages.flat() ?? [], [query.data]);
  const shown = useMemo(() => runs.filter((run) => matchesFilter(run, filter)), [runs, filter]);
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const pages = query.data?.pages.length ?? 0;
  const autoLoad = hasNextPage && (shown.length > 0 || pages < AUTO_PAGES);

  useEffect(() => {
    const element = sentinel.current;
    if (!element || !autoLoad || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: "400px" },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [autoLoad, isFetchingNextPage, fetchNextPage]);

  return (
    <section aria-labelledby="timeline-title" className="grid gap-3">
      <div className="flex min-w-0 flex-wrap items-center justify-between gap-3">
        <h2 id="timeline-title" className="text-base font-semibold text-fg">
          {t("run.timeline.title")}
        </h2>
        <FilterBar value={filter} onChange={setFilter} />
      </div>
      {query.isPending ? (
        <div className="grid gap-4 rounded-xl border border-border bg-surface p-4">
          {[0, 1, 2, 3].map((i) => (
            <div key={i} className="flex gap-3">
              <Skeleton className="size-4 rounded-full" />
              <div className="grid flex-1 gap-2">
                <Skeleton className="h-4 w-24" />
                <Skeleton className="h-4 w-4/5" />
              </div>
            </div>
          ))}
        </div>
      ) : query.isError ? (
        <EmptyState
          title={t("run.timeline.error")}
          description={errorMessage(t, query.error)}
          action={
            <Button variant="secondary" onClick={() => void query.refetch()}>
              {t("common.retry")}
            </Button>
          }
        />
      ) : runs.length === 0 ? (
        <EmptyState title={t("bot.noResults")} description={t("run.timeline.empty")} />
      ) : (
        <div className="rounded-xl border border-border bg-surface px-3 sm:px-4">
          {shown.length > 0 ? (
            <ol aria-labelledby="timeline-title" className="divide-y divide-border">
              {shown.map((run) => (
                <TimelineRow key={run.id} run={run} />
              ))}
            </ol>
          ) : !hasNextPage ? (
            <p className="py-8 text-center text-sm text-fg-muted">{t("run.timeline.emptyFilter")}</p>
          ) : (
            <p className="py-8 text-center text-sm text-fg-muted">
              {t("run.timeline.noneInLoaded", { count: runs.length })}
            </p>
          )}
          <div ref={sentinel} className="flex justify-center border-t border-border py-3 first:border-t-0">
            {isFetchingNextPage ? (
              <Spinner className="size-4 text-fg-muted" />
            ) : hasNextPage ? (
              <Button variant="ghost" size="sm" onClick={() => void fetchNextPage()}>
                {t("run.timeline.loadMore")}
              </Button>
            ) : (
              <span className="text-xs text-fg-muted">{t("run.timeline.end")}</span>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
