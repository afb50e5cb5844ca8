import { screen, waitFor, within } from "@testing-library/react";
import { Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import { DISMISSED_STORAGE_KEY } from "@/components/dashboard/dismissed";
import { makeBot, makeRun, provider } from "@/components/runs/testData";
import { json, mockApi, renderWithProviders } from "@/test/render";
import Dashboard from "./Dashboard";

const app = (
  <Routes>
    <Route path="/" element={<Dashboard />} />
    <Route path="/welcome" element={<p>welcome wizard</p>} />
  </Routes>
);

const status = { queue_depth: 0, held: 0, running: 0, max_parallel_runs: 3, warnings: [], scheduler: {} };

function world(over: Record<string, unknown> = {}) {
  return mockApi({
    "GET /api/providers": [provider],
    "GET /api/bots": [],
    "GET /api/status": status,
    "GET /api/events": [],
    ...over,
  });
}

describe("dashboard", () => {
  it("sends a new user without an AI provider to the welcome wizard", async () => {
    world({ "GET /api/providers": [{ ...provider, type: "brave" }] });
    renderWithProviders(app, { locale: "de" });
    expect(await screen.findByText("welcome wizard")).toBeInTheDocument();
  });

  it("invites to create the first bot", async () => {
    world();
    renderWithProviders(app, { locale: "de" });
    const first = await screen.findByRole("link", { name: "Ersten Bot erstellen" });
    expect(first).toHaveAttribute("href", "/templates");
    expect(screen.getByRole("link", { name: "Leerer Bot" })).toHaveAttribute("href", "/bots/new");
  });

  it("shows a card per bot with its last results: gist, new badge, error, missed", async () => {
    const api = world({
      "GET /api/bots": [
        makeBot({ last_run: { ...makeRun(), is_new: true } }),
        makeBot({ id: "b2", name: "Morgen-News", schedule: null, schedule_description: null }),
      ],
      "GET /api/bots/b1/runs": [
        makeRun({ id: "r3", output: "## 3 neue Treffer\n\n- Nike", is_new: true }),
        makeRun({
          id: "r2",
          status: "failed",
          output: null,
          error_code: "timeout",
          error_message: "Zeit um",
        }),
        makeRun({
          id: "r1",
          status: "cancelled",
          output: null,
          error_code: "missed",
          error_message: "App aus",
        }),
      ],
    });
    renderWithProviders(app, { locale: "de" });
    const card = (await screen.findByRole("heading", { name: "eBay-Scout" })).closest(
      "article",
    ) as HTMLElement;
    expect(within(card).getByText("Jede Stunde")).toBeInTheDocument();
    expect(await within(card).findByText("3 neue Treffer")).toBeInTheDocument();
    expect(within(card).getByText("neu")).toBeInTheDocument();
    expect(within(card).getByText("Zeit um")).toBeInTheDocument();
    expect(within(card).getByRole("img", { name: "Verpasst" })).toBeInTheDocument();
    expect(within(card).getByRole("img", { name: "Fehlgeschlagen" })).toBeInTheDocument();
    // A bot that never ran costs no request and says so.
    const other = screen.getByRole("heading", { name: "Morgen-News" }).closest("article") as HTMLElement;
    expect(within(other).getByText("Nur manuell")).toBeInTheDocument();
    expect(within(other).getByText("Noch keine Ergebnisse")).toBeInTheDocument();
    expect(api.calls.filter((c) => c.path === "/api/bots/b2/runs")).toHaveLength(0);
    expect(api.calls.filter((c) => c.path === "/api/bots")).toHaveLength(1);
  });

  it("switches a bot off at once and sends PATCH enabled", async () => {
    let enabled = true;
    const api = world({
      "GET /api/bots": () => json(200, [makeBot({ enabled })]),
      "PATCH /api/bots/b1": () => {
        enabled = false;
        return json(200, makeBot({ enabled }));
      },
    });
    const { user } = renderWithProviders(app, { locale: "en" });
    const toggle = await screen.findByRole("switch", { name: "eBay-Scout active" });
    expect(toggle).toBeChecked();
    await user.click(toggle);
    expect(toggle).not.toBeChecked();
    await waitFor(() =>
      expect(api.calls).toContainEqual(
        expect.objectContaining({ method: "PATCH", path: "/api/bots/b1", body: { enabled: false } }),
      ),
    );
  });

  it("puts the switch back and explains when the server refuses", async () => {
    world({
      "GET /api/bots": [makeBot()],
      "PATCH /api/bots/b1": [500, { error: { code: "internal", message: "boom" } }],
    });
    const { user } = renderWithProviders(app, { locale: "en" });
    const toggle = await screen.findByRole("switch", { name: "eBay-Scout active" });
    await user.click(toggle);
    expect(await screen.findByText("eBay-Scout could not be changed")).toBeInTheDocument();
    expect(toggle).toBeChecked();
  });

  it("runs a bot now and tells when the queue is full", async () => {
    const api = world({
      "GET /api/bots": [makeBot()],
      "POST /api/bots/b1/runs": [429, { error: { code: "queue_full", message: "20 runs are waiting." } }],
    });
    const { user } = renderWithProviders(app, { locale: "en" });
    await user.click(await screen.findByRole("button", { name: "Run eBay-Scout now" }));
    expect(await screen.findByText("eBay-Scout could not start")).toBeInTheDocument();
    expect(screen.getByText("20 runs are waiting.")).toBeInTheDocument();
    expect(api.calls).toContainEqual(expect.objectContaining({ method: "POST", path: "/api/bots/b1/runs" }));
  });

  it("shows a running bot with a live indicator", async () => {
    world({
      "GET /api/bots": [makeBot({ last_run: { ...makeRun(), status: "running" } })],
      "GET /api/bots/b1/runs": [],
    });
    renderWithProviders(app, { locale: "de" });
    expect(await screen.findByText("Läuft")).toBeInTheDocument();
  });

  it("shows queue warnings and events that need attention, with the fix, dismissible", async () => {
    const now = new Date().toISOString();
    world({
      "GET /api/bots": [makeBot({ enabled: false })],
      "GET /api/status": { ...status, warnings: ["12 runs are waiting."] },
      "GET /api/events": [
        {
          id: "e1",
          kind: "budget_exceeded",
          bot_id: "b1",
          run_id: "r1",
          credential_id: null,
          message: "Tagesbudget von 1,00 $ erreicht.",
          data: {},
          created_at: now,
        },
        {
          id: "e2",
          kind: "credential_error",
          bot_id: null,
          run_id: null,
          credential_id: "c9",
          message: "Schlüssel ungültig.",
          data: {},
          created_at: now,
        },
        {
          id: "e3",
          kind: "credential_error",
          bot_id: null,
          run_id: null,
          credential_id: "c1",
          message: "Old trouble, fixed since.",
          data: {},
          created_at: now,
        },
      ],
      "GET /api/providers": [provider, { ...provider, id: "c9", name: "anthropic", status: "error" }],
    });
    const { user } = renderWithProviders(app, { locale: "de" });
    expect(await screen.findByText("12 runs are waiting.")).toBeInTheDocument();
    expect(await screen.findByText("Budget erreicht — eBay-Scout pausiert")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /Budget erhöhen/ })).toHaveAttribute("href", "/bots/b1/edit");
    expect(screen.getByText("Ein KI-Schlüssel funktioniert nicht mehr")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /KI-Anbieter prüfen/ })).toHaveAttribute("href", "/providers");
    expect(screen.queryByText("Old trouble, fixed since.")).not.toBeInTheDocument();

    await user.click(
      screen.getByRole("button", { name: "Ausblenden: Budget erreicht — eBay-Scout pausiert" }),
    );
    expect(screen.queryByText("Budget erreicht — eBay-Scout pausiert")).not.toBeInTheDocument();
    expect(JSON.parse(localStorage.getItem(DISMISSED_STORAGE_KEY) ?? "[]")).toContain("event:e1");
  });

  it("hides the budget banner once the bot is switched on again", async () => {
    world({
      "GET /api/bots": [makeBot({ enabled: true })],
      "GET /api/events": [
        {
          id: "e1",
          kind: "budget_exceeded",
          bot_id: "b1",
          run_id: null,
          credential_id: null,
          message: "Budget",
          data: {},
          created_at: new Date().toISOString(),
        },
      ],
    });
    renderWithProviders(app, { locale: "de" });
    await screen.findByRole("heading", { name: "eBay-Scout" });
    await waitFor(() => expect(screen.queryByText(/Budget erreicht/)).not.toBeInTheDocument());
  });
});

describe("dashboard with many bots", () => {
  it("renders 200 bots from one request and finds one by name", async () => {
    const many = Array.from({ length: 200 }, (_, i) =>
      makeBot({
        id: `b${i}`,
        name: `Bot ${String(i).padStart(3, "0")}`,
        description: i === 150 ? "Wetter" : "",
      }),
    );
    const api = world({ "GET /api/bots": many });
    const { user } = renderWithProviders(app, { locale: "de" });
    expect(await screen.findByText("200 Bots · 200 aktiv")).toBeInTheDocument();
    expect(screen.getAllByRole("article").length).toBeGreaterThanOrEqual(24);
    await user.type(screen.getByRole("searchbox", { name: "Bots durchsuchen" }), "wetter");
    await waitFor(() => expect(screen.getAllByRole("article")).toHaveLength(1));
    expect(screen.getByRole("heading", { name: "Bot 150" })).toBeInTheDocument();
    await user.clear(screen.getByRole("searchbox"));
    await user.type(screen.getByRole("searchbox"), "zzz");
    expect(await screen.findByText("Kein Bot passt zu „zzz“.")).toBeInTheDocument();
    expect(api.calls.filter((c) => c.path.startsWith("/api/bots/"))).toHaveLength(0);
  });
});
