import { screen, waitFor, within } from "@testing-library/react";
import { Link, Route, Routes } from "react-router";
import { describe, expect, it, vi } from "vitest";
import BotEdit from "@/routes/BotEdit";
import BotNew from "@/routes/BotNew";
import { json, mockApi, renderWithProviders } from "@/test/render";
import { baseRoutes, makeBot, makeTemplate } from "./fixtures";

// A big form in jsdom: room for a busy machine.
vi.setConfig({ testTimeout: 20_000 });

/** The editor routes plus the pages it navigates to. */
function Screens() {
  return (
    <Routes>
      <Route path="/" element={<p>dashboard page</p>} />
      <Route path="/bots/new" element={<BotNew />} />
      <Route path="/bots/:botId" element={<p>bot page</p>} />
      <Route path="/bots/:botId/edit" element={<BotEdit />} />
      <Route path="/providers" element={<p>providers page</p>} />
    </Routes>
  );
}

const other = makeBot({ id: "b2", name: "Digest", emoji: "📚", schedule_description: null });

function previewReply(request: Request) {
  const url = new URL(request.url);
  const cron = url.searchParams.get("cron") ?? "";
  if (cron.includes("99"))
    return json(422, {
      error: {
        code: "invalid_input",
        message: "cron: hour must be between 0 and 23, not 99",
        details: [{ field: "cron", reason: "hour must be between 0 and 23, not 99" }],
      },
    });
  return json(200, {
    cron,
    timezone: url.searchParams.get("timezone") ?? "UTC",
    description: cron === "0 9 * * 1-5" ? "Weekdays at 09:00" : `Cron ${cron}`,
    next_runs: [8, 9, 10, 11, 12].map((day) => `2026-12-${String(day).padStart(2, "0")}T09:00:00+01:00`),
  });
}

describe("bot editor: saving", () => {
  it("shows the API's 422 reasons at their fields and focuses the first", async () => {
    const api = mockApi({
      ...baseRoutes([makeBot(), other]),
      "GET /api/bots/b1": makeBot(),
      "GET /api/schedule/preview": previewReply,
      "PATCH /api/bots/b1": [
        422,
        {
          error: {
            code: "invalid_input",
            message: "name: another bot is already called 'Digest'",
            details: [
              { field: "name", reason: "another bot is already called 'Digest'" },
              { field: "on_complete", reason: "this would make a loop: News → Digest → News" },
              { field: "max_runtime_seconds", reason: "Input should be less than or equal to 3600" },
            ],
          },
        },
      ],
    });
    const { user } = renderWithProviders(<Screens />, { route: "/bots/b1/edit" });

    const name = await screen.findByRole("textbox", { name: /^Name/ });
    await user.clear(name);
    await user.paste("Digest");
    await user.click(screen.getByRole("checkbox", { name: /Digest/ }));
    await user.keyboard("{Control>}s{/Control}"); // saves like the button

    await waitFor(() => expect(name).toHaveAccessibleDescription("Another bot is already called “Digest”."));
    expect(name).toHaveAttribute("aria-invalid", "true");
    expect(name).toHaveFocus();
    expect(screen.getByText("This would make a loop: News → Digest → News")).toBeVisible();
    expect(screen.getByText("Please check the highlighted fields.")).toBeInTheDocument();
    expect(screen.getByRole("spinbutton", { name: "Max. runtime" })).toHaveAccessibleDescription(
      /less than or equal to 3600/,
    );
    const patch = api.calls.find((call) => call.method === "PATCH");
    expect(patch?.body).toMatchObject({ name: "Digest", on_complete: ["b2"], model: "openai:gpt-4o-mini" });
    expect(screen.queryByText("bot page")).not.toBeInTheDocument();

    // Editing the field clears its error.
    await user.type(name, "!");
    expect(name).not.toHaveAttribute("aria-invalid");
  });

  it("checks required fields before sending and saves a new bot, then opens its page", async () => {
    const api = mockApi({
      ...baseRoutes(),
      "POST /api/bots": (request: Request) =>
        request.json().then((body) => json(201, makeBot({ id: "b9", name: body.name }))),
    });
    const { user } = renderWithProviders(<Screens />, { route: "/bots/new" });

    await user.click(await screen.findByRole("button", { name: "Create bot" }));
    expect(await screen.findByText("Give your bot a name.")).toBeVisible();
    expect(screen.getByText("Tell the bot what to do.")).toBeVisible();
    expect(api.calls.some((call) => call.method === "POST")).toBe(false);

    await user.click(screen.getByRole("textbox", { name: /^Name/ }));
    await user.paste("Scout");
    await user.click(screen.getByRole("textbox", { name: /^Instructions/ }));
    await user.paste("Find things.");
    await user.click(screen.getByRole("button", { name: "Create bot" }));

    expect(await screen.findByText("bot page")).toBeInTheDocument();
    expect(await screen.findByText("Scout is ready")).toBeInTheDocument();
    const post = api.calls.find((call) => call.method === "POST");
    expect(post?.body).toMatchObject({
      name: "Scout",
      prompt: "Find things.",
      model: "openai:gpt-4o-mini",
      schedule: null,
      timezone: null,
      missed_runs: "skip",
      max_runtime_seconds: 120,
    });
  });
});

describe("bot editor: templates", () => {
  it("prefills everything from the template, in the UI language", async () => {
    const api = mockApi({
      ...baseRoutes(),
      "GET /api/templates/web_scout": makeTemplate(),
      "GET /api/schedule/preview": previewReply,
      "POST /api/bots": json(201, makeBot({ id: "b7" })),
    });
    const { user } = renderWithProviders(<Screens />, {
      route: "/bots/new?template=web_scout",
      locale: "de",
    });

    expect(await screen.findByText("Vorlage: Web-Scout")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: /^Name/ })).toHaveValue("Web-Scout");
    expect(screen.getByRole("textbox", { name: /^Anweisungen/ })).toHaveValue(
      "Suchauftrag: Nike Air Max 90 in Größe 44.",
    );
    expect(screen.getByText("Vor dem ersten Lauf: Ersetze die Zeile „Suchauftrag:“.")).toBeVisible();
    expect(screen.getByRole("checkbox", { name: /Websuche/ })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: /Dateien/ })).toBeChecked();
    expect(screen.getByRole("radio", { name: "Eigener Cron" })).toBeChecked();
    expect(screen.getByRole("textbox", { name: /Cron-Ausdruck/ })).toHaveValue("0 8,13,18 * * *");
    expect(screen.getByRole("spinbutton", { name: "Max. Laufzeit" })).toHaveValue(240);
    const templateCall = api.calls.find((call) => call.path === "/api/templates/web_scout");
    expect(templateCall?.search).toContain("language=de");

    await user.click(screen.getByRole("button", { name: "Bot erstellen" }));
    await screen.findByText("bot page");
    expect(api.calls.find((call) => call.method === "POST")?.body).toMatchObject({
      name: "Web-Scout",
      emoji: "🔎",
      tools: ["web_search", "web_fetch", "files"],
      schedule: "0 8,13,18 * * *",
      max_runtime_seconds: 240,
    });
  });
});

describe("bot editor: schedule", () => {
  it("shows the words and the next five times live, and a cron error at the field", async () => {
    const api = mockApi({ ...baseRoutes(), "GET /api/schedule/preview": previewReply });
    const { user } = renderWithProviders(<Screens />, { route: "/bots/new" });

    await user.click(await screen.findByRole("radio", { name: "Custom cron" }));
    const cron = screen.getByRole("textbox", { name: /Cron expression/ });
    await user.type(cron, "0 9 * * 1-5");

    expect(await screen.findByText("Weekdays at 09:00")).toBeVisible();
    const next = screen.getByRole("list", { name: "Next runs" });
    expect(within(next).getAllByRole("listitem")).toHaveLength(5);
    const previews = api.calls.filter((call) => call.path === "/api/schedule/preview");
    // debounced: far fewer requests than keystrokes, the last one for the whole expression in the app's zone
    expect(previews.length).toBeLessThan(4);
    const last = new URLSearchParams(previews.at(-1)?.search);
    expect(last.get("cron")).toBe("0 9 * * 1-5");
    expect(last.get("timezone")).toBe("Europe/Berlin");

    await user.clear(cron);
    await user.paste("0 99 * * *");
    await waitFor(() => expect(cron).toHaveAccessibleDescription(/hour must be between 0 and 23, not 99/));
    expect(cron).toHaveAttribute("aria-invalid", "true");
  });

  it("builds presets into cron", async () => {
    const api = mockApi({ ...baseRoutes(), "GET /api/schedule/preview": previewReply });
    const { user } = renderWithProviders(<Screens />, { route: "/bots/new" });

    await user.click(await screen.findByRole("radio", { name: "Weekdays" }));
    await screen.findByText("Weekdays at 09:00");
    const crons = api.calls
      .filter((call) => call.path === "/api/schedule/preview")
      .map((call) => new URLSearchParams(call.search).get("cron"));
    expect(crons).toEqual(["0 9 * * 1-5"]);
  });
});

describe("bot editor: time zone and missed runs", () => {
  it("picks a zone from the searchable list and says what missed runs do", async () => {
    const api = mockApi({
      ...baseRoutes(),
      "GET /api/bots/b1": makeBot(),
      "GET /api/schedule/preview": previewReply,
      "PATCH /api/bots/b1": makeBot(),
    });
    const { user } = renderWithProviders(<Screens />, { route: "/bots/b1/edit", locale: "de" });

    const zone = await screen.findByRole("button", { name: "Zeitzone" });
    expect(zone).toHaveTextContent("App-Standard (Europe/Berlin)");
    await user.click(zone);
    await user.type(screen.getByRole("combobox", { name: "Zeitzone suchen" }), "new y");
    await user.click(await screen.findByRole("option", { name: "America/New York" }));
    expect(zone).toHaveTextContent("America/New York");
    await waitFor(() =>
      expect(
        api.calls.some((call) => new URLSearchParams(call.search).get("timezone") === "America/New_York"),
      ).toBe(true),
    );

    expect(screen.getByText("Der Bot wartet einfach auf seinen nächsten regulären Termin.")).toBeVisible();
    await user.click(screen.getByRole("radio", { name: "Einmal nachholen" }));
    await user.click(screen.getByRole("button", { name: "Änderungen speichern" }));
    await screen.findByText("bot page");
    expect(api.calls.find((call) => call.method === "PATCH")?.body).toMatchObject({
      timezone: "America/New_York",
      missed_runs: "catch_up",
    });
  });
});

describe("bot editor: model picker", () => {
  it("lists only the models of connected AI credentials, grouped by credential", async () => {
    mockApi({ ...baseRoutes(), "GET /api/bots/b1": makeBot() });
    const { user } = renderWithProviders(<Screens />, { route: "/bots/b1/edit" });

    const model = await screen.findByRole("combobox", { name: /^Model/ });
    expect(model).toHaveTextContent("gpt-4o-mini");
    await user.click(model);
    const options = (await screen.findAllByRole("option")).map((option) => option.textContent);
    expect(options).toEqual(["gpt-4o-mini", "gpt-4.1", "mistral-small-latest"]);
    expect(screen.getByText("openai")).toBeInTheDocument();
    expect(screen.getByText("mistral")).toBeInTheDocument();
    expect(screen.queryByText("claude-broken")).not.toBeInTheDocument();
    expect(screen.queryByText("search-model")).not.toBeInTheDocument();
  });

  it("links to the setup when no provider is connected", async () => {
    mockApi({ ...baseRoutes(), "GET /api/providers": [] });
    renderWithProviders(<Screens />, { route: "/bots/new", locale: "de" });

    expect(await screen.findByText("Noch kein KI-Anbieter verbunden")).toBeVisible();
    expect(screen.getByRole("link", { name: "Anbieter verbinden" })).toHaveAttribute("href", "/welcome");
    expect(screen.queryByRole("combobox", { name: /^Modell/ })).not.toBeInTheDocument();
  });

  it("adds, orders and removes fallback models", async () => {
    const api = mockApi({
      ...baseRoutes(),
      "GET /api/bots/b1": makeBot({ fallback_models: ["openai:gpt-4.1"], schedule: null }),
      "PATCH /api/bots/b1": makeBot(),
    });
    const { user } = renderWithProviders(<Screens />, { route: "/bots/b1/edit" });

    await user.click(await screen.findByRole("combobox", { name: "Add a fallback model" }));
    await user.click(await screen.findByRole("option", { name: "mistral-small-latest" }));
    await user.click(screen.getByRole("button", { name: "Move mistral:mistral-small-latest up" }));
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    await screen.findByText("bot page");
    expect(api.calls.find((call) => call.method === "PATCH")?.body).toMatchObject({
      fallback_models: ["mistral:mistral-small-latest", "openai:gpt-4.1"],
    });
  });
});

describe("bot editor: duplicate and delete", () => {
  it("asks before deleting, naming the bot, then goes to the dashboard", async () => {
    const api = mockApi({
      ...baseRoutes(),
      "GET /api/bots/b1": makeBot(),
      "DELETE /api/bots/b1": [204, null],
    });
    const { user } = renderWithProviders(<Screens />, { route: "/bots/b1/edit" });

    await user.click(await screen.findByRole("button", { name: "Delete" }));
    const dialog = await screen.findByRole("alertdialog");
    expect(within(dialog).getByText("Delete “News”?")).toBeVisible();
    expect(api.calls.some((call) => call.method === "DELETE")).toBe(false);

    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(api.calls.some((call) => call.method === "DELETE")).toBe(false);

    await user.click(screen.getByRole("button", { name: "Delete" }));
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Delete" }));
    expect(await screen.findByText("dashboard page")).toBeInTheDocument();
    expect(api.calls.filter((call) => call.method === "DELETE")).toHaveLength(1);
  });

  it("duplicates and opens the copy's editor", async () => {
    const copy = makeBot({ id: "b5", name: "News (copy)" });
    const api = mockApi({
      ...baseRoutes(),
      "GET /api/bots/b1": makeBot(),
      "GET /api/bots/b5": copy,
      "POST /api/bots/b1/duplicate": [201, copy],
    });
    const { user } = renderWithProviders(<Screens />, { route: "/bots/b1/edit" });

    await user.click(await screen.findByRole("button", { name: "Duplicate" }));
    expect(await screen.findByRole("heading", { name: "Edit News (copy)" })).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: /^Name/ })).toHaveValue("News (copy)");
    expect(api.calls.some((call) => call.method === "POST" && call.path === "/api/bots/b1/duplicate")).toBe(
      true,
    );
  });
});

describe("bot editor: unsaved changes", () => {
  it("asks before following a link away from unsaved changes", async () => {
    mockApi({ ...baseRoutes(), "GET /api/bots/b1": makeBot() });
    const { user } = renderWithProviders(
      <>
        <Link to="/providers">elsewhere</Link>
        <Screens />
      </>,
      { route: "/bots/b1/edit" },
    );

    await user.type(await screen.findByRole("textbox", { name: /^Name/ }), " 2");
    expect(screen.getByText("Unsaved changes")).toBeInTheDocument();
    await user.click(screen.getByRole("link", { name: "elsewhere" }));
    const dialog = await screen.findByRole("alertdialog");
    expect(within(dialog).getByText("Discard changes?")).toBeVisible();
    await user.click(within(dialog).getByRole("button", { name: "Keep editing" }));
    expect(screen.getByRole("textbox", { name: /^Name/ })).toHaveValue("News 2");

    await user.click(screen.getByRole("link", { name: "elsewhere" }));
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Discard" }));
    expect(await screen.findByText("providers page")).toBeInTheDocument();
  });
});
