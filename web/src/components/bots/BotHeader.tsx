import { CalendarClock, Copy, Cpu, MoreHorizontal, Pencil, Trash2 } from "lucide-react";
import { type ReactNode, useState } from "react";
import { Link, useNavigate } from "react-router";
import { useDeleteBot, useDuplicateBot } from "@/api/queries";
import type { Bot } from "@/api/types";
import { AlertDialog, Button, DropdownMenu, Switch, toast } from "@/components/ui";
import { useFormat, useT } from "@/i18n";
import { errorMessage } from "@/i18n/errors";
import { paths } from "@/routes";
import { useToggleBot } from "./botActions";
import { BotEmoji, LiveDot } from "./parts";
import { RunNowButton } from "./RunNowButton";

function Meta({ icon, label, children }: { icon: ReactNode; label: string; children: ReactNode }) {
  return (
    <div className="flex min-w-0 items-center gap-1.5">
      <span aria-hidden className="text-fg-muted [&_svg]:size-3.5">
        {icon}
      </span>
      <dt className="sr-only">{label}</dt>
      <dd className="truncate">{children}</dd>
    </div>
  );
}

/** The top of a bot's page: who it is, when it runs next, and everything one can do with it. */
export function BotHeader({ bot }: { bot: Bot }) {
  const t = useT();
  const f = useFormat();
  const navigate = useNavigate();
  const { toggle } = useToggleBot(bot);
  const duplicate = useDuplicateBot();
  const remove = useDeleteBot();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const status = bot.last_run?.status;
  const active = status === "running" || status === "pending";
  const schedule = bot.schedule ? (bot.schedule_description ?? bot.schedule) : t("bot.manualOnly");

  const onDuplicate = () =>
    duplicate.mutate(bot.id, {
      onSuccess: (copy) => {
        toast({ title: t("bot.duplicated", { name: bot.name }), variant: "success" });
        navigate(paths.bot(copy.id));
      },
      onError: (error) =>
        toast({ title: t("bot.actionFailed"), description: errorMessage(t, error), variant: "error" }),
    });
  const onDelete = () =>
    remove.mutateAsync(bot.id).then(
      () => {
        toast({ title: t("bot.deleted", { name: bot.name }), variant: "success" });
        navigate(paths.dashboard());
      },
      (error: unknown) => {
        toast({ title: t("bot.actionFailed"), description: errorMessage(t, error), variant: "error" });
        throw error;
      },
    );

  return (
    <header className="mb-8 grid gap-5">
      <div className="flex flex-wrap items-start gap-4">
        <BotEmoji emoji={bot.emoji} size="lg" muted={!bot.enabled} />
        <div className="grid min-w-0 flex-1 basis-60 gap-1">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="min-w-0 truncate text-xl font-semibold tracking-tight text-fg sm:text-2xl">
              {bot.name}
            </h1>
            {active && <LiveDot status={status} />}
          </div>
          {bot.description && <p className="text-sm text-fg-muted">{bot.description}</p>}
        </div>
        <div className="flex w-full flex-wrap items-center gap-2 sm:w-auto">
          <RunNowButton bot={bot} />
          <Button asChild variant="secondary" className="max-sm:size-9 max-sm:px-0">
            <Link to={paths.editBot(bot.id)} aria-label={t("bot.edit")}>
              <Pencil aria-hidden />
              <span className="max-sm:hidden">{t("bot.edit")}</span>
            </Link>
          </Button>
          <DropdownMenu
            trigger={
              <Button variant="secondary" size="icon" aria-label={t("bot.moreActions")}>
                <MoreHorizontal aria-hidden />
              </Button>
            }
            items={[
              {
                label: t("bot.duplicate"),
                icon: <Copy />,
                onSelect: onDuplicate,
                disabled: duplicate.isPending,
              },
              { type: "separator" },
              {
                label: t("bot.delete"),
                icon: <Trash2 />,
                destructive: true,
                onSelect: () => setConfirmDelete(true),
              },
            ]}
          />
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-x-6 gap-y-3 rounded-lg border border-border bg-surface px-4 py-3 text-sm">
        <Switch checked={bot.enabled} onCheckedChange={toggle} label={t("bot.active")} />
        <dl className="flex min-w-0 flex-wrap items-center gap-x-6 gap-y-2 text-fg">
          <Meta icon={<CalendarClock />} label={t("bot.schedule")}>
            {schedule}
            {bot.schedule && (
              <span className="text-fg-muted">
                {" · "}
                {t("bot.nextRunLabel")}:{" "}
                {bot.enabled && bot.next_run_at ? (
                  <time dateTime={bot.next_run_at} title={f.dateTime(bot.next_run_at)}>
                    {f.relative(bot.next_run_at)}
                  </time>
                ) : (
                  t("bot.noNextRun")
                )}
              </span>
            )}
          </Meta>
          <Meta icon={<Cpu />} label={t("bot.model")}>
            <span className="font-mono text-xs">{bot.model}</span>
          </Meta>
        </dl>
      </div>
      <AlertDialog
        open={confirmDelete}
        onOpenChange={setConfirmDelete}
        title={t("bot.deleteTitle", { name: bot.name })}
        description={t("bot.deleteBody")}
        confirmLabel={t("bot.delete")}
        destructive
        onConfirm={onDelete}
      />
    </header>
  );
}
