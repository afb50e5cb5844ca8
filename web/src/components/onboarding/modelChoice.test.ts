import { describe, expect, it } from "vitest";
import { credentialFixture } from "@/components/providers/fixtures";
import { modelFreeCredential, modelOptions, preferredModel } from "./modelChoice";

const catalog = [
  {
    type: "openai",
    kind: "model",
    recommended_models: [
      { name: "gpt-4.1-nano", tier: "cheap" as const },
      { name: "gpt-4.1-mini", tier: "good" as const },
    ],
  },
  { type: "ollama", kind: "model", recommended_models: [{ name: "llama3.1:8b", tier: "cheap" as const }] },
  { type: "brave", kind: "tool", recommended_models: [] },
];

describe("model choice", () => {
  it("lists connected AI credentials' models as <credential>:<model>, skipping tools and broken keys", () => {
    const options = modelOptions(
      [
        credentialFixture({ models: ["gpt-4o", "gpt-4.1-mini"] }),
        credentialFixture({ id: "2", name: "brave", type: "brave", models: [] }),
        credentialFixture({ id: "3", name: "broken", status: "error" }),
      ],
      catalog,
    );
    expect(options.map((o) => o.value)).toEqual(["openai:gpt-4o", "openai:gpt-4.1-mini"]);
    expect(options[0]?.label).toBe("gpt-4o");
    const withGateway = modelOptions(
      [
        credentialFixture({ models: ["gpt-4o"] }),
        credentialFixture({ name: "gw", type: "openai_compatible", models: [] }),
      ],
      catalog,
    );
    expect(withGateway.map((o) => o.label)).toEqual(["gpt-4o"]); // the credential with no names adds no label noise
  });

  it("offers the catalogue's models when a credential listed none, labelled with the credential when many", () => {
    const options = modelOptions(
      [
        credentialFixture({ models: ["gpt-4o"] }),
        credentialFixture({ id: "2", name: "ollama", type: "ollama", models: [] }),
      ],
      catalog,
    );
    expect(options.map((o) => o.label)).toEqual(["gpt-4o · openai", "llama3.1:8b · ollama"]);
  });

  it("prefers the template's tier, then a small model, then the first", () => {
    const creds = [credentialFixture({ models: ["gpt-4o", "gpt-4.1-mini", "gpt-4.1-nano"] })];
    const options = modelOptions(creds, catalog);
    expect(preferredModel(options, creds, catalog, "good")).toBe("openai:gpt-4.1-mini");
    expect(preferredModel(options, creds, catalog, "cheap")).toBe("openai:gpt-4.1-nano");
    expect(preferredModel(options, creds, catalog, "best")).toBe("openai:gpt-4.1-mini");
    const plain = [
      credentialFixture({ name: "x", type: "openai_compatible", models: ["big", "qwen-small"] }),
    ];
    expect(preferredModel(modelOptions(plain, catalog), plain, catalog)).toBe("x:qwen-small");
    const none = [credentialFixture({ name: "y", type: "openai_compatible", models: ["alpha", "beta"] })];
    expect(preferredModel(modelOptions(none, catalog), none, catalog)).toBe("y:alpha");
    expect(preferredModel([], [], catalog)).toBeUndefined();
  });

  it("names a credential without model names, so the model can be typed in", () => {
    const gateway = credentialFixture({ name: "lmstudio", type: "openai_compatible", models: [] });
    expect(modelFreeCredential([gateway], catalog)).toBe("lmstudio");
    expect(modelFreeCredential([credentialFixture()], catalog)).toBeUndefined();
  });
});
