import { useQuery } from "@tanstack/react-query";
import { RotateCcw, Square } from "lucide-react";
import { Link, useNavigate, useParams } from "react-router";
import { isApiError } from "@/api/client";
import { useLiveOutput } from "@/api/live";
import { botQueries, runQueries, useCancelRun, useCreateRun } from "@/api/queries";
import {
  RunDeliveries,
  RunFacts,
  RunLog,
  RunProblem,
  Section,
  ToolCalls,
} from "@/components/runs/RunDetails";
import { RunStatusIcon } from "@/components/runs/RunStatusIcon";
import { isActiveRun, runState, statusLabel } from "@/components/runs/runDisplay";
import { Badge, type BadgeTone, Button, EmptyState, MarkdownText, Skeleton, toast } from "@/components/ui";
import { useFormat, useT } from "@/i18n";
import { errorMessage } from "@/i18n/errors";
import { paths } from ".";
import { BackLink } from "./BotPage";

const TONE = {
  completed: "success",
  failed: "danger",
  running: "accent",
  pending: "neutral",
  missed: "warning",
  cancelled: "neutral",
} as const satisfies Record<string, BadgeTone>;

/** `/runs/:runId` — one run: output (Markdown, lazy), log, tokens, cost, notifications. */
export default function RunDetail() {
  const t = useT();
  const f = useFormat();
  const { runId = "" } = useParams<{ runId: string }>();
  const query = useQuery(runQueries.detail(runId));
  const run = query.data;
  const bot = useQuery({ ...botQueries.detail(run?.bot_id ?? ""), enabled: Boolean(run?.bot_id) });
  const live = useLiveOutput(run?.status === "running" ? runId : undefined);
  const cancel = useCancelRun();
  const rerun = useCreateRun();
  const navigate = useNavigate();

  if (query.isError) {
    const gone = isApiError(query.error) && query.error.status === 404;
    return (
      <EmptyState
        title={gone ? t("run.notFound") : t("errors.title")}
        description={gone ? undefined : errorMessage(t, query.error)}
        action={
          <Button asChild variant="secondary">
            <Link to={paths.dashboard()}>{t("errors.toDashboard")}</Link>
          </Button>
        }
      />
    );
  }
  if (!run) {
    return (
      <div className="grid gap-6" aria-busy="true">
        <Skeleton className="h-4 w-32" />
        <Skeleton className="h-8 w-72 max-w-full" />
        <Skeleton className="h-40 w-full rounded-xl" />
      </div>
    );
  }

  const state = runState(run);
  const streaming = state === "running";
  const output = streaming ? (live?.text ?? run.output ?? "") : (run.output ?? live?.text ?? "");
  const onCancel = () =>
    cancel.mutate(run.id, {
      onSuccess: () => toast({ title: t("run.cancelled") }),
      onError: (error) =>
        toast({ title: t("run.cancelFailed"), description: errorMessage(t, error), variant: "error" }),
    });

  const onRerun = () =>
    rerun.mutate(
      { botId: run.bot_id, input: run.input },
      {
        onSuccess: (next) => navigate(paths.run(next.id)),
        onError: (error) =>
          toast({ title: t("bot.actionFailed"), description: errorMessage(t, error), variant: "error" }),
      },
    );

  return (
    <>
      <BackLink to={paths.bot(run.bot_id)}>
        {bot.data ? (
          <>
            <span aria-hidden>{bot.data.emoji}</span> {bot.data.name}
          </>
        ) : (
          t("route.bot.title")
        )}
      </BackLink>
      <header className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <div className="grid min-w-0 gap-2">
          <h1 className="text-xl font-semibold tracking-tight text-fg sm:text-2xl">
            {t("run.title", {
              time: f.dateTime(state === "missed" ? (run.scheduled_for ?? run.created_at) : run.created_at),
            })}
          </h1>
          <div className="flex flex-wrap items-center gap-2">
            <Badge tone={TONE[state]} className="gap-1.5 ps-1.5">
              <RunStatusIcon run={run} className="size-3.5 [&_svg]:size-3.5" />
              {t(statusLabel(run))}
            </Badge>
            {run.is_new && state === "completed" && (
              <Badge tone="accent" title={t("run.newHint")}>
                {t("run.new")}
              </Badge>
            )}
            {streaming && <span className="text-xs text-fg-muted">{t("run.outputStreaming")}</span>}
          </div>
        </div>
        {isActiveRun(run) ? (
          <Button variant="secondary" loading={cancel.isPending} onClick={onCancel}>
            {!cancel.isPending && <Square aria-hidden className="fill-current" />}
            {t("run.cancel")}
          </Button>
        ) : (
          <Button variant="secondary" loading={rerun.isPending} onClick={onRerun}>
            {!rerun.isPending && <RotateCcw aria-hidden />}
            {t("run.action.runAgain")}
          </Button>
        )}
      </header>

      <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="grid min-w-0 content-start gap-8">
          <RunProblem run={run} />
          {run.input && (
            <Section title={t("run.input")}>
              <div className="whitespace-pre-wrap break-words rounded-xl border border-border bg-subtle px-4 py-3 text-sm text-fg">
                {run.input}
              </div>
            </Section>
          )}
          {(output || state === "completed" || streaming) && (
            <Section title={t("run.output")}>
              <div className="rounded-xl border border-border bg-surface px-4 py-4 shadow-xs sm:px-5">
                {output ? (
                  <MarkdownText text={output} streaming={streaming} />
                ) : (
                  <p className="text-sm text-fg-muted">{streaming ? t("run.writing") : t("run.noOutput")}</p>
                )}
              </div>
            </Section>
          )}
          <ToolCalls log={run.log} />
          <Section title={t("run.log.title")}>
            <RunLog log={run.log} />
          </Section>
        </div>
        <aside className="grid min-w-0 content-start gap-8">
          <Section title={t("run.details")}>
            <RunFacts run={run} botModel={bot.data?.model} />
          </Section>
          <RunDeliveries runId={run.id} />
        </aside>
      </div>
    </>
  );
}
