/**
 * The typed API client: openapi-fetch over the generated `schema.d.ts` (run `npm run gen:api` after the
 * server's API changed; never edit schema.d.ts by hand).
 *
 *   const bot = await unwrap(api.GET("/api/bots/{bot_id}", { params: { path: { bot_id } } }));
 *
 * `unwrap` returns the data or throws an `ApiError` (code, message, status, fieldErrors).
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";

export const TOKEN_STORAGE_KEY = "openorch.token";

/** When the server has an access token set, the UI sends it (stored under openorch.token). */
const auth: Middleware = {
  onRequest({ request }) {
    let token: string | null = null;
    try {
      token = localStorage.getItem(TOKEN_STORAGE_KEY);
    } catch {
      token = null;
    }
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
};

/**
 * Same origin. (A relative baseUrl "" is what we mean; location.origin is spelled out because `new Request`
 * outside a browser — tests — cannot resolve relative URLs.) `fetch` is looked up per call so tests can mock it.
 */
export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? "",
  fetch: (request) => globalThis.fetch(request),
});
api.use(auth);

export type FieldErrors = Record<string, string>;

/** An error answer from the API (or "network" when there was no answer). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** For 422 invalid_input: field path ("name", "quiet_hours.start") → reason. */
  readonly fieldErrors: FieldErrors;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.fieldErrors = toFieldErrors(details);
  }

  /** The reason for one field, if the server named it. */
  field(name: string): string | undefined {
    return this.fieldErrors[name];
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

const LOCATION_PREFIXES = new Set(["body", "query", "path", "header"]);

function fieldName(item: Record<string, unknown>): string {
  if (typeof item.field === "string" && item.field) return item.field;
  if (Array.isArray(item.loc)) {
    const parts = item.loc.map(String).filter((part, i) => !(i === 0 && LOCATION_PREFIXES.has(part)));
    return parts.join(".") || "body";
  }
  return "body";
}

function fieldReason(item: Record<string, unknown>): string {
  for (const key of ["reason", "message", "msg"]) {
    const value = item[key];
    if (typeof value === "string" && value) return value;
  }
  return "is not valid";
}

/**
 * The server's 422 details are `[{"field": "name", "reason": "…"}]` (app.py `_field_error`); FastAPI-style
 * `{"loc": [...], "msg"}` and `{"message"}` are read too. The first reason per field wins.
 */
export function toFieldErrors(details: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!Array.isArray(details)) return out;
  for (const raw of details) {
    if (!raw || typeof raw !== "object") continue;
    const item = raw as Record<string, unknown>;
    const name = fieldName(item);
    if (!(name in out)) out[name] = fieldReason(item);
  }
  return out;
}

/** Build an ApiError from a status and whatever body came back (`{"error": {code, message, details?}}`). */
export function toApiError(status: number, body: unknown): ApiError {
  const error =
    body && typeof body === "object" && "error" in body && body.error && typeof body.error === "object"
      ? (body.error as Record<string, unknown>)
      : null;
  const code = typeof error?.code === "string" ? error.code : status >= 500 ? "internal" : "http_error";
  const message = typeof error?.message === "string" ? error.message : `HTTP ${status}`;
  return new ApiError(status, code, message, error?.details);
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** Await an openapi-fetch call: its data, or throw ApiError (status 0, code "network" when unreachable). */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError(0, "network", cause instanceof Error ? cause.message : "network error");
  }
  if (result.error !== undefined || !result.response.ok)
    throw toApiError(result.response.status, result.error);
  return result.data as T;
}
