import { screen, within } from "@testing-library/react";
import { Route, Routes, useLocation } from "react-router";
import { describe, expect, it } from "vitest";
import Templates from "@/routes/Templates";
import { mockApi, renderWithProviders } from "@/test/render";

const base = {
  category: "monitoring",
  prompt: "…",
  max_runtime_seconds: 240,
  notify_rule: "on_results",
  format: "full",
  input_placeholder: "",
  model_tier: "good",
  customize_hint: null,
};
const de = [
  {
    ...base,
    id: "web_scout",
    language: "de",
    emoji: "🔎",
    name: "Web-Scout",
    description: "Sucht mehrmals am Tag im Netz.",
    tools: ["web_search", "web_fetch", "files"],
    schedule: "0 8,13,18 * * *",
    schedule_description: "Täglich um 08:00, 13:00 und 18:00",
    needs_input: false,
  },
  {
    ...base,
    id: "translator",
    language: "de",
    emoji: "🌍",
    name: "Übersetzer",
    description: "Übersetzt Texte.",
    tools: [],
    schedule: null,
    schedule_description: null,
    needs_input: true,
  },
];
const en = [
  { ...de[0], language: "en", name: "Web Scout", schedule_description: "Daily at 08:00, 13:00 and 18:00" },
];

function NewBot() {
  const location = useLocation();
  return <p>{`at ${location.pathname}${location.search}`}</p>;
}

function renderGallery(locale: "de" | "en") {
  return renderWithProviders(
    <Routes>
      <Route path="/templates" element={<Templates />} />
      <Route path="/bots/new" element={<NewBot />} />
    </Routes>,
    { route: "/templates", locale },
  );
}

describe("Templates gallery", () => {
  it("shows the templates in German with tools and schedule, and Use opens the editor with the id", async () => {
    const api = mockApi({ "GET /api/templates": de });
    const { user } = renderGallery("de");
    const card = (await screen.findByRole("heading", { name: "Web-Scout" })).closest(
      "article",
    ) as HTMLElement;
    expect(within(card).getByText("Täglich um 08:00, 13:00 und 18:00")).toBeInTheDocument();
    const tools = within(card).getByRole("list", { name: "Werkzeuge" });
    expect(
      within(tools)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(["Websuche", "Webseiten lesen", "Notizen"]);
    expect(screen.getByText("Wenn du ihn startest")).toBeInTheDocument();
    expect(screen.getByText("Braucht pro Lauf einen Text")).toBeInTheDocument();
    expect(api.calls[0]?.search).toBe("?language=de");

    await user.click(screen.getByRole("button", { name: "Übersetzer verwenden" }));
    expect(await screen.findByText("at /bots/new?template=translator")).toBeInTheDocument();
  });

  it("asks for English templates in English", async () => {
    const api = mockApi({ "GET /api/templates": en });
    renderGallery("en");
    expect(await screen.findByRole("heading", { name: "Web Scout" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Use Web Scout" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Templates" })).toBeInTheDocument();
    expect(api.calls[0]?.search).toBe("?language=en");
  });
});
