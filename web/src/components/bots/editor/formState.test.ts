import { describe, expect, it } from "vitest";
import { credentials } from "./fixtures";
import {
  emptyForm,
  modelValues,
  normalizeTime,
  parseSchedule,
  pickModel,
  toBody,
  toCron,
  toFormErrors,
  usableCredentials,
} from "./formState";

describe("schedule choices ↔ cron", () => {
  it.each([
    ["0 9 * * 1-5", "weekdays"],
    ["30 7 * * *", "daily"],
    ["0 9 * * 1", "weekly"],
    ["15 * * * *", "hourly"],
    ["*/10 * * * *", "every"],
    ["0 8,13,18 * * *", "custom"],
    ["*/7 * * * *", "custom"],
  ])("%s reads as %s and round-trips", (cron, mode) => {
    const schedule = parseSchedule(cron);
    expect(schedule.mode).toBe(mode);
    expect(toCron(schedule)).toBe(cron);
  });

  it("is manual without a cron", () => {
    expect(parseSchedule(null).mode).toBe("manual");
    expect(toCron(parseSchedule(null))).toBeNull();
  });
});

describe("form helpers", () => {
  it("keeps only connected AI credentials with models", () => {
    expect(modelValues(usableCredentials(credentials))).toEqual([
      "openai:gpt-4o-mini",
      "openai:gpt-4.1",
      "mistral:mistral-small-latest",
    ]);
  });

  it("maps API error paths to the editor's fields", () => {
    expect(
      toFormErrors({
        name: "taken",
        "fallback_models[1]": "unknown model",
        "tools.0": "unknown tool",
        color: "is not a known field",
      }),
    ).toEqual({
      name: "taken",
      fallback_models: "unknown model",
      tools: "unknown tool",
      body: "color: is not a known field",
    });
  });

  it("sends empty optional numbers as null and a comma decimal as a number", () => {
    const body = toBody({ ...emptyForm(), name: " A ", budgetDailyUsd: "1,5", maxOutputTokens: "" });
    expect(body).toMatchObject({ name: "A", budget_daily_usd: 1.5, max_output_tokens: null, schedule: null });
  });
});

describe("normalizeTime", () => {
  it.each([
    ["7", "07:00"],
    ["730", "07:30"],
    ["7:30", "07:30"],
    ["07.05", "07:05"],
    ["23:59", "23:59"],
    ["24:00", null],
    ["7:60", null],
    ["abc", null],
  ])("%s → %s", (text, time) => {
    expect(normalizeTime(text)).toBe(time);
  });
});

describe("pickModel", () => {
  const models = ["openai:gpt-4.1", "openai:gpt-4o-mini", "mistral:mistral-small-latest"];
  it("guesses by the template's tier", () => {
    expect(pickModel(models, "cheap")).toBe("openai:gpt-4o-mini");
    expect(pickModel(models, "best")).toBe("openai:gpt-4.1");
    expect(pickModel(models, undefined)).toBe("openai:gpt-4.1");
    expect(pickModel([], "cheap")).toBe("");
  });
});
