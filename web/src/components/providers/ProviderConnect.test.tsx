import { screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { json, mockApi, renderWithProviders } from "@/test/render";
import { freeCredentialName, keyLooksWrong } from "./catalog";
import { catalogFixture, credentialFixture } from "./fixtures";
import { ProviderConnect } from "./ProviderConnect";

describe("ProviderConnect", () => {
  it("shows the steps, reports an invalid key at the key field, then connects with a good key", async () => {
    let attempts = 0;
    const api = mockApi({
      "GET /api/providers/catalog": catalogFixture,
      "GET /api/providers": [],
      "POST /api/providers": () => {
        attempts += 1;
        return attempts === 1
          ? json(400, {
              error: {
                code: "invalid_key",
                message: "Key ungültig — bitte prüfen, ob er vollständig kopiert wurde.",
              },
            })
          : json(201, credentialFixture());
      },
    });
    const onContinue = vi.fn();
    const { user } = renderWithProviders(<ProviderConnect continueLabel="Weiter" onContinue={onContinue} />, {
      locale: "de",
    });

    // Tools (Brave) are not offered in the wizard.
    expect(await screen.findByRole("button", { name: "OpenAI einrichten" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Brave Search einrichten" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "OpenAI einrichten" }));

    const links = screen.getAllByRole("link", { name: /Öffnen/ });
    expect(links).toHaveLength(2);
    expect(links[0]).toHaveAccessibleDescription(/Create an account/); // which step the link is for
    for (const link of links) {
      expect(link).toHaveAttribute("target", "_blank");
      expect(link.getAttribute("rel")).toContain("noopener");
    }
    expect(screen.getByText("Create an account")).toBeInTheDocument();

    const key = screen.getByLabelText(/API-Key/);
    expect(key).toHaveAttribute("type", "password");
    expect(key).toHaveFocus();
    expect(screen.queryByLabelText(/Adresse/)).not.toBeInTheDocument();
    await user.type(key, "sk-wrong");
    await user.click(screen.getByRole("button", { name: "Key anzeigen" }));
    expect(key).toHaveAttribute("type", "text");

    await user.click(screen.getByRole("button", { name: "Testen & Speichern" }));
    // The server's "Key ungültig — bitte prüfen, …" becomes a headline and its advice.
    expect(await screen.findByText("Key ungültig")).toBeInTheDocument();
    expect(screen.getByText("Bitte prüfen, ob er vollständig kopiert wurde.")).toBeInTheDocument();
    expect(key).toHaveAttribute("aria-invalid", "true");
    expect(key).toHaveAccessibleDescription(/vollständig kopiert/);

    await user.clear(key);
    await user.type(key, "sk-good-key-1234");
    await user.click(screen.getByRole("button", { name: "Testen & Speichern" }));
    expect(await screen.findByText("OpenAI ist verbunden")).toBeInTheDocument();
    const models = screen.getByRole("list", { name: "Verfügbare Modelle" });
    expect(within(models).getByText("gpt-4.1-mini")).toBeInTheDocument();
    expect(screen.getByText("3 Modelle verfügbar")).toBeInTheDocument();

    const posts = api.calls.filter((c) => c.method === "POST" && c.path === "/api/providers");
    expect(posts[1]?.body).toEqual({
      type: "openai",
      name: "openai",
      api_key: "sk-good-key-1234",
      base_url: null,
    });
    expect(posts[1]?.search).toBe("?validate=true");

    await user.click(screen.getByRole("button", { name: "Weiter" }));
    expect(onContinue).toHaveBeenCalledWith(expect.objectContaining({ id: "cred1" }));
  }, 15_000);

  it("shows the address field for Ollama (prefilled) and OpenAI-compatible (required), in English", async () => {
    const api = mockApi({
      "GET /api/providers/catalog": catalogFixture,
      "GET /api/providers": [],
      "POST /api/providers": [
        400,
        { error: { code: "ollama_down", message: "Ollama is not running at http://localhost:11434." } },
      ],
    });
    const { user } = renderWithProviders(<ProviderConnect continueLabel="Next" onContinue={() => {}} />);
    await user.click(await screen.findByRole("button", { name: "Set up Ollama" }));
    const address = screen.getByLabelText(/Address/);
    expect(address).toHaveValue("http://localhost:11434");
    expect(screen.queryByLabelText(/API key/)).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Test & save" }));
    expect(await screen.findByText("Not reachable")).toBeInTheDocument();
    expect(address).toHaveAccessibleDescription(/not running/);
    expect(api.calls.at(-1)?.body).toEqual({
      type: "ollama",
      name: "ollama",
      api_key: null,
      base_url: "http://localhost:11434",
    });

    await user.click(screen.getByRole("button", { name: /Other provider/ }));
    await user.click(screen.getByRole("button", { name: "Set up OpenAI-compatible" }));
    const url = screen.getByLabelText(/Address/);
    expect(url).toHaveValue("");
    expect(url).toBeRequired();
    expect(screen.getByRole("button", { name: "Test & save" })).toBeDisabled();
    expect(screen.getByLabelText(/API key/)).not.toBeRequired();
  });

  it("offers tool keys on request and names a second credential of a type uniquely", async () => {
    const api = mockApi({
      "GET /api/providers/catalog": catalogFixture,
      "GET /api/providers": [credentialFixture()],
      "POST /api/providers": [201, credentialFixture({ id: "c2", name: "openai-2" })],
    });
    const { user } = renderWithProviders(
      <ProviderConnect includeTools continueLabel="Done" onContinue={() => {}} />,
    );
    expect(await screen.findByRole("button", { name: "Set up Brave Search" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Set up OpenAI" }));
    await user.type(screen.getByLabelText(/API key/), "sk-another-key");
    await user.click(screen.getByRole("button", { name: "Test & save" }));
    await screen.findByText("OpenAI is connected");
    expect(api.calls.find((c) => c.method === "POST")?.body).toMatchObject({ name: "openai-2" });
  });
});

describe("catalog helpers", () => {
  it("finds a free name and notices a key of the wrong shape", () => {
    expect(freeCredentialName("openai", [])).toBe("openai");
    expect(freeCredentialName("openai", [{ name: "openai" }, { name: "openai-2" }])).toBe("openai-3");
    const openai = catalogFixture[0];
    if (!openai) throw new Error("fixture");
    expect(keyLooksWrong(openai, "AIzaXYZ")).toBe(true);
    expect(keyLooksWrong(openai, "sk-abc")).toBe(false);
    expect(keyLooksWrong(openai, "sk")).toBe(false);
  });
});
