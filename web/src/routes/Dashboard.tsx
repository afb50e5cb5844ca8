import { useQuery } from "@tanstack/react-query";
import { Plus, Search } from "lucide-react";
import { startTransition, useDeferredValue, useEffect, useMemo, useState } from "react";
import { Link, Navigate } from "react-router";
import { botQueries, providerQueries } from "@/api/queries";
import { BotCard } from "@/components/bots/BotCard";
import { AttentionBanners } from "@/components/dashboard/AttentionBanners";
import { DashboardEmpty } from "@/components/dashboard/DashboardEmpty";
import { PageHeader } from "@/components/layout/AppShell";
import { RecentResults } from "@/components/runs/RecentResults";
import { useRunEndToasts } from "@/components/runs/useRunEndToasts";
import { Button, EmptyState, Input, Skeleton } from "@/components/ui";
import { useT } from "@/i18n";
import { errorMessage } from "@/i18n/errors";
import { paths } from ".";

/** From this many bots on, the dashboard offers a search field. */
const SEARCH_FROM = 6;

/** Re-render relative times ("in 5 min") every half minute. */
function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * How many of `total` cards to render: the first screenful at once, the rest a chunk per frame as an
 * interruptible transition, so 200 bots do not hold up the first paint or the first click.
 */
function useProgressive(total: number, first = 24, step = 40): number {
  const [count, setCount] = useState(first);
  useEffect(() => {
    if (count >= total || typeof requestAnimationFrame === "undefined") return;
    const frame = requestAnimationFrame(() => startTransition(() => setCount((c) => c + step)));
    return () => cancelAnimationFrame(frame);
  }, [count, total, step]);
  return Math.min(count, total);
}

function GridSkeleton() {
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-3" aria-busy="true">
      {[0, 1, 2].map((i) => (
        <div key={i} className="grid gap-4 rounded-xl border border-border bg-surface p-4">
          <div className="flex items-center gap-3">
            <Skeleton className="size-9 rounded-lg" />
            <div className="grid flex-1 gap-1.5">
              <Skeleton className="h-4 w-1/2" />
              <Skeleton className="h-3 w-2/3" />
            </div>
          </div>
          <Skeleton className="h-4 w-11/12" />
          <Skeleton className="h-4 w-4/5" />
        </div>
      ))}
    </div>
  );
}

/** `/` — the bot overview. Eagerly loaded (the first screen). */
export default function Dashboard() {
  const t = useT();
  const now = useNow();
  const providers = useQuery(providerQueries.list());
  const bots = useQuery(botQueries.list());
  const [query, setQuery] = useState("");
  const deferredQuery = useDeferredValue(query);
  const matching = useMemo(() => {
    const needle = deferredQuery.trim().toLocaleLowerCase();
    if (!needle || !bots.data) return bots.data;
    return bots.data.filter((bot) => `${bot.name} ${bot.description}`.toLocaleLowerCase().includes(needle));
  }, [bots.data, deferredQuery]);
  const shown = useProgressive(matching?.length ?? 0);
  useRunEndToasts();

  // No AI provider yet (a search key alone does not count): the welcome wizard comes first.
  if (providers.data && !providers.data.some((c) => c.type !== "brave")) {
    return <Navigate to={paths.welcome()} replace />;
  }
  const list = bots.data;
  const active = list?.filter((bot) => bot.enabled).length ?? 0;
  const hasBots = (list?.length ?? 0) > 0;

  return (
    <>
      <PageHeader
        title={t("dashboard.title")}
        description={hasBots ? t("dashboard.summary", { count: list?.length ?? 0, active }) : undefined}
        actions={
          hasBots ? (
            <Button asChild>
              <Link to={paths.newBot()}>
                <Plus aria-hidden />
                {t("dashboard.newBot")}
              </Link>
            </Button>
          ) : undefined
        }
      />
      {list && <AttentionBanners bots={list} />}
      {bots.isError ? (
        <EmptyState
          title={t("dashboard.loadError")}
          description={errorMessage(t, bots.error)}
          action={
            <Button variant="secondary" onClick={() => void bots.refetch()}>
              {t("common.retry")}
            </Button>
          }
        />
      ) : !list || providers.isPending ? (
        <GridSkeleton />
      ) : list.length === 0 ? (
        <DashboardEmpty />
      ) : (
        <>
          {list.length > SEARCH_FROM && (
            <div className="relative mb-4 max-w-sm">
              <Search
                aria-hidden
                className="pointer-events-none absolute start-3 top-1/2 size-4 -translate-y-1/2 text-fg-muted"
              />
              <Input
                type="search"
                value={query}
                onChange={(event) => setQuery(event.target.value)}
                placeholder={t("dashboard.search")}
                aria-label={t("dashboard.search")}
                className="ps-9"
              />
            </div>
          )}
          {matching && matching.length === 0 ? (
            <p className="py-12 text-center text-sm text-fg-muted">{t("dashboard.noMatch", { query })}</p>
          ) : (
            <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-3">
              {(matching ?? []).slice(0, shown).map((bot) => (
                <BotCard key={bot.id} bot={bot} Results={RecentResults} now={now} />
              ))}
            </div>
          )}
        </>
      )}
    </>
  );
}
