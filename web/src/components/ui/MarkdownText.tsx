import { lazy, Suspense } from "react";

const Markdown = lazy(() => import("./Markdown"));

/** Text written as Markdown (a bot's answer), rendered sanitised from a lazy chunk (plain text until it has
 * loaded), with a caret while it streams. */
export function MarkdownText({ text, streaming = false }: { text: string; streaming?: boolean }) {
  return (
    <div aria-busy={streaming || undefined}>
      <Suspense
        fallback={
          <div className="whitespace-pre-wrap break-words text-sm leading-relaxed text-fg">{text}</div>
        }
      >
        <Markdown text={text} />
      </Suspense>
      {streaming && (
        <span aria-hidden className="mt-1 inline-block h-4 w-1.5 animate-pulse rounded-xs bg-accent" />
      )}
    </div>
  );
}
