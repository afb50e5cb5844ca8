/**
 * Toasts: mount <Toaster/> once (App does), then from anywhere:
 *
 *   toast({ title: t("bot.saved") });
 *   toast({ title: t("errors.title"), description: errorMessage(t, err), variant: "error" });
 */
import { CheckCircle2, Info, TriangleAlert, X, XCircle } from "lucide-react";
import { Toast as ToastPrimitive } from "radix-ui";
import { type ReactNode, useSyncExternalStore } from "react";
import { useT } from "@/i18n";
import { cn } from "./cn";

export type ToastVariant = "info" | "success" | "warning" | "error";
export type ToastOptions = {
  title: ReactNode;
  description?: ReactNode;
  variant?: ToastVariant;
  /** ms; default 5000, errors 8000 */
  duration?: number;
};
type ToastItem = ToastOptions & { id: number; open: boolean };

let items: ToastItem[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
function set(next: ToastItem[]) {
  items = next;
  for (const listener of listeners) listener();
}

/** Show a toast; returns its id (for dismissToast). */
export function toast(options: ToastOptions): number {
  const id = nextId++;
  set([...items.slice(-4), { ...options, id, open: true }]);
  return id;
}

export function dismissToast(id: number): void {
  set(items.map((item) => (item.id === id ? { ...item, open: false } : item)));
  setTimeout(() => set(items.filter((item) => item.id !== id)), 200);
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const icons: Record<ToastVariant, ReactNode> = {
  info: <Info aria-hidden className="size-4 text-accent" />,
  success: <CheckCircle2 aria-hidden className="size-4 text-success" />,
  warning: <TriangleAlert aria-hidden className="size-4 text-warning" />,
  error: <XCircle aria-hidden className="size-4 text-danger" />,
};

export function Toaster() {
  const t = useT();
  const list = useSyncExternalStore(subscribe, () => items);
  return (
    <ToastPrimitive.Provider swipeDirection="right" label={t("common.close")}>
      {list.map((item) => {
        const variant = item.variant ?? "info";
        return (
          <ToastPrimitive.Root
            key={item.id}
            open={item.open}
            onOpenChange={(open) => !open && dismissToast(item.id)}
            duration={item.duration ?? (variant === "error" ? 8000 : 5000)}
            type={variant === "error" ? "foreground" : "background"}
            className={cn(
              "pointer-events-auto flex items-start gap-3 rounded-lg border border-border bg-surface p-3.5 pe-2 shadow-lg animate-slide-in",
              "data-[swipe=move]:translate-x-(--radix-toast-swipe-move-x) data-[state=closed]:opacity-0 transition-opacity",
            )}
          >
            <span className="mt-0.5">{icons[variant]}</span>
            <div className="grid flex-1 gap-0.5">
              <ToastPrimitive.Title className="text-sm font-medium text-fg">
                {item.title}
              </ToastPrimitive.Title>
              {item.description && (
                <ToastPrimitive.Description className="text-sm text-fg-muted">
                  {item.description}
                </ToastPrimitive.Description>
              )}
            </div>
            <ToastPrimitive.Close
              aria-label={t("common.close")}
              className="rounded-md p-1 text-fg-muted hover:bg-subtle hover:text-fg"
            >
              <X aria-hidden className="size-4" />
            </ToastPrimitive.Close>
          </ToastPrimitive.Root>
        );
      })}
      <ToastPrimitive.Viewport className="fixed inset-x-0 bottom-0 z-[100] m-0 flex list-none flex-col gap-2 p-4 outline-none sm:start-auto sm:w-96" />
    </ToastPrimitive.Provider>
  );
}
