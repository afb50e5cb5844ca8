import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { systemQueries, useUpdateSettings } from "@/api/queries";
import { useLocale } from "@/i18n";

/**
 * The language the UI shows is the app's language: what the server writes (friendly errors, schedules in
 * words, notifications, the run log) follows its `language` setting, so the UI's choice (the browser's
 * language at first, then the switch) is written there whenever the two differ.
 */
export function ServerLanguageSync() {
  const [locale] = useLocale();
  const settings = useQuery(systemQueries.settings());
  const { mutate } = useUpdateSettings();
  const queryClient = useQueryClient();
  const asked = useRef<string | null>(null);
  const server = settings.data?.language;
  useEffect(() => {
    if (!server || server === locale || asked.current === locale) return;
    asked.current = locale; // once per choice, also when the PATCH fails (the UI keeps working either way)
    // Everything the server worded (schedules, errors, events) is read again in the new language.
    mutate({ language: locale }, { onSuccess: () => queryClient.invalidateQueries() });
  }, [server, locale, mutate, queryClient]);
  return null;
}
