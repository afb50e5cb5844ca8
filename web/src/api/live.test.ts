import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import {
  applyRunEvent,
  backoffDelay,
  type LiveEvent,
  type LiveOutputState,
  type LiveRun,
  liveOutputReducer,
  MAX_LIVE_RUNS,
  parseLiveEvent,
} from "./live";
import { keys } from "./queries";

const run = (over: Partial<LiveRun> = {}): LiveRun => ({
  id: "r1",
  bot_id: "b1",
  status: "running",
  trigger: "manual",
  created_at: "2025-03-12T12:00:00Z",
  started_at: "2025-03-12T12:00:01Z",
  finished_at: null,
  duration_ms: null,
  tokens_in: null,
  tokens_out: null,
  cost_estimate: null,
  error_code: null,
  error_message: null,
  is_new: null,
  output: null,
  model: null,
  attempt: 1,
  scheduled_for: null,
  ...over,
});
const output = (text: string, run_id = "r1"): LiveEvent => ({
  kind: "output",
  data: { run_id, bot_id: "b1", text, restart: false },
});
const reduce = (events: LiveEvent[], state: LiveOutputState = new Map()) =>
  events.reduce(liveOutputReducer, state);

describe("liveOutputReducer", () => {
  it("appends output deltas per run", () => {
    const state = reduce([
      { kind: "run", data: { type: "run.started", run: run() } },
      output("Hel"),
      output("lo"),
      output("other", "r2"),
    ]);
    expect(state.get("r1")).toEqual({ botId: "b1", text: "Hello", done: false });
    expect(state.get("r2")?.text).toBe("other");
  });

  it("starts over when a fallback model answers instead (restart)", () => {
    const state = reduce([
      output("The first model's half an"),
      { kind: "output", data: { run_id: "r1", bot_id: "b1", text: "", restart: true } },
      output("Fallback answer"),
    ]);
    expect(state.get("r1")?.text).toBe("Fallback answer");
  });

  it("takes the final output when the run ends", () => {
    const state = reduce([
      output("Hel"),
      { kind: "run", data: { type: "run.ended", run: run({ status: "completed", output: "Hello." }) } },
    ]);
    expect(state.get("r1")).toEqual({ botId: "b1", text: "Hello.", done: true });
  });

  it("keeps the streamed text when the end event has no output", () => {
    const state = reduce([
      output("partial"),
      { kind: "run", data: { type: "run.ended", run: run({ status: "failed" }) } },
    ]);
    expect(state.get("r1")).toEqual({ botId: "b1", text: "partial", done: true });
  });

  it("returns the same state for no-ops", () => {
    const state = reduce([output("x")]);
    expect(liveOutputReducer(state, output(""))).toBe(state);
    expect(liveOutputReducer(state, { kind: "run", data: { type: "run.started", run: run() } })).toBe(state);
    const empty: LiveOutputState = new Map();
    expect(liveOutputReducer(empty, { kind: "run", data: { type: "run.ended", run: run() } })).toBe(empty);
  });

  it("keeps at most MAX_LIVE_RUNS, dropping finished runs first", () => {
    let state: LiveOutputState = reduce([output("running", "keep")]);
    for (let i = 0; i < MAX_LIVE_RUNS + 10; i++) {
      state = reduce(
        [output("x", `d${i}`), { kind: "run", data: { type: "run.ended", run: run({ id: `d${i}` }) } }],
        state,
      );
    }
    expect(state.size).toBe(MAX_LIVE_RUNS);
    expect(state.get("keep")?.text).toBe("running");
  });
});

describe("parseLiveEvent", () => {
  it("accepts the contract and rejects junk", () => {
    expect(parseLiveEvent("run", JSON.stringify({ type: "run.created", run: run() }))?.kind).toBe("run");
    expect(parseLiveEvent("output", JSON.stringify({ run_id: "r1", bot_id: "b1", text: "a" }))?.kind).toBe(
      "output",
    );
    expect(parseLiveEvent("output", "{not json")).toBeNull();
    expect(parseLiveEvent("run", JSON.stringify({ type: "run.created" }))).toBeNull();
    expect(parseLiveEvent("ping", "{}")).toBeNull();
  });
});

describe("backoffDelay", () => {
  it("doubles up to 30 s", () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, mid))).toEqual([1000, 2000, 4000, 8000, 30000]);
    expect(backoffDelay(0, () => 0)).toBe(800);
    expect(backoffDelay(0, () => 1)).toBe(1200);
  });
});

describe("applyRunEvent", () => {
  it("patches the cached run and invalidates what depends on it", async () => {
    const qc = new QueryClient();
    qc.setQueryData(keys.runs.detail("r1"), { id: "r1", bot_id: "b1", status: "running", output: null });
    qc.setQueryData(keys.bots.detail("b1"), { id: "b1" });
    qc.setQueryData(keys.status(), { queue_depth: 1 });
    qc.setQueryData(keys.bots.detail("other"), { id: "other" });
    await applyRunEvent(qc, { type: "run.ended", run: run({ status: "completed", output: "done" }) });
    expect(qc.getQueryData(keys.runs.detail("r1"))).toMatchObject({ status: "completed", output: "done" });
    expect(qc.getQueryState(keys.bots.detail("b1"))?.isInvalidated).toBe(true);
    expect(qc.getQueryState(keys.status())?.isInvalidated).toBe(true);
    expect(qc.getQueryState(keys.bots.detail("other"))?.isInvalidated).toBe(false);
  });
});
