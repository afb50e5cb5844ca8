import { useEffect, useState } from "react";
import { useLocation, useNavigate } from "react-router";

/** `value`, once it has stayed the same for `delay` ms. */
export function useDebounced<T>(value: T, delay = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/**
 * Guard unsaved changes: the browser asks before a reload or closing the tab, and a click on an in-app
 * link while `dirty` is held back until the user confirms (`pending` is where it wanted to go).
 */
export function useLeaveGuard(dirty: boolean) {
  const [pending, setPending] = useState<string | null>(null);
  const navigate = useNavigate();
  const location = useLocation();
  const here = location.pathname + location.search;

  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const anchor = (event.target as Element | null)?.closest?.("a[href]") as HTMLAnchorElement | null;
      if (!anchor || (anchor.target && anchor.target !== "_self") || anchor.hasAttribute("download")) return;
      const url = new URL(anchor.getAttribute("href") ?? "", window.location.href);
      if (url.origin !== window.location.origin) return;
      const to = url.pathname + url.search;
      if (to === here) return;
      event.preventDefault();
      event.stopPropagation();
      setPending(to + url.hash);
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      document.removeEventListener("click", onClick, true);
    };
  }, [dirty, here]);

  return {
    pending,
    /** Go somewhere, asking first when there are unsaved changes. */
    leave: (to: string) => (dirty ? setPending(to) : navigate(to)),
    confirm: () => {
      const to = pending;
      setPending(null);
      if (to) navigate(to);
    },
    stay: () => setPending(null),
  };
}
