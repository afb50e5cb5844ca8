/**
 * Live updates over one server-sent-events stream, `GET /api/live`, for the whole app.
 *
 * Contract (the backend implements it):
 *   event: run     data: {"type": "run.created" | "run.started" | "run.ended", "run": LiveRun}
 *   event: output  data: {"run_id", "bot_id", "text": "<delta appended to the run's output so far>",
 *                         "restart": bool}   (true: a fallback model starts the answer anew: replace, don't append)
 *
 * `<LiveProvider>` (in App) calls `useLive()`, which opens the EventSource, reconnects with backoff and
 * closes on unmount. On `run` events it patches and invalidates the run/bot/status queries (via `keys`);
 * output deltas go to a small store that components read:
 *
 *   const live = useLiveOutput(runId);        // { text, done } | undefined
 *   useLiveRunEvents((e) => { if (e.type === "run.ended") toast(...) });
 *   const connected = useLiveConnected();
 */
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import {
  createContext,
  createElement,
  type ReactNode,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from "react";
import { invalidate, keys } from "./queries";
import type { components } from "./schema";
import type { Run } from "./types";

export const LIVE_URL = "/api/live";

export type LiveRun = components["schemas"]["LiveRun"];
export type RunEvent = components["schemas"]["LiveRunEvent"];
export type OutputEvent = components["schemas"]["LiveOutput"];
export type LiveEvent = { kind: "run"; data: RunEvent } | { kind: "output"; data: OutputEvent };

// ------------------------------------------------------------------------------------ output reducer
export type LiveOutput = { botId: string; text: string; done: boolean };
export type LiveOutputState = ReadonlyMap<string, LiveOutput>;

/** How many runs' output the store keeps; the oldest finished ones are dropped first. */
export const MAX_LIVE_RUNS = 50;

/** Pure: the next output state after an event. Unchanged state is returned as the same object. */
export function liveOutputReducer(state: LiveOutputState, event: LiveEvent): LiveOutputState {
  const next = new Map(state);
  if (event.kind === "output") {
    const { run_id, bot_id, text, restart } = event.data;
    if (!text && !restart) return state;
    const current = next.get(run_id);
    const before = restart ? "" : (current?.text ?? "");
    next.delete(run_id); // re-insert: Map order = recency
    next.set(run_id, { botId: bot_id, text: before + text, done: current?.done ?? false });
  } else {
    const { type, run } = event.data;
    const current = next.get(run.id);
    if (type === "run.ended") {
      if (!current && run.output == null) return state;
      // The final output from the server wins over the concatenated deltas.
      next.set(run.id, { botId: run.bot_id, text: run.output ?? current?.text ?? "", done: true });
    } else {
      if (current) return state;
      next.set(run.id, { botId: run.bot_id, text: "", done: false });
    }
  }
  return prune(next);
}

function prune(map: Map<string, LiveOutput>): Map<string, LiveOutput> {
  if (map.size <= MAX_LIVE_RUNS) return map;
  for (const [id, entry] of map) {
    if (map.size <= MAX_LIVE_RUNS) break;
    if (entry.done) map.delete(id);
  }
  for (const id of map.keys()) {
    if (map.size <= MAX_LIVE_RUNS) break;
    map.delete(id);
  }
  return map;
}

/** Reconnect delay after `attempt` failures: 1 s, 2 s, 4 s … capped at 30 s, with ±20 % jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Parse one SSE message; null when it is not a known, well-formed event. */
export function parseLiveEvent(kind: string, data: string): LiveEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (kind === "run" && typeof v.type === "string" && v.run && typeof v.run === "object") {
    const run = v.run as Record<string, unknown>;
    if (typeof run.id === "string" && typeof run.bot_id === "string")
      return { kind: "run", data: value as RunEvent };
  }
  if (kind === "output" && typeof v.run_id === "string" && typeof v.text === "string") {
    return { kind: "output", data: value as OutputEvent };
  }
  return null;
}

/** What a `run` event does to the query cache: patch the run we have, then refetch what depends on it. */
export function applyRunEvent(qc: QueryClient, event: RunEvent): Promise<unknown> {
  const { run } = event;
  qc.setQueryData<Run>(keys.runs.detail(run.id), (old) =>
    old ? { ...old, ...run, output: run.output ?? old.output } : old,
  );
  return invalidate.run(qc, run);
}

// ------------------------------------------------------------------------------------------- store
type Listener = () => void;

export class LiveStore {
  private state: LiveOutputState = new Map();
  private connected = false;
  private listeners = new Set<Listener>();
  private runListeners = new Set<(event: RunEvent) => void>();

  getState = (): LiveOutputState => this.state;
  isConnected = (): boolean => this.connected;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  onRun = (listener: (event: RunEvent) => void): (() => void) => {
    this.runListeners.add(listener);
    return () => this.runListeners.delete(listener);
  };

  dispatch(event: LiveEvent): void {
    const next = liveOutputReducer(this.state, event);
    if (event.kind === "run") for (const listener of this.runListeners) listener(event.data);
    if (next !== this.state) {
      this.state = next;
      this.emit();
    }
  }

  setConnected(connected: boolean): void {
    if (connected === this.connected) return;
    this.connected = connected;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

const LiveContext = createContext<LiveStore | null>(null);

/**
 * Opens the app's one EventSource on `store` (reconnects with backoff; closes on unmount). After a
 * reconnect it refetches runs/bots/status, as events may have been missed. A no-op where EventSource does
 * not exist (tests).
 */
export function useLive(store: LiveStore, url: string = LIVE_URL): void {
  const qc = useQueryClient();
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    let everOpened = false;

    const onRun = (message: MessageEvent<string>) => {
      const event = parseLiveEvent("run", message.data);
      if (event?.kind !== "run") return;
      store.dispatch(event);
      void applyRunEvent(qc, event.data);
    };
    const onOutput = (message: MessageEvent<string>) => {
      const event = parseLiveEvent("output", message.data);
      if (event) store.dispatch(event);
    };

    const connect = () => {
      if (stopped) return;
      source = new EventSource(url);
      source.addEventListener("run", onRun);
      source.addEventListener("output", onOutput);
      source.onopen = () => {
        if (everOpened || attempt > 0) {
          void qc.invalidateQueries({ queryKey: keys.runs.all() });
          void qc.invalidateQueries({ queryKey: keys.bots.all() });
          void qc.invalidateQueries({ queryKey: keys.status() });
        }
        everOpened = true;
        attempt = 0;
        store.setConnected(true);
      };
      source.onerror = () => {
        store.setConnected(false);
        // The browser retries by itself while CONNECTING; once CLOSED (HTTP error, 404) we retry with backoff.
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          timer = setTimeout(connect, backoffDelay(attempt++));
        }
      };
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
      store.setConnected(false);
    };
  }, [qc, store, url]);
}

/** Provides the live store and opens the stream. Mount once, inside QueryClientProvider. */
export function LiveProvider({ children, url }: { children: ReactNode; url?: string }) {
  const [store] = useState(() => new LiveStore());
  useLive(store, url);
  return createElement(LiveContext.Provider, { value: store }, children);
}

function useLiveStore(): LiveStore {
  const store = useContext(LiveContext);
  if (!store) throw new Error("LiveProvider is missing");
  return store;
}

/** The streamed output of a run so far (`done` once the run ended), or undefined if none was streamed. */
export function useLiveOutput(runId: string | undefined): LiveOutput | undefined {
  const store = useLiveStore();
  return useSyncExternalStore(store.subscribe, () => (runId ? store.getState().get(runId) : undefined));
}

export function useLiveConnected(): boolean {
  const store = useLiveStore();
  return useSyncExternalStore(store.subscribe, store.isConnected);
}

/** Call `listener` for every run event (created / started / ended) while mounted. */
export function useLiveRunEvents(listener: (event: RunEvent) => void): void {
  const store = useLiveStore();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => store.onRun((event) => ref.current(event)), [store]);
}
