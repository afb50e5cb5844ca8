import { useQuery } from "@tanstack/react-query";
import { Copy, SearchX, Trash2 } from "lucide-react";
import { useMemo } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { botQueries, providerQueries, systemQueries, useDeleteBot, useDuplicateBot } from "@/api/queries";
import type { Bot } from "@/api/types";
import { BotEditor, EditorSkeleton, fromBot } from "@/components/bots/editor";
import { AlertDialog, Button, EmptyState, toast } from "@/components/ui";
import { useT } from "@/i18n";
import { errorMessage } from "@/i18n/errors";

/** `/bots/:botId/edit` — the bot editor for an existing bot, with duplicate and delete. */
export default function BotEdit() {
  const t = useT();
  const { botId = "" } = useParams<{ botId: string }>();
  const bot = useQuery(botQueries.detail(botId));
  const providers = useQuery(providerQueries.list());
  const settings = useQuery(systemQueries.settings());

  if (bot.isError)
    return (
      <EmptyState
        icon={<SearchX />}
        title={t("editor.loadFailed")}
        description={errorMessage(t, bot.error)}
        action={
          <Button asChild variant="secondary">
            <Link to="/">{t("errors.toDashboard")}</Link>
          </Button>
        }
      />
    );
  if (bot.isPending || providers.isPending || settings.isPending) return <EditorSkeleton />;
  return <EditBot key={bot.data.id} bot={bot.data} />;
}

function EditBot({ bot }: { bot: Bot }) {
  const t = useT();
  const navigate = useNavigate();
  const duplicate = useDuplicateBot();
  const remove = useDeleteBot();
  // Stays put while live updates refresh the bot (last run, next run); a newer version re-seeds it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-seed only when the bot itself changed
  const initial = useMemo(() => fromBot(bot), [bot.updated_at]);

  const onDuplicate = async () => {
    try {
      const copy = await duplicate.mutateAsync(bot.id);
      toast({ title: t("editor.duplicated"), variant: "success" });
      navigate(`/bots/${encodeURIComponent(copy.id)}/edit`);
    } catch (error) {
      toast({ title: t("editor.duplicateFailed"), description: errorMessage(t, error), variant: "error" });
    }
  };

  const onDelete = async () => {
    try {
      await remove.mutateAsync(bot.id);
    } catch (error) {
      toast({ title: t("editor.deleteFailed"), description: errorMessage(t, error), variant: "error" });
      throw error;
    }
    toast({ title: t("editor.deleted", { name: bot.name }), variant: "success" });
    navigate("/");
  };

  return (
    <BotEditor
      initial={initial}
      bot={bot}
      back={{ to: `/bots/${encodeURIComponent(bot.id)}`, label: bot.name }}
      actions={
        <>
          <Button variant="secondary" loading={duplicate.isPending} onClick={onDuplicate}>
            {!duplicate.isPending && <Copy aria-hidden />}
            {t("editor.duplicate")}
          </Button>
          <AlertDialog
            trigger={
              <Button variant="secondary">
                <Trash2 aria-hidden className="text-danger" />
                <span className="text-danger">{t("editor.delete")}</span>
              </Button>
            }
            title={t("editor.deleteTitle", { name: bot.name })}
            description={t("editor.deleteBody")}
            confirmLabel={t("editor.delete")}
            destructive
            onConfirm={onDelete}
          />
        </>
      }
    />
  );
}
