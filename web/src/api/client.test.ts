import { afterEach, describe, expect, it, vi } from "vitest";
import { mockApi } from "@/test/render";
import { ApiError, api, toApiError, toFieldErrors, unwrap } from "./client";

afterEach(() => vi.unstubAllGlobals());

describe("toApiError", () => {
  it("reads the server's 422 shape into field errors", () => {
    const error = toApiError(422, {
      error: {
        code: "invalid_input",
        message: "name: must not be empty",
        details: [
          { field: "name", reason: "must not be empty" },
          { field: "quiet_hours.start", reason: "is not a time" },
          { field: "name", reason: "second reason is ignored" },
        ],
      },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(422);
    expect(error.code).toBe("invalid_input");
    expect(error.message).toBe("name: must not be empty");
    expect(error.fieldErrors).toEqual({ name: "must not be empty", "quiet_hours.start": "is not a time" });
    expect(error.field("name")).toBe("must not be empty");
  });

  it("reads loc/msg and message variants", () => {
    expect(
      toFieldErrors([
        { loc: ["body", "schedule"], msg: "bad cron" },
        { loc: ["query", "limit"], message: "too big" },
        { loc: ["body"], msg: "is not valid JSON" },
      ]),
    ).toEqual({ schedule: "bad cron", limit: "too big", body: "is not valid JSON" });
    expect(toFieldErrors(undefined)).toEqual({});
    expect(toFieldErrors("nonsense")).toEqual({});
  });

  it("copes with bodies that are not ours", () => {
    const error = toApiError(502, "<html>Bad gateway</html>");
    expect(error.code).toBe("internal");
    expect(error.fieldErrors).toEqual({});
    expect(toApiError(409, { error: { code: "name_taken", message: "Taken." } }).code).toBe("name_taken");
  });
});

describe("unwrap", () => {
  it("returns data on success", async () => {
    mockApi({ "GET /api/health": { status: "ok", version: "1.2.3" } });
    const health = await unwrap(api.GET("/api/health"));
    expect(health.version).toBe("1.2.3");
  });

  it("throws ApiError with field errors on 422", async () => {
    mockApi({
      "POST /api/bots": [
        422,
        {
          error: {
            code: "invalid_input",
            message: "model: unknown",
            details: [{ field: "model", reason: "unknown" }],
          },
        },
      ],
    });
    const call = unwrap(api.POST("/api/bots", { body: { name: "x", prompt: "p", model: "m" } as never }));
    await expect(call).rejects.toMatchObject({
      status: 422,
      code: "invalid_input",
      fieldErrors: { model: "unknown" },
    });
  });

  it("throws a network ApiError when fetch fails", async () => {
    vi.stubGlobal("fetch", vi.fn().mockRejectedValue(new TypeError("Failed to fetch")));
    await expect(unwrap(api.GET("/api/status"))).rejects.toMatchObject({ status: 0, code: "network" });
  });

  it("sends the stored access token", async () => {
    const { fetch } = mockApi({ "GET /api/status": { queue_depth: 0 } });
    localStorage.setItem("openorch.token", "s3cret");
    await unwrap(api.GET("/api/status"));
    const request = fetch.mock.calls[0]?.[0] as Request;
    expect(request.headers.get("authorization")).toBe("Bearer s3cret");
  });
});
