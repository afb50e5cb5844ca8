import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Run } from "@/api/types";
import { makeBot, makeRun } from "@/components/runs/testData";
import { json, mockApi, renderWithProviders } from "@/test/render";
import BotPage from "./BotPage";

const page = (n: number, start: number, over: Partial<Run> = {}) =>
  Array.from({ length: n }, (_, i) =>
    makeRun({ id: `r${String(start - i).padStart(4, "0")}`, output: `Ergebnis ${start - i}`, ...over }),
  );

function render(runs: (request: Request) => Response, over: Record<string, unknown> = {}) {
  const api = mockApi({
    "GET /api/bots/b1": makeBot({ next_run_at: new Date(Date.now() + 30 * 60_000).toISOString() }),
    "GET /api/bots/b1/runs": runs,
    ...over,
  });
  const view = renderWithProviders(<BotPage />, { route: "/bots/b1", path: "/bots/:botId", locale: "de" });
  return { api, ...view };
}

describe("bot page", () => {
  it("shows the bot with its schedule, next run and actions", async () => {
    render(() => json(200, []));
    expect(await screen.findByRole("heading", { level: 1, name: "eBay-Scout" })).toBeInTheDocument();
    expect(screen.getByText("Jede Stunde")).toBeInTheDocument();
    expect(screen.getByText("in 30 Min.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Bearbeiten" })).toHaveAttribute("href", "/bots/b1/edit");
    expect(screen.getByRole("switch", { name: "Aktiv" })).toBeChecked();
    expect(await screen.findByText("Noch keine Ergebnisse")).toBeInTheDocument();
  });

  it("lists the results newest first and loads older ones", async () => {
    const { user, api } = render((request) => {
      const before = new URL(request.url).searchParams.get("before");
      return json(200, before ? page(3, 3) : page(50, 60));
    });
    const list = await screen.findByRole("list", { name: "Ergebnisse" });
    expect(within(list).getAllByRole("listitem")).toHaveLength(50);
    expect(within(list).getAllByRole("listitem")[0]).toHaveTextContent("Ergebnis 60");
    await user.click(screen.getByRole("button", { name: "Ältere Ergebnisse laden" }));
    await waitFor(() => expect(within(list).getAllByRole("listitem")).toHaveLength(53));
    expect(screen.getByText("Das sind alle.")).toBeInTheDocument();
    expect(api.calls.filter((c) => c.path === "/api/bots/b1/runs").at(-1)?.search).toContain("before=r0011");
  });

  it("filters by status and shows missed fires as missed, with the reason", async () => {
    const runs = [
      makeRun({ id: "r4", status: "running", output: null }),
      makeRun({
        id: "r3",
        status: "failed",
        output: null,
        error_code: "timeout",
        error_message: "Zu langsam",
      }),
      makeRun({
        id: "r2",
        status: "cancelled",
        output: null,
        error_code: "missed",
        error_message: "Die App lief nicht (3 Läufe verpasst).",
      }),
      makeRun({ id: "r1", output: "Alles gut", is_new: true, trigger: "manual" }),
    ];
    const { user } = render(() => json(200, runs));
    expect(await screen.findByText("Die App lief nicht (3 Läufe verpasst).")).toBeInTheDocument();
    expect(screen.getByRole("img", { name: "Verpasst" })).toBeInTheDocument();
    expect(screen.queryByRole("img", { name: "Abgebrochen" })).not.toBeInTheDocument();
    expect(screen.getByText("neu")).toBeInTheDocument();
    expect(screen.getByText("Manuell")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Verpasst" }));
    expect(screen.getByRole("button", { name: "Verpasst" })).toHaveAttribute("aria-pressed", "true");
    let items = within(screen.getByRole("list", { name: "Ergebnisse" })).getAllByRole("listitem");
    expect(items).toHaveLength(1);
    expect(items[0]).toHaveTextContent("Die App lief nicht");

    await user.click(screen.getByRole("button", { name: "Fehler" }));
    items = within(screen.getByRole("list", { name: "Ergebnisse" })).getAllByRole("listitem");
    expect(items).toHaveLength(1);
    expect(items[0]).toHaveTextContent("Zu langsam");

    await user.click(screen.getByRole("button", { name: "Erfolgreich" }));
    expect(
      within(screen.getByRole("list", { name: "Ergebnisse" })).getAllByRole("listitem")[0],
    ).toHaveTextContent("Alles gut");
  });

  it("cancels a waiting or running run", async () => {
    const { user, api } = render(
      () => json(200, [makeRun({ id: "r2", status: "pending", output: null }), makeRun({ id: "r1" })]),
      { "POST /api/runs/r2/cancel": makeRun({ id: "r2", status: "cancelled" }) },
    );
    const cancel = await screen.findByRole("button", { name: /^Lauf von .* abbrechen$/ });
    expect(screen.getAllByRole("button", { name: /abbrechen$/ })).toHaveLength(1);
    await user.click(cancel);
    await waitFor(() =>
      expect(api.calls).toContainEqual(
        expect.objectContaining({ method: "POST", path: "/api/runs/r2/cancel" }),
      ),
    );
    expect(await screen.findByText("Lauf abgebrochen")).toBeInTheDocument();
  });

  it("runs the bot with an input from the dialog", async () => {
    const { user, api } = render(() => json(200, []), {
      "POST /api/bots/b1/runs": [202, makeRun({ id: "r9", status: "pending" })],
    });
    await user.click(await screen.findByRole("button", { name: "Mit Eingabe ausführen" }));
    await user.type(screen.getByRole("textbox"), "https://example.org");
    await user.click(screen.getByRole("button", { name: "Lauf starten" }));
    await waitFor(() =>
      expect(api.calls).toContainEqual(
        expect.objectContaining({
          method: "POST",
          path: "/api/bots/b1/runs",
          body: { input: "https://example.org" },
        }),
      ),
    );
    expect(await screen.findByText("eBay-Scout gestartet")).toBeInTheDocument();
  });

  it("says when the bot does not exist", async () => {
    mockApi({});
    renderWithProviders(<BotPage />, { route: "/bots/nope", path: "/bots/:botId", locale: "en" });
    expect(await screen.findByText("This bot does not exist (anymore).")).toBeInTheDocument();
  });
});

describe("bot page filter over many runs", () => {
  it("says how many loaded runs it looked through and offers to load older ones", async () => {
    const { user } = render((request) => {
      const before = new URL(request.url).searchParams.get("before");
      return json(200, before ? page(2, 2) : page(50, 60));
    });
    await screen.findByRole("list", { name: "Ergebnisse" });
    await user.click(screen.getByRole("button", { name: "Verpasst" }));
    // No IntersectionObserver in jsdom: nothing loads by itself, the button does.
    expect(screen.getByText("Keiner der letzten 50 Läufe passt zu diesem Filter.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Ältere Ergebnisse laden" }));
    expect(await screen.findByText("Kein Lauf passt zu diesem Filter.")).toBeInTheDocument();
  });
});

describe("bot page actions", () => {
  it("deletes the bot after asking", async () => {
    const { user, api } = render(() => json(200, []), { "DELETE /api/bots/b1": [204, null] });
    await user.click(await screen.findByRole("button", { name: "Weitere Aktionen" }));
    await user.click(await screen.findByRole("menuitem", { name: "Löschen" }));
    expect(await screen.findByText("eBay-Scout löschen?")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Löschen" }));
    await waitFor(() =>
      expect(api.calls).toContainEqual(expect.objectContaining({ method: "DELETE", path: "/api/bots/b1" })),
    );
    expect(await screen.findByText("eBay-Scout gelöscht")).toBeInTheDocument();
  });

  it("duplicates the bot", async () => {
    const { user, api } = render(() => json(200, []), {
      "POST /api/bots/b1/duplicate": [201, makeBot({ id: "b2", name: "eBay-Scout (Kopie)" })],
    });
    await user.click(await screen.findByRole("button", { name: "Weitere Aktionen" }));
    await user.click(await screen.findByRole("menuitem", { name: "Duplizieren" }));
    await waitFor(() =>
      expect(api.calls).toContainEqual(
        expect.objectContaining({ method: "POST", path: "/api/bots/b1/duplicate" }),
      ),
    );
    expect(await screen.findByText("Kopie von eBay-Scout erstellt")).toBeInTheDocument();
  });
});
