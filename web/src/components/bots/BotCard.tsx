import { Play } from "lucide-react";
import { type ComponentType, memo } from "react";
import { Link } from "react-router";
import type { Bot, RunSummary } from "@/api/types";
import { Button, cn, Switch } from "@/components/ui";
import { useFormat, useT } from "@/i18n";
import { paths } from "@/routes";
import { useRunNow, useToggleBot } from "./botActions";
import { BotEmoji, LiveDot } from "./parts";

export type ResultsSlot = ComponentType<{ botId: string; lastRun: RunSummary | null }>;

type BotCardProps = {
  bot: Bot;
  /** The results list (the route passes the runs domain's component). */
  Results: ResultsSlot;
  /** Epoch ms the relative times are computed against (ticks on the dashboard). */
  now: number;
};

/** One bot on the dashboard: who it is, when it runs, what it found lately, and its two everyday actions. */
export const BotCard = memo(function BotCard({ bot, Results, now }: BotCardProps) {
  const t = useT();
  const f = useFormat();
  const { toggle } = useToggleBot(bot);
  const { run, pending } = useRunNow(bot);
  const status = bot.last_run?.status;
  const active = status === "running" || status === "pending";
  const schedule = bot.schedule ? (bot.schedule_description ?? bot.schedule) : t("bot.manualOnly");
  const next =
    bot.enabled && bot.next_run_at ? t("bot.nextRun", { when: f.relative(bot.next_run_at, now) }) : null;
  return (
    <article
      aria-labelledby={`bot-${bot.id}-name`}
      className={cn(
        "group/card relative flex flex-col rounded-xl border border-border bg-surface shadow-xs transition-[border-color,box-shadow]",
        "hover:border-border-strong hover:shadow-sm [contain-intrinsic-size:auto_17rem] [content-visibility:auto]",
        !bot.enabled && "bg-surface/60",
      )}
    >
      <header className="flex items-start gap-3 p-4 pb-3">
        <BotEmoji emoji={bot.emoji} muted={!bot.enabled} />
        <div className="grid min-w-0 flex-1 gap-0.5">
          <h2
            id={`bot-${bot.id}-name`}
            className="flex min-w-0 items-center gap-2 text-[0.9375rem] font-semibold"
          >
            <Link
              to={paths.bot(bot.id)}
              className="truncate rounded-sm text-fg after:absolute after:inset-0 after:rounded-xl after:content-[''] hover:underline hover:decoration-border-strong hover:underline-offset-4"
            >
              {bot.name}
            </Link>
            {active && <LiveDot status={status} />}
          </h2>
          <p className="line-clamp-2 text-xs text-fg-muted">
            {schedule}
            {next && <span aria-hidden> · </span>}
            {next && <span>{next}</span>}
            {!bot.enabled && (
              <>
                <span aria-hidden> · </span>
                <span>{t("bot.paused")}</span>
              </>
            )}
          </p>
        </div>
        <div className="relative z-10 pt-0.5">
          <Switch
            checked={bot.enabled}
            onCheckedChange={toggle}
            aria-label={t("bot.enabledLabel", { name: bot.name })}
          />
        </div>
      </header>
      <div className="relative z-10 flex-1 px-4">
        <Results botId={bot.id} lastRun={bot.last_run} />
      </div>
      <footer className="relative z-10 mt-2 flex items-center justify-end gap-2 border-t border-border px-4 py-2.5">
        <Button
          variant="secondary"
          size="sm"
          loading={pending}
          disabled={active && status === "pending"}
          onClick={() => void run()}
          aria-label={t("bot.runNowLabel", { name: bot.name })}
        >
          {!pending && <Play aria-hidden className="fill-current" />}
          {t("bot.runNow")}
        </Button>
      </footer>
    </article>
  );
});
