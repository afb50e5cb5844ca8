import { waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockApi, renderWithProviders } from "@/test/render";
import { ServerLanguageSync } from "./ServerLanguage";

const settings = (language: "de" | "en") => ({
  max_parallel_runs: 3,
  timezone: "Europe/Berlin",
  language,
  theme: "system",
  quiet_hours: null,
});

describe("ServerLanguageSync", () => {
  it("writes the UI's language to the app's setting when they differ", async () => {
    const api = mockApi({ "GET /api/settings": settings("de"), "PATCH /api/settings": settings("en") });
    renderWithProviders(<ServerLanguageSync />, { locale: "en" });
    await waitFor(() => expect(api.calls.some((c) => c.method === "PATCH")).toBe(true));
    const patch = api.calls.find((c) => c.method === "PATCH");
    expect(patch?.body).toEqual({ language: "en" });
  });

  it("leaves the setting alone when it already matches", async () => {
    const api = mockApi({ "GET /api/settings": settings("de") });
    renderWithProviders(<ServerLanguageSync />, { locale: "de" });
    await waitFor(() => expect(api.calls.some((c) => c.path === "/api/settings")).toBe(true));
    expect(api.calls.some((c) => c.method === "PATCH")).toBe(false);
  });
});
