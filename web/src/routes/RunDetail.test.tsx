import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { makeBot, makeRun } from "@/components/runs/testData";
import { mockApi, renderWithProviders } from "@/test/render";
import RunDetail from "./RunDetail";

const channel = {
  id: "ch1",
  type: "telegram",
  name: "Mein Telegram",
  config: {},
  status: "connected",
  error_message: null,
  last_used_at: null,
  created_at: "2025-03-01T10:00:00Z",
};
const notification = {
  id: "n1",
  channel_id: "ch1",
  bot_id: "b1",
  run_id: "r1",
  event_id: null,
  subject: "eBay-Scout",
  format: "short",
  status: "sent",
  attempts: 1,
  next_attempt_at: null,
  sent_at: "2025-03-12T13:00:06Z",
  error_message: null,
  read_at: null,
  created_at: "2025-03-12T13:00:05Z",
};

function render(run: ReturnType<typeof makeRun>, locale: "de" | "en" = "de", notifications: unknown[] = []) {
  mockApi({
    "GET /api/runs/r1": run,
    "GET /api/bots/b1": makeBot(),
    "GET /api/runs/r1/notifications": notifications,
    "GET /api/channels": [channel],
  });
  return renderWithProviders(<RunDetail />, { route: "/runs/r1", path: "/runs/:runId", locale });
}

describe("run detail", () => {
  it("explains a failure and what to do; no model answered, so there is no cost to show", async () => {
    render(
      makeRun({
        status: "failed",
        output: null,
        error_code: "invalid_key",
        error_message: "Der OpenAI-Schlüssel wurde abgelehnt.",
        cost_estimate: null,
        tokens_in: null,
        tokens_out: null,
      }),
    );
    expect(await screen.findByText("Der OpenAI-Schlüssel wurde abgelehnt.")).toBeInTheDocument();
    expect(screen.getByText(/Prüfe oder ersetze ihn unter KI-Anbieter/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /KI-Anbieter öffnen/ })).toHaveAttribute("href", "/providers");
    const cost = screen.getByText("Kosten").closest("div") as HTMLElement;
    expect(within(cost).getByText("–")).toBeInTheDocument();
    expect(await screen.findByRole("link", { name: /eBay-Scout/ })).toHaveAttribute("href", "/bots/b1");
  });

  it("says the cost is unknown when a model answered that has no known price", async () => {
    render(makeRun({ status: "completed", cost_estimate: null, tokens_in: 120, tokens_out: 30 }));
    const cost = (await screen.findByText("Kosten")).closest("div") as HTMLElement;
    expect(within(cost).getByText("unbekannt")).toBeInTheDocument();
  });

  it("shows a missed fire as missed, with its reason, not as a cancel", async () => {
    render(
      makeRun({
        status: "cancelled",
        output: null,
        error_code: "missed",
        error_message: "Die App lief nicht.",
      }),
      "en",
    );
    expect(await screen.findByText("Die App lief nicht.")).toBeInTheDocument();
    expect(screen.getAllByText("Missed").length).toBeGreaterThan(0);
    expect(screen.queryByText("Cancelled")).not.toBeInTheDocument();
    expect(screen.getByText(/next run comes on schedule/)).toBeInTheDocument();
  });

  it("shows input, the output as sanitised Markdown, tool calls, the log and the deliveries", async () => {
    const { user } = render(
      makeRun({
        input: "Größe 42",
        output: '## 3 neue Treffer\n\n**Nike** <script>alert(1)</script><img src=x onerror="alert(2)">',
        cost_estimate: 0.0123,
        log: [
          { at: "2025-03-12T13:00:01Z", level: "info", message: "Run started." },
          {
            at: "2025-03-12T13:00:02Z",
            level: "info",
            message: "Tool call web_search.",
            tool: "web_search",
            function: "web_search",
            arguments: '{"query":"nike am90"}',
            duration_ms: 850,
            result_chars: 1200,
          },
          {
            at: "2025-03-12T13:00:03Z",
            level: "warning",
            message: "Tool call web_fetch refused (blocked).",
            tool: "web_fetch",
            function: "web_fetch",
            arguments: { url: "http://10.0.0.1" },
            duration_ms: 3,
            error: "blocked",
          },
        ],
      }),
      "de",
      [notification],
    );
    expect(await screen.findByText("Größe 42")).toBeInTheDocument();
    const heading = await screen.findByRole("heading", { name: "3 neue Treffer" }, { timeout: 8000 });
    const output = heading.parentElement as HTMLElement;
    expect(output.querySelector("script")).toBeNull();
    expect(output.querySelector("img")?.getAttribute("onerror")).toBeNull();
    expect(within(output).getByText("Nike").tagName).toBe("STRONG");

    expect(screen.getByText("web_search")).toBeInTheDocument();
    expect(screen.getByText('query="nike am90"')).toBeInTheDocument();
    expect(screen.getByText("Fehlgeschlagen: blocked")).toBeInTheDocument();
    expect(screen.getByText(/^0,0123\s\$$/)).toBeInTheDocument();

    expect(await screen.findByText("Mein Telegram")).toBeInTheDocument();
    expect(screen.getByText("Gesendet")).toBeInTheDocument();

    await user.click(screen.getByText("Protokoll zeigen (3 Einträge)"));
    expect(screen.getByText("Run started.")).toBeVisible();
  });

  it("says when a run does not exist", async () => {
    mockApi({});
    renderWithProviders(<RunDetail />, { route: "/runs/x", path: "/runs/:runId", locale: "en" });
    expect(await screen.findByText("This run does not exist (anymore).")).toBeInTheDocument();
  });
});

describe("run again", () => {
  it("starts the bot again with the same input and opens the new run", async () => {
    const api = mockApi({
      "GET /api/runs/r1": makeRun({ input: "Größe 42" }),
      "GET /api/runs/r2": makeRun({ id: "r2", status: "pending", output: null, input: "Größe 42" }),
      "POST /api/bots/b1/runs": [202, makeRun({ id: "r2", status: "pending", output: null })],
      "GET /api/bots/b1": makeBot(),
      "GET /api/runs/r1/notifications": [],
      "GET /api/runs/r2/notifications": [],
      "GET /api/channels": [],
    });
    const { user } = renderWithProviders(<RunDetail />, {
      route: "/runs/r1",
      path: "/runs/:runId",
      locale: "de",
    });
    await user.click(await screen.findByRole("button", { name: "Erneut ausführen" }));
    expect(await screen.findByRole("button", { name: "Abbrechen" })).toBeInTheDocument();
    expect(api.calls).toContainEqual(
      expect.objectContaining({ method: "POST", path: "/api/bots/b1/runs", body: { input: "Größe 42" } }),
    );
  });
});
