import { describe, expect, it } from "vitest";
import {
  formatDateTime,
  formatDuration,
  formatNumber,
  formatPercent,
  formatRelative,
  formatTokens,
  formatUsd,
} from "./format";

// Intl output uses narrow no-break spaces in places; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("formatUsd", () => {
  it("shows unknown for null", () => {
    expect(formatUsd("de", null, "unbekannt")).toBe("unbekannt");
    expect(formatUsd("en", undefined, "unknown")).toBe("unknown");
  });
  it("keeps small amounts readable", () => {
    expect(plain(formatUsd("en", 0.00014))).toBe("$0.00014");
    expect(plain(formatUsd("de", 0.00014))).toBe("0,00014 $");
    expect(plain(formatUsd("en", 0.0123))).toBe("$0.0123");
    expect(plain(formatUsd("en", 0))).toBe("$0.00");
    expect(plain(formatUsd("en", 12.5))).toBe("$12.50");
    expect(plain(formatUsd("de", 1234.5))).toBe("1.234,50 $");
  });
});

describe("numbers and tokens", () => {
  it("formats per locale", () => {
    expect(formatNumber("de", 1234567)).toBe("1.234.567");
    expect(formatNumber("en", 1234567)).toBe("1,234,567");
    expect(formatNumber("en", null)).toBe("–");
    expect(formatTokens("en", 1234)).toBe("1,234");
    expect(formatTokens("en", 12345)).toBe("12.3K");
    expect(plain(formatTokens("de", 1_234_567))).toBe("1,2 Mio.");
    expect(plain(formatPercent("de", 0.8))).toBe("80 %");
    expect(formatPercent("en", 0.8)).toBe("80%");
  });
});

describe("formatRelative", () => {
  const now = Date.parse("2025-03-12T12:00:00Z");
  it("says how long ago", () => {
    expect(formatRelative("de", "2025-03-12T11:55:00Z", now)).toBe("vor 5 Min.");
    expect(formatRelative("en", "2025-03-12T11:55:00Z", now)).toBe("5 min ago");
    expect(formatRelative("en", "2025-03-12T14:00:00Z", now)).toBe("in 2 hr");
    expect(formatRelative("de", "2025-03-11T12:00:00Z", now)).toBe("gestern");
    expect(formatRelative("en", "2025-03-12T11:59:50Z", now)).toBe("now");
    expect(formatRelative("de", null, now)).toBe("–");
  });
});

describe("formatDuration", () => {
  it("picks a unit", () => {
    expect(formatDuration("en", 850)).toBe("850 ms");
    expect(formatDuration("en", 4200)).toBe("4.2 s");
    expect(formatDuration("de", 4200)).toBe("4,2 s");
    expect(formatDuration("en", 185_000)).toBe("3 min 5 s");
    expect(formatDuration("en", 3_720_000)).toBe("1 h 2 min");
    expect(formatDuration("en", null)).toBe("–");
  });
});

describe("formatDateTime", () => {
  it("formats in a given zone", () => {
    expect(plain(formatDateTime("de", "2025-03-12T13:05:00Z", "–", "Europe/Berlin"))).toBe(
      "12.03.2025, 14:05",
    );
    expect(plain(formatDateTime("en", "2025-03-12T13:05:00Z", "–", "UTC"))).toBe("Mar 12, 2025, 1:05 PM");
  });
});
