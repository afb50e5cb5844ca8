/** The actions a bot offers wherever it is shown: switch it on/off (optimistic) and run it now. */
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { isApiError } from "@/api/client";
import { keys, useCreateRun, useUpdateBot } from "@/api/queries";
import type { Bot, Run } from "@/api/types";
import { toast } from "@/components/ui";
import { useT } from "@/i18n";
import { errorMessage } from "@/i18n/errors";

/** Switch a bot on or off; the switch moves at once and moves back (with a toast) if the server says no. */
export function useToggleBot(bot: Pick<Bot, "id" | "name">) {
  const t = useT();
  const qc = useQueryClient();
  const update = useUpdateBot(bot.id);
  const toggle = useCallback(
    (enabled: boolean) => {
      const list = keys.bots.list();
      const detail = keys.bots.detail(bot.id);
      void qc.cancelQueries({ queryKey: list });
      const previousList = qc.getQueryData<Bot[]>(list);
      const previousDetail = qc.getQueryData<Bot>(detail);
      qc.setQueryData<Bot[]>(list, (old) => old?.map((b) => (b.id === bot.id ? { ...b, enabled } : b)));
      qc.setQueryData<Bot>(detail, (old) => (old ? { ...old, enabled } : old));
      update.mutate(
        { enabled },
        {
          onError: (error) => {
            qc.setQueryData(list, previousList);
            qc.setQueryData(detail, previousDetail);
            toast({
              title: t("bot.toggleFailed", { name: bot.name }),
              description: errorMessage(t, error),
              variant: "error",
            });
          },
        },
      );
    },
    [bot.id, bot.name, qc, t, update],
  );
  return { toggle, pending: update.isPending };
}

/** Start a run now; a full queue (429 queue_full) or any other refusal becomes a toast (and resolves undefined). */
export function useRunNow(bot: Pick<Bot, "id" | "name">) {
  const t = useT();
  const create = useCreateRun();
  const run = useCallback(
    (input?: string | null, onStarted?: (run: Run) => void) =>
      create.mutateAsync({ botId: bot.id, input: input?.trim() ? input : null }).then(
        (started) => {
          toast({ title: t("bot.started", { name: bot.name }), variant: "success" });
          onStarted?.(started);
          return started;
        },
        (error: unknown) => {
          toast({
            title: t("bot.notStarted", { name: bot.name }),
            description:
              isApiError(error) && error.code === "queue_full" && error.message
                ? error.message
                : errorMessage(t, error),
            variant: isApiError(error) && error.code === "queue_full" ? "warning" : "error",
          });
          return undefined;
        },
      ),
    [bot.id, bot.name, create, t],
  );
  return { run, pending: create.isPending };
}
