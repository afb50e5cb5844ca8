/** Short names for the generated schema types. Add an alias here when a screen needs one. */
import type { components } from "./schema";

type S = components["schemas"];

export type Health = S["Health"];
export type Status = S["Status"];
export type AppSettings = S["AppSettings"];
export type AppSettingsUpdate = S["AppSettingsUpdate"];
export type Bot = S["BotRead"];
export type BotCreate = S["BotCreate"];
export type BotUpdate = S["BotUpdate"];
export type BotChannel = S["BotChannelRead"];
export type BotChannelLink = S["BotChannelLink"];
export type Run = S["RunRead"];
export type RunSummary = S["RunSummary"];
export type RunStatus = S["RunStatus"];
export type Trigger = S["Trigger"];
export type Credential = S["CredentialRead"];
export type CredentialCreate = S["CredentialCreate"];
export type ProviderType = S["ProviderType"];
export type KeyValidation = S["KeyValidationRead"];
export type KeyValidationRequest = S["KeyValidationRequest"];
export type Channel = S["ChannelRead"];
export type EventRecord = S["EventRead"];
export type EventKind = S["EventKind"];
export type Notification = S["NotificationRead"];
export type SchedulePreview = S["SchedulePreview"];
export type Tool = S["ToolRead"];
export type UsageRow = S["UsageRow"];
export type UsageSummary = S["UsageSummary"];

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ["completed", "failed", "cancelled", "timeout"];
export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}
