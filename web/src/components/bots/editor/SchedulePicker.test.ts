import { describe, expect, it } from "vitest";
import type { Locale } from "@/i18n";
import { translate } from "@/i18n/translate";
import { describeCron } from "./SchedulePicker";

const words = (cron: string, locale: Locale) =>
  describeCron(cron, locale, (key, vars) => translate(locale, key, vars));

describe("describeCron (the UI's own words when the server writes another language)", () => {
  it.each([
    ["*/15 * * * *", "en", "Every 15 minutes"],
    ["5 * * * *", "de", "Jede Stunde in Minute 5"],
    ["0 8,13,18 * * *", "en", "Daily at 08:00, 13:00, 18:00"],
    ["30 7 * * 1-5", "de", "Werktags um 07:30"],
    ["0 9 * * 1,3", "en", "Every Monday and Wednesday at 09:00"],
    ["0 9 * * 0", "de", "Jeden Sonntag um 09:00"],
  ] as const)("%s (%s) → %s", (cron, locale, expected) => {
    expect(words(cron, locale)).toBe(expected);
  });

  it("leaves other shapes to the server", () => {
    expect(words("0 9 1 * *", "en")).toBeNull();
    expect(words("0 9-17 * * *", "en")).toBeNull();
  });
});
