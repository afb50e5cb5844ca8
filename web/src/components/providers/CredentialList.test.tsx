import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import Providers from "@/routes/Providers";
import { json, mockApi, renderWithProviders } from "@/test/render";
import { catalogFixture, credentialFixture } from "./fixtures";

describe("Providers page", () => {
  it("lists credentials with status, key hint and models; checks again and deletes after confirming", async () => {
    let list = [
      credentialFixture(),
      credentialFixture({
        id: "c2",
        name: "anthropic",
        type: "anthropic",
        status: "error",
        error_message: "Kein Guthaben — bitte aufladen.",
        models: [],
      }),
    ];
    const api = mockApi({
      "GET /api/providers/catalog": catalogFixture,
      "GET /api/providers": () => json(200, list),
      "POST /api/providers/c2/check": credentialFixture({ id: "c2", name: "anthropic", type: "anthropic" }),
      "DELETE /api/providers/cred1": () => {
        list = list.filter((c) => c.id !== "cred1");
        return json(204, null);
      },
    });
    const { user } = renderWithProviders(<Providers />, { route: "/providers", locale: "de" });

    const openai = (await screen.findByRole("heading", { name: "OpenAI" })).closest("li") as HTMLElement;
    expect(within(openai).getByText("Verbunden")).toBeInTheDocument();
    expect(within(openai).getByText("…abcd")).toBeInTheDocument();
    expect(within(openai).getByText("3")).toBeInTheDocument();
    const anthropic = (await screen.findByRole("heading", { name: "Anthropic" })).closest(
      "li",
    ) as HTMLElement;
    expect(within(anthropic).getByText("Fehler")).toBeInTheDocument();
    expect(within(anthropic).getByText("Kein Guthaben — bitte aufladen.")).toBeInTheDocument();

    await user.click(within(anthropic).getByRole("button", { name: "Erneut prüfen" }));
    expect(await screen.findByText("anthropic funktioniert")).toBeInTheDocument();
    expect(api.calls).toContainEqual(
      expect.objectContaining({ method: "POST", path: "/api/providers/c2/check" }),
    );

    await user.click(within(openai).getByRole("button", { name: "Löschen" }));
    const dialog = await screen.findByRole("alertdialog");
    expect(within(dialog).getByText("„openai“ löschen?")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Löschen" }));
    expect(await screen.findByText("„openai“ gelöscht")).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "OpenAI" })).not.toBeInTheDocument();
  });

  it("opens the connect flow in a dialog from 'Add provider', tools included", async () => {
    mockApi({ "GET /api/providers/catalog": catalogFixture, "GET /api/providers": [] });
    const { user } = renderWithProviders(<Providers />, { route: "/providers" });
    expect(await screen.findByText("No AI provider connected yet")).toBeInTheDocument();
    await user.click(screen.getAllByRole("button", { name: "Add provider" })[0] as HTMLElement);
    const dialog = await screen.findByRole("dialog", { name: "Add a provider" });
    expect(within(dialog).getByRole("button", { name: "Set up OpenAI" })).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Set up Brave Search" })).toBeInTheDocument();
  });
});
