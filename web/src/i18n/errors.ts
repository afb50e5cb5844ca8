import { isApiError } from "@/api/client";
import type { TFunction } from "./translate";
import type { MessageKey } from "./types";

const KNOWN: Record<string, MessageKey> = {
  network: "errors.network",
  invalid_input: "errors.invalid_input",
  not_found: "errors.not_found",
  queue_full: "errors.queue_full",
  unauthorized: "errors.unauthorized",
  internal: "errors.internal",
};

/**
 * A sentence for the user about any thrown error: our own words for known ApiError codes, else the server's
 * message (it is written for people), else a generic line. Never a stack trace.
 */
export function errorMessage(t: TFunction, error: unknown): string {
  if (isApiError(error)) {
    const key = KNOWN[error.code];
    if (key) return t(key);
    if (error.message) return error.message;
    return t("errors.unexpected", { code: error.code });
  }
  return t("errors.unexpected", { code: "client" });
}
