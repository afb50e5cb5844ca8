import type { en } from "./en";

export type Locale = "de" | "en";
export const LOCALES: readonly Locale[] = ["de", "en"];

/** A plural message: chosen by Intl.PluralRules on the `count` variable. */
export type Plural = { readonly one: string; readonly other: string };

type Shape<T> = T extends string ? string : T extends Plural ? Plural : never;

/** The catalogue shape: en.ts's keys, each a string or a plural (same kind in every language). */
export type Messages = { readonly [K in keyof typeof en]: Shape<(typeof en)[K]> };
export type MessageKey = keyof Messages;
/** Keys whose message is a plural: `t` requires `count` for them. */
export type PluralKey = { [K in MessageKey]: Messages[K] extends Plural ? K : never }[MessageKey];

export type Vars = Record<string, string | number>;
