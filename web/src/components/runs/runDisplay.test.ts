import { describe, expect, it } from "vitest";
import { errorHint, formatArguments, gist, matchesFilter, runState, tail, toolCalls } from "./runDisplay";

describe("runState", () => {
  it("tells a missed or dropped fire from a cancel", () => {
    expect(runState({ status: "cancelled", error_code: "missed" })).toBe("missed");
    expect(runState({ status: "cancelled", error_code: "dropped" })).toBe("missed");
    expect(runState({ status: "cancelled", error_code: null })).toBe("cancelled");
    expect(runState({ status: "timeout" })).toBe("failed");
  });

  it("filters by what a person means", () => {
    expect(matchesFilter({ status: "timeout" }, "error")).toBe(true);
    expect(matchesFilter({ status: "pending" }, "active")).toBe(true);
    expect(matchesFilter({ status: "cancelled", error_code: "missed" }, "missed")).toBe(true);
    expect(matchesFilter({ status: "cancelled", error_code: "missed" }, "error")).toBe(false);
    expect(matchesFilter({ status: "completed" }, "success")).toBe(true);
  });
});

describe("gist", () => {
  it("takes the first meaningful line without Markdown", () => {
    expect(gist("\n\n## 3 neue Treffer\n- a")).toBe("3 neue Treffer");
    expect(gist("---\n**Nike** [AM90](https://x) `35 €`")).toBe("Nike AM90 35 €");
    expect(gist("| a | b |\n|---|---|")).toBe("| a | b |");
    expect(gist(null)).toBe("");
    expect(gist("x".repeat(200), 20)).toHaveLength(20);
  });

  it("keeps the end of a streaming text", () => {
    expect(tail("## Hallo\n**Welt**")).toBe("Hallo Welt");
    expect(tail("a".repeat(300), 10)).toBe(`…${"a".repeat(9)}`);
  });
});

describe("errorHint", () => {
  it("names what to do and the action that helps", () => {
    expect(errorHint({ status: "failed", error_code: "invalid_key" })).toEqual({
      text: "run.hint.invalid_key",
      action: "providers",
    });
    expect(errorHint({ status: "timeout", error_code: null })?.action).toBe("editBot");
    expect(errorHint({ status: "failed", error_code: "something_new" })).toBeNull();
  });
});

describe("toolCalls", () => {
  it("reads the tool call entries of a run log", () => {
    const calls = toolCalls([
      { at: "t", level: "info", message: "Run started." },
      {
        at: "t",
        level: "info",
        message: "Tool call web_search.",
        tool: "web_search",
        function: "web_search",
        arguments: '{"query":"nike"}',
        duration_ms: 120,
        result_chars: 800,
      },
      { level: "warning", message: "refused", function: "rm", error: "not_allowed" },
    ]);
    expect(calls).toHaveLength(2);
    expect(formatArguments(calls[0]?.arguments)).toBe('query="nike"');
    expect(calls[1]?.error).toBe("not_allowed");
  });
});
