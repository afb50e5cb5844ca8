/** Ids of banners the user dismissed, remembered in localStorage (at most the newest 200). */
import { useCallback, useMemo, useState } from "react";

export const DISMISSED_STORAGE_KEY = "openorch.dismissedBanners";
const MAX = 200;

function read(): string[] {
  try {
    const value = JSON.parse(localStorage.getItem(DISMISSED_STORAGE_KEY) ?? "[]");
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}

export function useDismissed(): [ReadonlySet<string>, (id: string) => void] {
  const [ids, setIds] = useState<string[]>(read);
  const dismiss = useCallback((id: string) => {
    setIds((old) => {
      const next = [...old.filter((x) => x !== id), id].slice(-MAX);
      try {
        localStorage.setItem(DISMISSED_STORAGE_KEY, JSON.stringify(next));
      } catch {
        // not remembered; it still hides for now
      }
      return next;
    });
  }, []);
  const set = useMemo(() => new Set(ids), [ids]);
  return [set, dismiss];
}
