import { screen } from "@testing-library/react";
import { Route, Routes, useLocation } from "react-router";
import { describe, expect, it } from "vitest";
import type { Credential } from "@/api/types";
import { catalogFixture, credentialFixture } from "@/components/providers/fixtures";
import { ProviderConnect } from "@/components/providers/ProviderConnect";
import { json, mockApi, renderWithProviders } from "@/test/render";
import { OnboardingWizard } from "./OnboardingWizard";

const template = (over: Record<string, unknown>) => ({
  language: "de",
  category: "reading",
  emoji: "📝",
  prompt: "Fasse den Text zusammen.",
  tools: [],
  schedule: null,
  schedule_description: null,
  max_runtime_seconds: 90,
  notify_rule: "always",
  format: "full",
  needs_input: false,
  input_placeholder: "",
  model_tier: "good",
  customize_hint: null,
  ...over,
});

const templates = [
  template({
    id: "web_scout",
    emoji: "🔎",
    name: "Web-Scout",
    description: "Sucht im Netz.",
    tools: ["web_search", "web_fetch", "files"],
    schedule: "0 8,13,18 * * *",
    schedule_description: "Täglich um 08:00, 13:00 und 18:00",
    max_runtime_seconds: 240,
  }),
  template({
    id: "summary",
    name: "Zusammenfassung",
    description: "Fasst einen Text zusammen.",
    needs_input: true,
    input_placeholder: "Text hier einfügen",
    model_tier: "cheap",
  }),
];

const run = (over: Record<string, unknown> = {}) => ({
  id: "run1",
  bot_id: "bot1",
  status: "pending",
  trigger: "manual",
  input: "Ein langer Text.",
  output: null,
  log: [],
  model: "openai:gpt-4.1-nano",
  created_at: "2026-01-05T10:00:00Z",
  started_at: null,
  finished_at: null,
  duration_ms: null,
  tokens_in: null,
  tokens_out: null,
  cost_estimate: null,
  error_code: null,
  error_message: null,
  output_hash: null,
  is_new: null,
  attempt: 1,
  retry_of: null,
  parent_run_id: null,
  scheduled_for: null,
  not_before: null,
  ...over,
});

function Where() {
  const location = useLocation();
  return <p data-testid="where">{`${location.pathname}${location.search}`}</p>;
}

function renderWizard(route: string, locale: "de" | "en" = "de") {
  return renderWithProviders(
    <Routes>
      <Route
        path="/welcome"
        element={
          <>
            <OnboardingWizard
              links={{ dashboard: "/", providers: "/providers", bot: (id) => `/bots/${id}` }}
              providerStep={(next, chosen, onChoose) => (
                <ProviderConnect
                  continueLabel={locale === "de" ? "Weiter" : "Next"}
                  onContinue={next}
                  chosenType={chosen}
                  onChooseType={onChoose}
                />
              )}
            />
            <Where />
          </>
        }
      />
    </Routes>,
    { route, locale },
  );
}

describe("OnboardingWizard", () => {
  it("goes from provider to bot to result: invalid key, good key, template, create & run", async () => {
    let credentials: Credential[] = [];
    let keyChecks = 0;
    const api = mockApi({
      "GET /api/providers/catalog": catalogFixture,
      "GET /api/providers": () => json(200, credentials),
      "POST /api/providers": () => {
        keyChecks += 1;
        if (keyChecks === 1)
          return json(400, { error: { code: "invalid_key", message: "Key ungültig — bitte prüfen." } });
        credentials = [credentialFixture()];
        return json(201, credentials[0]);
      },
      "GET /api/templates": templates,
      "POST /api/bots": [201, { id: "bot1", name: "Zusammenfassung", emoji: "📝" }],
      "GET /api/bots/bot1": { id: "bot1", name: "Zusammenfassung", emoji: "📝" },
      "POST /api/bots/bot1/runs": [202, run()],
      "GET /api/runs/run1": run({
        status: "completed",
        output: "Kurz gesagt: alles gut.",
        tokens_in: 120,
        tokens_out: 30,
        cost_estimate: 0.0004,
        duration_ms: 2100,
      }),
    });
    const { user } = renderWizard("/welcome");
    let clicks = 0;
    const click = async (element: Element) => {
      clicks += 1;
      await user.click(element);
    };

    expect(await screen.findByRole("heading", { name: "🔑 KI-Anbieter verbinden" })).toBeInTheDocument();
    await click(await screen.findByRole("button", { name: "OpenAI einrichten" }));
    expect(screen.getByTestId("where")).toHaveTextContent("/welcome?step=provider&provider=openai");
    const key = screen.getByLabelText(/API-Key/);
    await user.type(key, "sk-bad"); // the field has focus already: no click
    await click(screen.getByRole("button", { name: "Testen & Speichern" }));
    expect(await screen.findByText("Key ungültig")).toBeInTheDocument();
    expect(key).toHaveAccessibleDescription(/Key ungültig/);

    await user.clear(key);
    await user.type(key, "sk-good-1234");
    await click(screen.getByRole("button", { name: "Testen & Speichern" }));
    expect(await screen.findByText("gpt-4.1-mini")).toBeInTheDocument();
    await click(screen.getByRole("button", { name: "Weiter" }));

    expect(await screen.findByRole("heading", { name: "Deinen ersten Bot erstellen" })).toBeInTheDocument();
    expect(screen.getByTestId("where")).toHaveTextContent(/^\/welcome\?step=bot$/);
    expect(screen.getByRole("button", { name: /Leerer Bot/ })).toBeInTheDocument();
    await click(await screen.findByRole("button", { name: /Zusammenfassung/ }));

    expect(screen.getByLabelText(/^Name/)).toHaveValue("Zusammenfassung");
    // The template's tier "cheap" → the catalogue's cheap OpenAI model, which the key has.
    expect(screen.getByRole("combobox", { name: /Modell/ })).toHaveTextContent("gpt-4.1-nano");
    expect(screen.getByText("Nur manuell")).toBeInTheDocument(); // the only choice: shown, not asked
    const input = screen.getByLabelText(/Woran soll der Bot arbeiten/);
    expect(input).toHaveAttribute("placeholder", "Text hier einfügen");
    expect(input).toHaveFocus(); // paste straight away
    await user.type(input, "Ein langer Text.");
    await click(screen.getByRole("button", { name: "Erstellen & ausführen" }));

    expect(await screen.findByText("Kurz gesagt: alles gut.")).toBeInTheDocument();
    expect(screen.getByTestId("where")).toHaveTextContent("/welcome?step=result&bot=bot1&run=run1");
    expect(screen.getByText("Fertig")).toBeInTheDocument();
    expect(screen.getByText("150")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /Bot ansehen/ })).toHaveAttribute("href", "/bots/bot1");
    expect(screen.getByRole("link", { name: /Zum Dashboard/ })).toHaveAttribute("href", "/");

    const botPost = api.calls.find((c) => c.method === "POST" && c.path === "/api/bots");
    expect(botPost?.body).toEqual({
      name: "Zusammenfassung",
      emoji: "📝",
      description: "Fasst einen Text zusammen.",
      prompt: "Fasse den Text zusammen.",
      model: "openai:gpt-4.1-nano",
      schedule: null,
      tools: [],
      enabled: true,
      max_model_requests: 10,
      max_runtime_seconds: 90,
    });
    const runPost = api.calls.find((c) => c.method === "POST" && c.path === "/api/bots/bot1/runs");
    expect(runPost?.body).toEqual({ input: "Ein langer Text." });
    // provider card, test (bad), test (good), next, template, create & run
    expect(clicks).toBeLessThanOrEqual(12);
  }, 20_000);

  it("starts at step 2 when a provider is connected, and maps field errors of the bot (English)", async () => {
    mockApi({
      "GET /api/providers/catalog": catalogFixture,
      "GET /api/providers": [
        credentialFixture(),
        credentialFixture({ id: "b", type: "brave", name: "brave", models: [] }),
      ],
      "GET /api/templates": templates,
      "POST /api/bots": [
        422,
        {
          error: { code: "invalid_input", message: "bad", details: [{ field: "name", reason: "is taken" }] },
        },
      ],
    });
    const { user } = renderWizard("/welcome", "en");
    expect(await screen.findByRole("heading", { name: "Create your first bot" })).toBeInTheDocument();
    await user.click(await screen.findByRole("button", { name: /Web Scout|Web-Scout/ }));
    // The Web-Scout's schedule is offered in words and chosen; "good" tier → gpt-4.1-mini.
    expect(screen.getByRole("radio", { name: /Täglich um 08:00, 13:00 und 18:00/ })).toBeChecked();
    expect(screen.getByRole("combobox", { name: /Model/ })).toHaveTextContent("gpt-4.1-mini");
    expect(screen.getByRole("radio", { name: /Manual only/ })).not.toBeChecked();
    expect(screen.getByText("Read web pages")).toBeInTheDocument();
    expect(screen.queryByLabelText(/What should the bot work on/)).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Create & run" }));
    expect(await screen.findByText("is taken")).toBeInTheDocument();
    expect(screen.getByLabelText(/^Name/)).toHaveAttribute("aria-invalid", "true");
  });

  it("resumes a chosen template from the URL after a reload, with a name not yet taken", async () => {
    mockApi({
      "GET /api/providers/catalog": catalogFixture,
      "GET /api/providers": [credentialFixture()],
      "GET /api/templates": templates,
      "GET /api/bots": [{ id: "b0", name: "Zusammenfassung" }],
    });
    const { user } = renderWizard("/welcome?step=bot&template=summary");
    expect(await screen.findByLabelText(/Woran soll der Bot arbeiten/)).toBeInTheDocument();
    expect(await screen.findByDisplayValue("Zusammenfassung 2")).toBe(screen.getByLabelText(/^Name/));
    await user.click(screen.getByRole("button", { name: /Andere Vorlage/ }));
    expect(screen.getByTestId("where")).toHaveTextContent(/^\/welcome\?step=bot$/);
    expect(screen.getByRole("button", { name: /Web-Scout/ })).toBeInTheDocument();
  });

  it("shows a failed run with what to do", async () => {
    mockApi({
      "GET /api/providers": [credentialFixture()],
      "GET /api/bots/bot1": { id: "bot1", name: "X", emoji: "🤖" },
      "GET /api/runs/run1": run({
        status: "failed",
        error_code: "quota_exhausted",
        error_message: "Kein Guthaben — bitte das Konto bei OpenAI aufladen.",
      }),
    });
    renderWizard("/welcome?step=result&bot=bot1&run=run1");
    expect(await screen.findByText(/Kein Guthaben/)).toBeInTheDocument();
    expect(screen.getByText(/Prüfe oder ersetze den Key/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "KI-Anbieter öffnen" })).toHaveAttribute("href", "/providers");
    expect(screen.getByRole("button", { name: /Erneut ausführen/ })).toBeInTheDocument();
  });
});
