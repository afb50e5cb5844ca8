import { useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import { useNavigate } from "react-router";
import { useLiveRunEvents } from "@/api/live";
import { keys } from "@/api/queries";
import type { Bot } from "@/api/types";
import { toast } from "@/components/ui";
import { useT } from "@/i18n";
import { paths } from "@/routes";
import { gist, runState } from "./runDisplay";

/**
 * While mounted: a toast when a run someone started by hand (created while this screen was open) ends,
 * with its gist or its error and a link to it. Scheduled runs stay quiet.
 */
export function useRunEndToasts(): void {
  const t = useT();
  const qc = useQueryClient();
  // The toaster lives outside the router: the link is a button that navigates with this screen's router.
  const navigate = useNavigate();
  const watched = useRef(new Set<string>());
  useLiveRunEvents((event) => {
    const { run } = event;
    if (event.type === "run.created" && run.trigger === "manual") {
      watched.current.add(run.id);
      return;
    }
    if (event.type !== "run.ended" || !watched.current.delete(run.id)) return;
    const bot =
      qc.getQueryData<Bot>(keys.bots.detail(run.bot_id)) ??
      qc.getQueryData<Bot[]>(keys.bots.list())?.find((b) => b.id === run.bot_id);
    const name = bot?.name ?? t("dashboard.aBot");
    const state = runState(run);
    if (state === "cancelled" || state === "missed") return;
    const ok = state === "completed";
    toast({
      title: ok ? t("run.toast.done", { name }) : t("run.toast.failed", { name }),
      description: (
        <span className="grid gap-1">
          <span className="line-clamp-2">
            {ok ? gist(run.output) || t("run.noOutput") : run.error_message}
          </span>
          <button
            type="button"
            onClick={() => navigate(paths.run(run.id))}
            className="w-fit rounded-sm font-medium text-accent hover:underline"
          >
            {t("run.toast.open")}
          </button>
        </span>
      ),
      variant: ok ? "success" : "error",
    });
  });
}
