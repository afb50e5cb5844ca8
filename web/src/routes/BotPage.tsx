import { useQuery } from "@tanstack/react-query";
import { ArrowLeft } from "lucide-react";
import { Link, useParams } from "react-router";
import { isApiError } from "@/api/client";
import { botQueries } from "@/api/queries";
import { BotHeader } from "@/components/bots/BotHeader";
import { RunTimeline } from "@/components/runs/RunTimeline";
import { useRunEndToasts } from "@/components/runs/useRunEndToasts";
import { Button, EmptyState, Skeleton } from "@/components/ui";
import { useT } from "@/i18n";
import { errorMessage } from "@/i18n/errors";
import { paths } from ".";

export function BackLink({ to, children }: { to: string; children: React.ReactNode }) {
  return (
    <Link
      to={to}
      className="mb-4 inline-flex items-center gap-1.5 rounded-md text-sm text-fg-muted transition-colors hover:text-fg"
    >
      <ArrowLeft aria-hidden className="size-4" />
      {children}
    </Link>
  );
}

/** `/bots/:botId` — one bot: its runs, live output, actions. */
export default function BotPage() {
  const t = useT();
  const { botId = "" } = useParams<{ botId: string }>();
  const bot = useQuery(botQueries.detail(botId));
  useRunEndToasts();

  if (bot.isError) {
    const gone = isApiError(bot.error) && bot.error.status === 404;
    return (
      <>
        <BackLink to={paths.dashboard()}>{t("bot.allBots")}</BackLink>
        <EmptyState
          title={gone ? t("bot.notFound") : t("errors.title")}
          description={gone ? undefined : errorMessage(t, bot.error)}
          action={
            gone ? (
              <Button asChild variant="secondary">
                <Link to={paths.dashboard()}>{t("errors.toDashboard")}</Link>
              </Button>
            ) : (
              <Button variant="secondary" onClick={() => void bot.refetch()}>
                {t("common.retry")}
              </Button>
            )
          }
        />
      </>
    );
  }

  return (
    <>
      <BackLink to={paths.dashboard()}>{t("bot.allBots")}</BackLink>
      {bot.data ? (
        <BotHeader bot={bot.data} />
      ) : (
        <div className="mb-8 flex items-center gap-4" aria-busy="true">
          <Skeleton className="size-12 rounded-lg" />
          <div className="grid flex-1 gap-2">
            <Skeleton className="h-6 w-48" />
            <Skeleton className="h-4 w-72 max-w-full" />
          </div>
        </div>
      )}
      <RunTimeline botId={botId} />
    </>
  );
}
