/**
 * A confirmation. `onConfirm` may return a promise: the button shows a spinner until it settles, and the
 * dialog closes on success (stays open on error, so a toast can explain).
 *
 *   <AlertDialog trigger={<Button variant="danger">{t("common.delete")}</Button>}
 *     title={t("bots.deleteTitle", { name })} description={t("bots.deleteBody")}
 *     confirmLabel={t("common.delete")} destructive onConfirm={() => remove.mutateAsync(id)} />
 */
import { AlertDialog as AlertPrimitive } from "radix-ui";
import { type ReactNode, useState } from "react";
import { useT } from "@/i18n";
import { Button } from "./Button";
import { cn } from "./cn";
import { overlayClass, panelClass } from "./Dialog";

export type AlertDialogProps = {
  trigger?: ReactNode;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  title: ReactNode;
  description: ReactNode;
  confirmLabel?: ReactNode;
  cancelLabel?: ReactNode;
  destructive?: boolean;
  onConfirm: () => unknown | Promise<unknown>;
};

export function AlertDialog({
  trigger,
  open: controlledOpen,
  onOpenChange,
  title,
  description,
  confirmLabel,
  cancelLabel,
  destructive = false,
  onConfirm,
}: AlertDialogProps) {
  const t = useT();
  const [innerOpen, setInnerOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const open = controlledOpen ?? innerOpen;
  const setOpen = (next: boolean) => {
    if (controlledOpen === undefined) setInnerOpen(next);
    onOpenChange?.(next);
  };
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
      setOpen(false);
    } catch {
      // the caller reports the error (toast); keep the dialog open
    } finally {
      setBusy(false);
    }
  };
  return (
    <AlertPrimitive.Root open={open} onOpenChange={(next) => !busy && setOpen(next)}>
      {trigger && <AlertPrimitive.Trigger asChild>{trigger}</AlertPrimitive.Trigger>}
      <AlertPrimitive.Portal>
        <AlertPrimitive.Overlay className={overlayClass} />
        <AlertPrimitive.Content className={cn(panelClass, "max-w-md")}>
          <div className="grid gap-1.5">
            <AlertPrimitive.Title className="text-base font-semibold text-fg">{title}</AlertPrimitive.Title>
            <AlertPrimitive.Description className="text-sm text-fg-muted">
              {description}
            </AlertPrimitive.Description>
          </div>
          <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <AlertPrimitive.Cancel asChild>
              <Button variant="secondary" disabled={busy}>
                {cancelLabel ?? t("common.cancel")}
              </Button>
            </AlertPrimitive.Cancel>
            {/* Not AlertPrimitive.Action: that would close before an async onConfirm finished. */}
            <Button variant={destructive ? "danger" : "primary"} loading={busy} onClick={confirm}>
              {confirmLabel ?? t("common.confirm")}
            </Button>
          </div>
        </AlertPrimitive.Content>
      </AlertPrimitive.Portal>
    </AlertPrimitive.Root>
  );
}
