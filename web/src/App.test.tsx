import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { AppShell } from "@/components/layout/AppShell";
import { Field, Input } from "@/components/ui";
import { AppRoutes } from "@/routes";
import { renderWithProviders } from "@/test/render";

describe("app shell", () => {
  it("renders the nav in German and a 404 page for unknown paths", async () => {
    renderWithProviders(
      <AppShell>
        <AppRoutes />
      </AppShell>,
      { route: "/nowhere", locale: "de" },
    );
    expect(screen.getByRole("link", { name: "Vorlagen" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "KI-Anbieter" })).toBeInTheDocument();
    expect(await screen.findByRole("heading", { name: "Seite nicht gefunden" })).toBeInTheDocument();
  });

  it("switches the language from the top bar", async () => {
    const { user } = renderWithProviders(
      <AppShell>
        <AppRoutes />
      </AppShell>,
      { locale: "en" },
    );
    await user.click(screen.getByRole("button", { name: "Language: English" }));
    await user.click(await screen.findByRole("menuitem", { name: "Deutsch" }));
    expect(screen.getByRole("link", { name: "Vorlagen" })).toBeInTheDocument();
  });
});

describe("Field", () => {
  it("wires label, hint and error to the control", () => {
    renderWithProviders(
      <Field label="Name" hint="Shown on the dashboard" error="must not be empty">
        <Input />
      </Field>,
    );
    const input = screen.getByLabelText("Name");
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAccessibleDescription(/must not be empty/);
  });
});
