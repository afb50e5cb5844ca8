import { useQuery } from "@tanstack/react-query";
import {
  ArrowRight,
  CheckCircle2,
  Coins,
  Hash,
  LayoutDashboard,
  RotateCcw,
  Timer,
  XCircle,
} from "lucide-react";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { useLiveOutput } from "@/api/live";
import { botQueries, runQueries, useCreateRun } from "@/api/queries";
import { isTerminal, type RunStatus } from "@/api/types";
import {
  Badge,
  type BadgeTone,
  Button,
  EmojiTile,
  MarkdownText,
  Skeleton,
  Spinner,
  toast,
} from "@/components/ui";
import { useFormat, useT } from "@/i18n";
import { errorMessage } from "@/i18n/errors";
import type { MessageKey } from "@/i18n/types";

const STATUS: Record<RunStatus, { key: MessageKey; tone: BadgeTone }> = {
  pending: { key: "onboarding.run.status.pending", tone: "neutral" },
  running: { key: "onboarding.run.status.running", tone: "accent" },
  completed: { key: "onboarding.run.status.completed", tone: "success" },
  failed: { key: "onboarding.run.status.failed", tone: "danger" },
  cancelled: { key: "onboarding.run.status.cancelled", tone: "warning" },
  timeout: { key: "onboarding.run.status.timeout", tone: "danger" },
};

/** What to do about a failed run, by its error code (the run's own message says what happened). */
const ADVICE: Record<string, MessageKey> = {
  invalid_key: "onboarding.run.advice.key",
  quota_exhausted: "onboarding.run.advice.key",
  unreachable: "onboarding.run.advice.unreachable",
  rate_limited: "onboarding.run.advice.later",
  provider_error: "onboarding.run.advice.later",
  timeout: "onboarding.run.advice.timeout",
  model_not_found: "onboarding.run.advice.model",
  context_too_long: "onboarding.run.advice.shorter",
};
const PROVIDER_CODES = new Set(["invalid_key", "quota_exhausted", "unreachable", "model_not_found"]);

/**
 * Step 3: the run live. The output streams in over /api/live; without live data the run is polled every
 * second until it ends. Then the result, tokens and cost, or a friendly error with what to do.
 */
export function RunResult({
  runId,
  botId,
  links,
  onRestarted,
}: {
  runId: string;
  botId: string;
  links: { dashboard: string; bot: string; providers: string };
  onRestarted: (runId: string) => void;
}) {
  const t = useT();
  const f = useFormat();
  const live = useLiveOutput(runId);
  const run = useQuery({
    ...runQueries.detail(runId),
    refetchInterval: (query) => {
      const data = query.state.data;
      return data && isTerminal(data.status) ? false : 1000;
    },
  });
  const bot = useQuery(botQueries.detail(botId));
  const rerun = useCreateRun();

  if (run.isPending) {
    return (
      <div className="grid gap-3">
        <Skeleton className="h-6 w-48" />
        <Skeleton className="h-40" />
      </div>
    );
  }
  if (run.isError) {
    return (
      <div role="alert" className="grid justify-items-start gap-3 text-sm text-danger">
        {errorMessage(t, run.error)}
        <Button variant="secondary" onClick={() => run.refetch()}>
          {t("common.retry")}
        </Button>
      </div>
    );
  }

  const data = run.data;
  const done = isTerminal(data.status);
  const status = STATUS[data.status];
  const text = done ? (data.output ?? live?.text ?? "") : (live?.text ?? data.output ?? "");
  const failed = done && data.status !== "completed";
  const advice = data.error_code ? ADVICE[data.error_code] : undefined;

  const again = () =>
    rerun.mutate(
      { botId, input: data.input },
      {
        onSuccess: (next) => onRestarted(next.id),
        onError: (error) =>
          toast({ title: t("errors.title"), description: errorMessage(t, error), variant: "error" }),
      },
    );

  return (
    <div className="grid gap-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex min-w-0 items-center gap-3">
          <EmojiTile emoji={bot.data?.emoji ?? "🤖"} size="md" />
          <div className="grid min-w-0 gap-0.5">
            <p className="truncate text-sm font-semibold text-fg">{bot.data?.name ?? "…"}</p>
            <p className="text-xs text-fg-muted">{data.model}</p>
          </div>
        </div>
        <span aria-live="polite">
          <Badge tone={status.tone} dot={!done}>
            {t(status.key)}
          </Badge>
        </span>
      </div>

      {failed ? (
        <div role="alert" className="grid gap-3 rounded-lg border border-danger/25 bg-danger-soft p-4">
          <div className="flex items-start gap-2.5">
            <XCircle aria-hidden className="mt-0.5 size-5 shrink-0 text-danger" />
            <div className="grid gap-1">
              <p className="text-sm font-semibold text-fg">{t("onboarding.run.failedTitle")}</p>
              <p className="text-sm text-fg">{data.error_message ?? t(status.key)}</p>
              <p className="text-sm text-fg-muted">{t(advice ?? "onboarding.run.advice.later")}</p>
            </div>
          </div>
          <div className="flex flex-wrap gap-2 ps-7">
            <Button variant="secondary" size="sm" loading={rerun.isPending} onClick={again}>
              {!rerun.isPending && <RotateCcw aria-hidden />}
              {t("onboarding.run.again")}
            </Button>
            {data.error_code && PROVIDER_CODES.has(data.error_code) && (
              <Button variant="ghost" size="sm" asChild>
                <Link to={links.providers}>{t("onboarding.run.toProviders")}</Link>
              </Button>
            )}
          </div>
        </div>
      ) : (
        <div className="grid gap-2">
          <div className="flex items-center gap-2 text-xs font-medium text-fg-muted">
            {done ? (
              <CheckCircle2 aria-hidden className="size-4 text-success" />
            ) : (
              <Spinner decorative className="text-accent" />
            )}
            {done
              ? t("onboarding.run.result")
              : text
                ? t("onboarding.run.writing")
                : t("onboarding.run.thinking")}
          </div>
          <div
            role="status"
            aria-busy={!done}
            aria-label={t("onboarding.run.result")}
            className="max-h-[28rem] min-h-28 overflow-auto rounded-lg border border-border bg-bg px-4 py-3 text-sm leading-relaxed text-fg [overflow-wrap:anywhere]"
          >
            {text ? (
              <MarkdownText text={text} streaming={!done} />
            ) : (
              <span className="text-fg-muted">{t("onboarding.run.waiting")}</span>
            )}
          </div>
        </div>
      )}

      {done && (
        <dl className="grid grid-cols-3 gap-2">
          <Stat icon={<Hash />} label={t("onboarding.run.tokens")}>
            {data.tokens_in == null && data.tokens_out == null
              ? "–"
              : f.tokens((data.tokens_in ?? 0) + (data.tokens_out ?? 0))}
          </Stat>
          <Stat icon={<Coins />} label={t("onboarding.run.cost")}>
            {f.usd(data.cost_estimate)}
          </Stat>
          <Stat icon={<Timer />} label={t("onboarding.run.duration")}>
            {f.duration(data.duration_ms)}
          </Stat>
        </dl>
      )}

      <div className="flex flex-col-reverse gap-2 border-t border-border pt-4 sm:flex-row sm:justify-end">
        <Button variant="secondary" asChild>
          <Link to={links.dashboard}>
            <LayoutDashboard aria-hidden />
            {t("onboarding.run.toDashboard")}
          </Link>
        </Button>
        <Button asChild>
          <Link to={links.bot}>
            {t("onboarding.run.toBot")}
            <ArrowRight aria-hidden />
          </Link>
        </Button>
      </div>
    </div>
  );
}

function Stat({ icon, label, children }: { icon: ReactNode; label: string; children: ReactNode }) {
  return (
    <div className="grid min-w-0 gap-0.5 rounded-md border border-border bg-bg/60 px-3 py-2">
      <dt className="flex items-center gap-1 text-[11px] font-medium text-fg-muted [&_svg]:size-3">
        <span aria-hidden>{icon}</span>
        <span className="truncate">{label}</span>
      </dt>
      <dd className="truncate text-sm font-semibold text-fg tabular-nums">{children}</dd>
    </div>
  );
}
