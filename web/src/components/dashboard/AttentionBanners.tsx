import { useQuery } from "@tanstack/react-query";
import { ArrowRight, CircleAlert, KeyRound, Layers, Wallet, X } from "lucide-react";
import { type ReactNode, useMemo, useState } from "react";
import { Link } from "react-router";
import { providerQueries, systemQueries } from "@/api/queries";
import type { Bot, EventRecord } from "@/api/types";
import { Button, cn } from "@/components/ui";
import { type MessageKey, useFormat, useT } from "@/i18n";
import { paths } from "@/routes";
import { useDismissed } from "./dismissed";

/** Events older than this no longer need a banner. */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;
const SHOWN = 3;

type Tone = "warning" | "danger";
type Banner = {
  id: string;
  tone: Tone;
  icon: ReactNode;
  title: string;
  body?: string;
  when?: string;
  action?: { to: string; label: string };
};

const TITLES: Record<EventRecord["kind"], MessageKey> = {
  budget_exceeded: "dashboard.banner.budget_exceeded",
  budget_warning: "dashboard.banner.budget_warning",
  credential_error: "dashboard.banner.credential_error",
  bot_stale: "dashboard.banner.bot_stale",
};

/**
 * What needs the user's attention, on top of the dashboard: queue warnings from /api/status and recent
 * events (budget reached, a key stopped working, a bot that keeps failing), each with the way to fix it.
 * An event whose cause is gone (the bot is on again, the key works again) shows no banner; dismissed ones
 * stay hidden (localStorage).
 */
export function AttentionBanners({ bots }: { bots: readonly Bot[] }) {
  const t = useT();
  const f = useFormat();
  const status = useQuery({ ...systemQueries.status(), refetchInterval: 30_000 });
  const events = useQuery(systemQueries.events({ limit: 50 }));
  const providers = useQuery(providerQueries.list());
  const [dismissed, dismiss] = useDismissed();
  const [expanded, setExpanded] = useState(false);

  const banners = useMemo(() => {
    const byId = new Map(bots.map((bot) => [bot.id, bot]));
    const credentials = new Map((providers.data ?? []).map((c) => [c.id, c]));
    const out: Banner[] = [];
    for (const warning of status.data?.warnings ?? []) {
      out.push({
        id: `status:${warning}`,
        tone: "warning",
        icon: <Layers />,
        title: t("dashboard.banner.queue"),
        body: warning,
      });
    }
    const seen = new Set<string>();
    const cutoff = Date.now() - MAX_AGE_MS;
    for (const event of events.data ?? []) {
      if (new Date(event.created_at).getTime() < cutoff) continue;
      const bot = event.bot_id ? byId.get(event.bot_id) : undefined;
      // Only the newest event per kind and subject; and only while its cause is still there.
      const subject = `${event.kind}:${event.bot_id ?? event.credential_id ?? ""}`;
      if (seen.has(subject)) continue;
      seen.add(subject);
      if (event.bot_id && !bot) continue; // the bot was deleted
      if (event.kind === "budget_exceeded" && bot?.enabled) continue;
      if (event.kind === "credential_error" && event.credential_id) {
        const credential = credentials.get(event.credential_id);
        if (!credential || credential.status === "connected") continue;
      }
      const name = bot?.name ?? t("dashboard.aBot");
      const action =
        event.kind === "credential_error"
          ? { to: paths.providers(), label: t("dashboard.banner.fixKey") }
          : event.kind === "bot_stale" && event.run_id
            ? { to: paths.run(event.run_id), label: t("dashboard.banner.openRun") }
            : bot
              ? {
                  to: event.kind === "bot_stale" ? paths.bot(bot.id) : paths.editBot(bot.id),
                  label:
                    event.kind === "bot_stale"
                      ? t("dashboard.banner.openBot")
                      : t("dashboard.banner.fixBudget"),
                }
              : undefined;
      out.push({
        id: `event:${event.id}`,
        tone: event.kind === "budget_warning" ? "warning" : "danger",
        icon:
          event.kind === "credential_error" ? (
            <KeyRound />
          ) : event.kind === "bot_stale" ? (
            <CircleAlert />
          ) : (
            <Wallet />
          ),
        title: t(TITLES[event.kind], { bot: name }),
        body: event.message,
        when: f.relative(event.created_at),
        action,
      });
    }
    return out.filter((banner) => !dismissed.has(banner.id));
  }, [bots, providers.data, status.data, events.data, dismissed, t, f]);

  if (banners.length === 0) return null;
  const shown = expanded ? banners : banners.slice(0, SHOWN);
  const hidden = banners.length - shown.length;
  return (
    <section aria-label={t("dashboard.banner.region")} className="mb-6 grid gap-2">
      {shown.map((banner) => (
        <div
          key={banner.id}
          role={banner.tone === "danger" ? "alert" : "status"}
          className={cn(
            "flex items-start gap-3 rounded-lg border px-3.5 py-3 text-sm animate-fade-in",
            banner.tone === "danger"
              ? "border-danger/30 bg-danger-soft/70 dark:bg-danger-soft/35"
              : "border-warning/30 bg-warning-soft/70 dark:bg-warning-soft/35",
          )}
        >
          <span
            aria-hidden
            className={cn(
              "mt-0.5 shrink-0 [&_svg]:size-4",
              banner.tone === "danger" ? "text-danger" : "text-warning",
            )}
          >
            {banner.icon}
          </span>
          <div className="grid min-w-0 flex-1 gap-0.5">
            <p className="font-medium text-fg">
              {banner.title}
              {banner.when && <span className="ms-2 text-xs font-normal text-fg-muted">{banner.when}</span>}
            </p>
            {banner.body && <p className="text-fg-muted">{banner.body}</p>}
            {banner.action && (
              <Link
                to={banner.action.to}
                className="mt-1 inline-flex w-fit items-center gap-1 rounded-sm font-medium text-accent hover:underline"
              >
                {banner.action.label}
                <ArrowRight aria-hidden className="size-3.5" />
              </Link>
            )}
          </div>
          <Button
            variant="ghost"
            size="icon"
            className="-me-1.5 -mt-1.5 size-8"
            aria-label={t("dashboard.banner.dismiss", { title: banner.title })}
            onClick={() => dismiss(banner.id)}
          >
            <X aria-hidden />
          </Button>
        </div>
      ))}
      {hidden > 0 && (
        <Button variant="ghost" size="sm" className="w-fit" onClick={() => setExpanded(true)}>
          {t("dashboard.banner.more", { count: hidden })}
        </Button>
      )}
    </section>
  );
}
