import { describe, expect, it } from "vitest";
import { de } from "./de";
import { en } from "./en";
import { detectLocale, translate } from "./translate";

const placeholders = (value: unknown): string[] =>
  [...JSON.stringify(value).matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "").sort();

describe("message catalogues", () => {
  it("have the same keys", () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });

  it("use the same placeholders and plural shape per key", () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(de[key]), key).toEqual(placeholders(en[key]));
      expect(typeof de[key], key).toBe(typeof en[key]);
    }
  });

  it("have no empty messages", () => {
    for (const [key, value] of [...Object.entries(en), ...Object.entries(de)]) {
      expect(JSON.stringify(value).length, key).toBeGreaterThan(2);
    }
  });
});

describe("translate", () => {
  it("interpolates and pluralises", () => {
    expect(translate("en", "route.botNew.fromTemplate", { template: "News" })).toBe("From template News");
    expect(translate("de", "common.tokens", { count: 1 })).toBe("1 Token");
    expect(translate("de", "common.tokens", { count: 1200 })).toBe("1.200 Tokens");
    expect(translate("en", "common.tokens", { count: 1200 })).toBe("1,200 tokens");
  });

  it("detects the browser language", () => {
    expect(detectLocale("de-AT")).toBe("de");
    expect(detectLocale("DE")).toBe("de");
    expect(detectLocale("en-US")).toBe("en");
    expect(detectLocale("fr")).toBe("en");
    expect(detectLocale("")).toBe("en");
  });
});
