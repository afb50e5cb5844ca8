import { useQuery } from "@tanstack/react-query";
import { ArrowRight, ChevronRight, Mail, Send, Webhook, Wrench } from "lucide-react";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { runQueries, systemQueries } from "@/api/queries";
import type { Notification, Run } from "@/api/types";
import { Badge, type BadgeTone, Button, cn, Skeleton } from "@/components/ui";
import { type MessageKey, useFormat, useT } from "@/i18n";
import { errorMessage } from "@/i18n/errors";
import { paths } from "@/routes";
import { errorHint, formatArguments, runState, TRIGGER_LABEL, toolCalls } from "./runDisplay";

/** A titled block of the run page. */
export function Section({
  title,
  children,
  aside,
}: {
  title: ReactNode;
  children: ReactNode;
  aside?: ReactNode;
}) {
  return (
    <section className="grid gap-3">
      <div className="flex items-center justify-between gap-3">
        <h2 className="text-sm font-semibold text-fg">{title}</h2>
        {aside}
      </div>
      {children}
    </section>
  );
}

/** The friendly error (or why a fire was missed) and what to do about it, with the one action that helps. */
export function RunProblem({ run }: { run: Run }) {
  const t = useT();
  const state = runState(run);
  if (state !== "failed" && state !== "missed" && state !== "cancelled") return null;
  const hint = errorHint(run);
  if (state === "cancelled" && !run.error_message && !hint) return null;
  const message = run.error_message || (state === "failed" ? t("run.error.default") : null);
  const tone = state === "failed" ? "danger" : "warning";
  return (
    <div
      className={cn(
        "grid gap-3 rounded-xl border p-4",
        tone === "danger"
          ? "border-danger/30 bg-danger-soft/70 dark:bg-danger-soft/35"
          : "border-warning/30 bg-warning-soft/70 dark:bg-warning-soft/35",
      )}
    >
      {message && <p className="text-sm font-medium text-fg">{message}</p>}
      {hint && (
        <div className="grid gap-1">
          <p className="text-xs font-semibold tracking-wide text-fg-muted uppercase">{t("run.whatToDo")}</p>
          <p className="text-sm text-fg">{t(hint.text)}</p>
        </div>
      )}
      {(hint?.action === "providers" || hint?.action === "editBot") && (
        <div>
          <Button asChild variant="secondary" size="sm">
            <Link to={hint.action === "providers" ? paths.providers() : paths.editBot(run.bot_id)}>
              {hint.action === "providers" ? t("run.action.providers") : t("run.action.editBot")}
              <ArrowRight aria-hidden />
            </Link>
          </Button>
        </div>
      )}
    </div>
  );
}

/** Model, tokens, cost ("unbekannt" when unknown), duration, trigger, attempt, times. */
export function RunFacts({ run, botModel }: { run: Run; botModel?: string }) {
  const t = useT();
  const f = useFormat();
  // A run that never started (missed, cancelled while waiting) or that no model answered (no tokens counted)
  // has no cost to know about; "unknown" is for a model without a known price.
  const spent =
    run.started_at && (run.tokens_in != null || run.tokens_out != null || run.cost_estimate != null);
  const facts: [MessageKey, ReactNode][] = [
    ["run.fact.cost", spent ? f.usd(run.cost_estimate) : "–"],
    ["run.fact.duration", f.duration(run.duration_ms)],
    ["run.fact.tokensIn", f.number(run.tokens_in)],
    ["run.fact.tokensOut", f.number(run.tokens_out)],
    ["run.fact.trigger", t(TRIGGER_LABEL[run.trigger])],
    ["run.fact.attempt", f.number(run.attempt)],
  ];
  const times: [MessageKey, string | null][] = [
    ["run.fact.created", run.created_at],
    ["run.fact.scheduled", run.scheduled_for],
    ["run.fact.started", run.started_at],
    ["run.fact.finished", run.finished_at],
  ];
  return (
    <div className="overflow-hidden rounded-xl border border-border bg-surface">
      <dl className="grid gap-0.5 border-b border-border px-3.5 py-2.5">
        <dt className="text-xs text-fg-muted">{t("run.fact.model")}</dt>
        {/* the model that answered; for a run no model answered, the bot's own */}
        <dd className="font-mono text-xs break-all text-fg">{run.model ?? botModel ?? "–"}</dd>
      </dl>
      <dl className="grid grid-cols-2 gap-px border-b border-border bg-border">
        {facts.map(([label, value]) => (
          <div key={label} className="grid min-w-0 gap-0.5 bg-surface px-3.5 py-2.5">
            <dt className="text-xs text-fg-muted">{t(label)}</dt>
            <dd className="truncate text-sm text-fg tabular-nums">{value}</dd>
          </div>
        ))}
      </dl>
      <dl className="grid gap-1.5 px-3.5 py-3 text-xs">
        {times
          .filter(([label, value]) => value || label !== "run.fact.scheduled")
          .map(([label, value]) => (
            <div key={label} className="flex items-baseline justify-between gap-3">
              <dt className="text-fg-muted">{t(label)}</dt>
              <dd className="text-end text-fg tabular-nums">{f.dateTime(value)}</dd>
            </div>
          ))}
      </dl>
    </div>
  );
}

/** The tool calls from the run log: which function, with what, how long, and whether it failed. */
export function ToolCalls({ log }: { log: Run["log"] }) {
  const t = useT();
  const f = useFormat();
  const calls = toolCalls(log);
  if (calls.length === 0) return null;
  return (
    <Section title={t("run.tools.title")} aside={<Badge>{f.number(calls.length)}</Badge>}>
      <ol className="grid divide-y divide-border overflow-hidden rounded-xl border border-border bg-surface">
        {calls.map((call, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: log entries are append-only, never reordered
          <li key={`${call.at ?? ""}${index}`} className="flex gap-3 px-3.5 py-2.5">
            <Wrench
              aria-hidden
              className={cn("mt-0.5 size-4 shrink-0", call.error ? "text-danger" : "text-fg-muted")}
            />
            <div className="grid min-w-0 flex-1 gap-0.5">
              <p className="flex flex-wrap items-baseline gap-x-2 text-sm">
                <code className="font-mono text-[0.8125rem] font-medium text-fg">{call.function}</code>
                {call.tool && call.tool !== call.function && (
                  <span className="text-xs text-fg-muted">{call.tool}</span>
                )}
                <span className="ms-auto text-xs text-fg-muted tabular-nums">
                  {call.duration_ms != null && f.duration(call.duration_ms)}
                  {call.result_chars != null && ` · ${t("run.tools.result", { count: call.result_chars })}`}
                </span>
              </p>
              {formatArguments(call.arguments) && (
                <p
                  className="truncate font-mono text-xs text-fg-muted"
                  title={formatArguments(call.arguments)}
                >
                  {formatArguments(call.arguments)}
                </p>
              )}
              {call.error && (
                <p className="text-xs text-danger">{t("run.tools.failed", { error: call.error })}</p>
              )}
            </div>
          </li>
        ))}
      </ol>
    </Section>
  );
}

const LEVEL_TONE: Record<string, string> = { error: "text-danger", warning: "text-warning" };

/** The whole run log, folded away until asked for. */
export function RunLog({ log }: { log: Run["log"] }) {
  const t = useT();
  const f = useFormat();
  return (
    <details className="group rounded-xl border border-border bg-surface">
      <summary className="flex cursor-pointer list-none items-center gap-2 rounded-xl px-3.5 py-2.5 text-sm font-medium text-fg select-none hover:bg-subtle [&::-webkit-details-marker]:hidden">
        <ChevronRight
          aria-hidden
          className="size-4 text-fg-muted transition-transform group-open:rotate-90"
        />
        {t("run.log.toggle", { count: log.length })}
      </summary>
      {log.length === 0 ? (
        <p className="border-t border-border px-3.5 py-3 text-sm text-fg-muted">{t("run.log.empty")}</p>
      ) : (
        <ol className="max-h-[28rem] overflow-auto border-t border-border px-3.5 py-2 font-mono text-xs leading-relaxed">
          {log.map((entry, index) => {
            const { at, level, message, ...rest } = entry as Record<string, unknown>;
            const extra = Object.keys(rest).length > 0 ? JSON.stringify(rest) : "";
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: log entries are append-only, never reordered
              <li key={`${String(at)}${index}`} className="grid gap-x-3 py-1 sm:grid-cols-[auto_auto_1fr]">
                <span className="text-fg-muted tabular-nums">{typeof at === "string" ? f.time(at) : ""}</span>
                <span className={cn("uppercase", LEVEL_TONE[String(level)] ?? "text-fg-muted")}>
                  {String(level ?? "")}
                </span>
                <span className="min-w-0 break-words text-fg">
                  {String(message ?? "")}
                  {extra && <span className="block break-all text-fg-muted">{extra}</span>}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </details>
  );
}

const DELIVERY_TONE: Record<Notification["status"], BadgeTone> = {
  pending: "neutral",
  held: "warning",
  sending: "accent",
  sent: "success",
  failed: "danger",
};

const CHANNEL_ICON: Record<string, ReactNode> = {
  telegram: <Send />,
  email: <Mail />,
  webhook: <Webhook />,
};

/** What was sent where for this run, by channel name. */
export function RunDeliveries({ runId }: { runId: string }) {
  const t = useT();
  const f = useFormat();
  const notifications = useQuery(runQueries.notifications(runId));
  const channels = useQuery(systemQueries.channels());
  const byId = new Map((channels.data ?? []).map((channel) => [channel.id, channel]));
  return (
    <Section title={t("run.deliveries.title")}>
      {notifications.isPending ? (
        <Skeleton className="h-12 w-full rounded-xl" />
      ) : !notifications.data || notifications.data.length === 0 ? (
        <p className="rounded-xl border border-dashed border-border px-3.5 py-3 text-sm text-fg-muted">
          {notifications.isError ? errorMessage(t, notifications.error) : t("run.deliveries.empty")}
        </p>
      ) : (
        <ul className="grid divide-y divide-border overflow-hidden rounded-xl border border-border bg-surface">
          {notifications.data.map((item) => {
            const channel = byId.get(item.channel_id);
            return (
              <li key={item.id} className="flex items-start gap-3 px-3.5 py-2.5">
                <span aria-hidden className="mt-0.5 text-fg-muted [&_svg]:size-4">
                  {CHANNEL_ICON[channel?.type ?? ""] ?? <Send />}
                </span>
                <div className="grid min-w-0 flex-1 gap-0.5">
                  <p className="flex flex-wrap items-center gap-2 text-sm">
                    <span className="truncate font-medium text-fg">
                      {channel?.name ?? t("run.deliveries.unknownChannel")}
                    </span>
                    <Badge tone={DELIVERY_TONE[item.status]}>{t(`run.delivery.${item.status}`)}</Badge>
                  </p>
                  <p className="text-xs text-fg-muted tabular-nums">
                    {item.sent_at
                      ? f.dateTime(item.sent_at)
                      : f.dateTime(item.next_attempt_at ?? item.created_at)}
                    {item.attempts > 1 && ` · ${t("run.deliveries.attempts", { count: item.attempts })}`}
                  </p>
                  {item.error_message && <p className="text-xs text-danger">{item.error_message}</p>}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </Section>
  );
}
