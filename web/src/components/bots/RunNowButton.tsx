import { ChevronDown, Play } from "lucide-react";
import { useState } from "react";
import type { Bot } from "@/api/types";
import { Button, Dialog, Field, Textarea } from "@/components/ui";
import { useT } from "@/i18n";
import { useRunNow } from "./botActions";

/** "Jetzt ausführen" plus a second button that opens a dialog for an optional input. */
export function RunNowButton({ bot }: { bot: Pick<Bot, "id" | "name"> }) {
  const t = useT();
  const { run, pending } = useRunNow(bot);
  const [open, setOpen] = useState(false);
  const [input, setInput] = useState("");
  const start = async () => {
    const started = await run(input);
    if (started) {
      setOpen(false);
      setInput("");
    }
  };
  return (
    <div className="inline-flex rounded-md shadow-xs">
      <Button className="rounded-e-none shadow-none" loading={pending && !open} onClick={() => void run()}>
        {!(pending && !open) && <Play aria-hidden className="fill-current" />}
        {t("bot.runNow")}
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title={t("bot.runDialog.title", { name: bot.name })}
        description={t("bot.runDialog.description")}
        trigger={
          <Button
            className="rounded-s-none border-s border-accent-fg/20 px-2 shadow-none"
            aria-label={t("bot.runWithInput")}
            title={t("bot.runWithInput")}
          >
            <ChevronDown aria-hidden />
          </Button>
        }
        footer={
          <>
            <Button variant="secondary" onClick={() => setOpen(false)}>
              {t("common.cancel")}
            </Button>
            <Button loading={pending} onClick={() => void start()}>
              <Play aria-hidden className="fill-current" />
              {t("bot.runDialog.start")}
            </Button>
          </>
        }
      >
        <Field label={t("bot.runDialog.input")} optional hint={t("bot.runDialog.hint")}>
          <Textarea
            autoFocus
            rows={5}
            value={input}
            placeholder={t("bot.runDialog.placeholder")}
            onChange={(event) => setInput(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
                event.preventDefault();
                void start();
              }
            }}
          />
        </Field>
      </Dialog>
    </div>
  );
}
