import { act, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeBot, makeRun } from "@/components/runs/testData";
import { json, mockApi, renderWithProviders } from "@/test/render";
import BotPage from "./BotPage";

/** A stand-in for the browser's EventSource: the test sends the server's events by hand. */
class FakeEventSource {
  static last: FakeEventSource | null = null;
  static CLOSED = 2;
  readyState = 1;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private listeners = new Map<string, ((message: MessageEvent<string>) => void)[]>();
  readonly url: string;
  constructor(url: string) {
    this.url = url;
    FakeEventSource.last = this;
    setTimeout(() => this.onopen?.(), 0);
  }
  addEventListener(type: string, listener: (message: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.readyState = 2;
  }
  emit(type: string, data: unknown) {
    for (const listener of this.listeners.get(type) ?? [])
      listener(new MessageEvent(type, { data: JSON.stringify(data) }));
  }
}

afterEach(() => {
  FakeEventSource.last = null;
});

describe("bot page, live", () => {
  it("shows a new run at the top and the output while the model writes", async () => {
    vi.stubGlobal("EventSource", FakeEventSource);
    let runs = [makeRun({ id: "r1", output: "Keine neuen Treffer." })];
    mockApi({
      "GET /api/bots/b1": makeBot(),
      "GET /api/bots/b1/runs": () => json(200, runs),
    });
    renderWithProviders(<BotPage />, { route: "/bots/b1", path: "/bots/:botId", locale: "de" });
    expect(await screen.findByText("Keine neuen Treffer.")).toBeInTheDocument();

    const running = makeRun({ id: "r2", status: "running", output: null, finished_at: null });
    runs = [running, ...runs];
    const { output: _, log: __, input: ___, ...summary } = running;
    act(() => FakeEventSource.last?.emit("run", { type: "run.started", run: { ...summary, output: null } }));
    expect(await screen.findByText("Schreibt …")).toBeInTheDocument();

    act(() => FakeEventSource.last?.emit("output", { run_id: "r2", bot_id: "b1", text: "## Zwei neue " }));
    act(() => FakeEventSource.last?.emit("output", { run_id: "r2", bot_id: "b1", text: "**Treffer**" }));
    expect(await screen.findByText("Zwei neue Treffer")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /abbrechen$/ })).toBeInTheDocument();
  });
});

describe("run end toast", () => {
  it("says when a run started by hand has finished, with its gist", async () => {
    vi.stubGlobal("EventSource", FakeEventSource);
    mockApi({ "GET /api/bots/b1": makeBot(), "GET /api/bots/b1/runs": [] });
    renderWithProviders(<BotPage />, { route: "/bots/b1", path: "/bots/:botId", locale: "de" });
    await screen.findByRole("heading", { level: 1, name: "eBay-Scout" });
    const { log: _, input: __, ...run } = makeRun({ id: "r5", trigger: "manual", status: "pending" });
    act(() => FakeEventSource.last?.emit("run", { type: "run.created", run }));
    act(() =>
      FakeEventSource.last?.emit("run", {
        type: "run.ended",
        run: { ...run, status: "completed", output: "## 2 neue Treffer\n- a" },
      }),
    );
    expect(await screen.findByText("eBay-Scout ist fertig")).toBeInTheDocument();
    expect(screen.getByText("2 neue Treffer")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Ergebnis ansehen" })).toBeInTheDocument();
  });
});
