/**
 * Server state: query keys, query options and mutations for every endpoint the UI uses.
 *
 *   const { data: bots } = useQuery(botQueries.list());
 *   const runs = useInfiniteQuery(runQueries.forBot(botId));          // pages of 50, newest first
 *   const create = useCreateBot();  create.mutate(body, { onSuccess: (bot) => navigate(`/bots/${bot.id}`) });
 *
 * Keys come only from `keys` below; what a change makes stale is decided only in `invalidate` below.
 */
import {
  infiniteQueryOptions,
  type QueryClient,
  queryOptions,
  useMutation,
  useQueryClient,
} from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type {
  AppSettingsUpdate,
  Bot,
  BotChannelLink,
  BotCreate,
  BotUpdate,
  CredentialCreate,
  EventKind,
  KeyValidationRequest,
  Run,
  RunSummary,
} from "./types";

export const RUNS_PAGE_SIZE = 50;

export type EventFilters = { kind?: EventKind; bot_id?: string; limit?: number };
export type UsageParams = { group_by?: "bot" | "provider" | "model" | "day"; from?: string; to?: string };

// ---------------------------------------------------------------------------------------------- keys
export const keys = {
  all: ["api"] as const,
  health: () => [...keys.all, "health"] as const,
  status: () => [...keys.all, "status"] as const,
  settings: () => [...keys.all, "settings"] as const,
  providers: {
    all: () => [...keys.all, "providers"] as const,
    catalog: (language?: string) => [...keys.providers.all(), "catalog", language ?? null] as const,
    list: () => [...keys.providers.all(), "list"] as const,
    detail: (id: string) => [...keys.providers.all(), "detail", id] as const,
  },
  bots: {
    all: () => [...keys.all, "bots"] as const,
    list: () => [...keys.bots.all(), "list"] as const,
    detail: (id: string) => [...keys.bots.all(), "detail", id] as const,
    channels: (id: string) => [...keys.bots.all(), "channels", id] as const,
  },
  runs: {
    all: () => [...keys.all, "runs"] as const,
    forBot: (botId: string) => [...keys.runs.all(), "bot", botId] as const,
    recent: (botId: string, limit: number) => [...keys.runs.forBot(botId), "recent", limit] as const,
    detail: (id: string) => [...keys.runs.all(), "detail", id] as const,
    notifications: (id: string) => [...keys.runs.all(), "notifications", id] as const,
  },
  schedule: {
    preview: (cron: string, timezone?: string | null) =>
      [...keys.all, "schedule", "preview", cron, timezone ?? null] as const,
    presets: () => [...keys.all, "schedule", "presets"] as const,
  },
  tools: () => [...keys.all, "tools"] as const,
  templates: {
    all: () => [...keys.all, "templates"] as const,
    list: (language?: string) => [...keys.templates.all(), "list", language ?? null] as const,
    detail: (id: string, language?: string) =>
      [...keys.templates.all(), "detail", id, language ?? null] as const,
  },
  events: (filters: EventFilters = {}) => [...keys.all, "events", filters] as const,
  channels: () => [...keys.all, "channels"] as const,
  usage: {
    all: () => [...keys.all, "usage"] as const,
    rows: (params: UsageParams = {}) => [...keys.usage.all(), "rows", params] as const,
    summary: () => [...keys.usage.all(), "summary"] as const,
  },
};

// ---------------------------------------------------------------------------------------- invalidation
/** The one place that says what becomes stale after a change. */
export const invalidate = {
  settings: (qc: QueryClient) =>
    Promise.all([
      qc.invalidateQueries({ queryKey: keys.settings() }),
      qc.invalidateQueries({ queryKey: keys.status() }),
    ]),
  providers: (qc: QueryClient) =>
    Promise.all([
      qc.invalidateQueries({ queryKey: keys.providers.all() }),
      qc.invalidateQueries({ queryKey: keys.health() }),
    ]),
  bots: (qc: QueryClient, botId?: string) =>
    Promise.all([
      qc.invalidateQueries({ queryKey: keys.bots.list() }),
      botId ? qc.invalidateQueries({ queryKey: keys.bots.detail(botId) }) : undefined,
    ]),
  /** A run was created, started, ended or cancelled. */
  run: (qc: QueryClient, run: Pick<RunSummary, "id"> & { bot_id: string }) =>
    Promise.all([
      qc.invalidateQueries({ queryKey: keys.runs.detail(run.id) }),
      qc.invalidateQueries({ queryKey: keys.runs.forBot(run.bot_id) }),
      qc.invalidateQueries({ queryKey: keys.bots.detail(run.bot_id) }),
      qc.invalidateQueries({ queryKey: keys.bots.list() }),
      qc.invalidateQueries({ queryKey: keys.status() }),
      qc.invalidateQueries({ queryKey: keys.usage.all() }),
    ]),
  botChannels: (qc: QueryClient, botId: string) =>
    qc.invalidateQueries({ queryKey: keys.bots.channels(botId) }),
};

// -------------------------------------------------------------------------------------------- queries
export const systemQueries = {
  health: () =>
    queryOptions({
      queryKey: keys.health(),
      queryFn: ({ signal }) => unwrap(api.GET("/api/health", { signal })),
    }),
  status: () =>
    queryOptions({
      queryKey: keys.status(),
      queryFn: ({ signal }) => unwrap(api.GET("/api/status", { signal })),
    }),
  settings: () =>
    queryOptions({
      queryKey: keys.settings(),
      queryFn: ({ signal }) => unwrap(api.GET("/api/settings", { signal })),
      staleTime: 60_000,
    }),
  tools: () =>
    queryOptions({
      queryKey: keys.tools(),
      queryFn: ({ signal }) => unwrap(api.GET("/api/tools", { signal })),
      staleTime: Number.POSITIVE_INFINITY,
    }),
  events: (filters: EventFilters = {}) =>
    queryOptions({
      queryKey: keys.events(filters),
      queryFn: ({ signal }) => unwrap(api.GET("/api/events", { params: { query: filters }, signal })),
    }),
  channels: () =>
    queryOptions({
      queryKey: keys.channels(),
      queryFn: ({ signal }) => unwrap(api.GET("/api/channels", { signal })),
    }),
  usage: (params: UsageParams = {}) =>
    queryOptions({
      queryKey: keys.usage.rows(params),
      queryFn: ({ signal }) => unwrap(api.GET("/api/usage", { params: { query: params }, signal })),
    }),
  usageSummary: () =>
    queryOptions({
      queryKey: keys.usage.summary(),
      queryFn: ({ signal }) => unwrap(api.GET("/api/usage/summary", { signal })),
    }),
  schedulePreview: (cron: string, timezone?: string | null) =>
    queryOptions({
      queryKey: keys.schedule.preview(cron, timezone),
      queryFn: ({ signal }) =>
        unwrap(api.GET("/api/schedule/preview", { params: { query: { cron, timezone } }, signal })),
      enabled: cron.trim().length > 0,
      staleTime: 30_000,
      retry: false,
    }),
  schedulePresets: () =>
    queryOptions({
      queryKey: keys.schedule.presets(),
      queryFn: ({ signal }) => unwrap(api.GET("/api/schedule/presets", { signal })),
      staleTime: Number.POSITIVE_INFINITY,
    }),
};

export const providerQueries = {
  /** The provider catalogue (types, labels, help links), localised by the server. */
  catalog: (language?: "de" | "en") =>
    queryOptions({
      queryKey: keys.providers.catalog(language),
      queryFn: ({ signal }) =>
        unwrap(api.GET("/api/providers/catalog", { params: { query: { language } }, signal })),
      staleTime: Number.POSITIVE_INFINITY,
    }),
  list: () =>
    queryOptions({
      queryKey: keys.providers.list(),
      queryFn: ({ signal }) => unwrap(api.GET("/api/providers", { signal })),
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: keys.providers.detail(id),
      queryFn: ({ signal }) =>
        unwrap(
          api.GET("/api/providers/{credential_id}", { params: { path: { credential_id: id } }, signal }),
        ),
    }),
};

export const templateQueries = {
  /** The ready-made bots, texts in `language` (default: the app's language setting). */
  list: (language?: "de" | "en") =>
    queryOptions({
      queryKey: keys.templates.list(language),
      queryFn: ({ signal }) => unwrap(api.GET("/api/templates", { params: { query: { language } }, signal })),
      staleTime: Number.POSITIVE_INFINITY,
    }),
  detail: (id: string, language?: "de" | "en") =>
    queryOptions({
      queryKey: keys.templates.detail(id, language),
      queryFn: ({ signal }) =>
        unwrap(
          api.GET("/api/templates/{template_id}", {
            params: { path: { template_id: id }, query: { language } },
            signal,
          }),
        ),
      staleTime: Number.POSITIVE_INFINITY,
    }),
};

export const botQueries = {
  list: () =>
    queryOptions({
      queryKey: keys.bots.list(),
      queryFn: ({ signal }) => unwrap(api.GET("/api/bots", { signal })),
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: keys.bots.detail(id),
      queryFn: ({ signal }) =>
        unwrap(api.GET("/api/bots/{bot_id}", { params: { path: { bot_id: id } }, signal })),
    }),
  channels: (id: string) =>
    queryOptions({
      queryKey: keys.bots.channels(id),
      queryFn: ({ signal }) =>
        unwrap(api.GET("/api/bots/{bot_id}/channels", { params: { path: { bot_id: id } }, signal })),
    }),
};

export const runQueries = {
  /** A bot's runs, newest first, paged with `before` = the last run id of the previous page. */
  forBot: (botId: string, limit = RUNS_PAGE_SIZE) =>
    infiniteQueryOptions({
      queryKey: keys.runs.forBot(botId),
      initialPageParam: undefined as string | undefined,
      queryFn: ({ pageParam, signal }) =>
        unwrap(
          api.GET("/api/bots/{bot_id}/runs", {
            params: { path: { bot_id: botId }, query: { limit, before: pageParam } },
            signal,
          }),
        ),
      getNextPageParam: (last: Run[]) => (last.length < limit ? undefined : last[last.length - 1]?.id),
    }),
  /** A bot's newest few runs (dashboard cards). Under the forBot key, so a run event refreshes it too. */
  recent: (botId: string, limit: number) =>
    queryOptions({
      queryKey: keys.runs.recent(botId, limit),
      queryFn: ({ signal }) =>
        unwrap(
          api.GET("/api/bots/{bot_id}/runs", {
            params: { path: { bot_id: botId }, query: { limit } },
            signal,
          }),
        ),
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: keys.runs.detail(id),
      queryFn: ({ signal }) =>
        unwrap(api.GET("/api/runs/{run_id}", { params: { path: { run_id: id } }, signal })),
    }),
  notifications: (id: string) =>
    queryOptions({
      queryKey: keys.runs.notifications(id),
      queryFn: ({ signal }) =>
        unwrap(api.GET("/api/runs/{run_id}/notifications", { params: { path: { run_id: id } }, signal })),
    }),
};

// ------------------------------------------------------------------------------------------ mutations
/** Errors are ApiError (see client.ts): show `error.fieldErrors` next to fields, else a toast. */

export function useUpdateSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: AppSettingsUpdate) => unwrap(api.PATCH("/api/settings", { body })),
    onSuccess: (settings) => {
      qc.setQueryData(keys.settings(), settings);
      return invalidate.settings(qc);
    },
  });
}

/** Check a key without saving it. Answers 200 with `valid: false` for a bad key (not an error). */
export function useValidateProvider() {
  return useMutation({
    mutationFn: (body: KeyValidationRequest) => unwrap(api.POST("/api/providers/validate", { body })),
  });
}

export function useCreateProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ validate = true, ...body }: CredentialCreate & { validate?: boolean }) =>
      unwrap(api.POST("/api/providers", { body, params: { query: { validate } } })),
    onSuccess: () => invalidate.providers(qc),
  });
}

/** Check a stored key again (after topping up, say): answers the credential with its new status. */
export function useRecheckProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST("/api/providers/{credential_id}/check", { params: { path: { credential_id: id } } })),
    onSuccess: () => invalidate.providers(qc),
  });
}

export function useDeleteProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/api/providers/{credential_id}", { params: { path: { credential_id: id } } })),
    onSuccess: () => invalidate.providers(qc),
  });
}

export function useCreateBot() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: BotCreate) => unwrap(api.POST("/api/bots", { body })),
    onSuccess: (bot) => {
      qc.setQueryData(keys.bots.detail(bot.id), bot);
      return invalidate.bots(qc);
    },
  });
}

export function useUpdateBot(botId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: BotUpdate) =>
      unwrap(api.PATCH("/api/bots/{bot_id}", { params: { path: { bot_id: botId } }, body })),
    onSuccess: (bot: Bot) => {
      qc.setQueryData(keys.bots.detail(bot.id), bot);
      return invalidate.bots(qc, bot.id);
    },
  });
}

export function useDeleteBot() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (botId: string) =>
      unwrap(api.DELETE("/api/bots/{bot_id}", { params: { path: { bot_id: botId } } })),
    onSuccess: (_data, botId) => {
      qc.removeQueries({ queryKey: keys.bots.detail(botId) });
      qc.removeQueries({ queryKey: keys.runs.forBot(botId) });
      return invalidate.bots(qc);
    },
  });
}

export function useDuplicateBot() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (botId: string) =>
      unwrap(api.POST("/api/bots/{bot_id}/duplicate", { params: { path: { bot_id: botId } } })),
    onSuccess: (bot) => {
      qc.setQueryData(keys.bots.detail(bot.id), bot);
      return invalidate.bots(qc);
    },
  });
}

export function useUpdateBotChannels(botId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (links: BotChannelLink[]) =>
      unwrap(api.PUT("/api/bots/{bot_id}/channels", { params: { path: { bot_id: botId } }, body: links })),
    onSuccess: (links) => {
      qc.setQueryData(keys.bots.channels(botId), links);
      return invalidate.botChannels(qc, botId);
    },
  });
}

/** Start a run ("Jetzt ausführen"). 429 queue_full is an ApiError with that code. */
export function useCreateRun() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ botId, input }: { botId: string; input?: string | null }) =>
      unwrap(api.POST("/api/bots/{bot_id}/runs", { params: { path: { bot_id: botId } }, body: { input } })),
    onSuccess: (run) => {
      qc.setQueryData(keys.runs.detail(run.id), run);
      return invalidate.run(qc, run);
    },
  });
}

export function useCancelRun() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (runId: string) =>
      unwrap(api.POST("/api/runs/{run_id}/cancel", { params: { path: { run_id: runId } } })),
    onSuccess: (run) => {
      qc.setQueryData(keys.runs.detail(run.id), run);
      return invalidate.run(qc, run);
    },
  });
}
