import type { ReactNode } from "react";

/** One card of the editor, with an anchor id for the section nav. */
export function Section({
  id,
  icon,
  title,
  description,
  children,
}: {
  id: string;
  icon: ReactNode;
  title: ReactNode;
  description: ReactNode;
  children: ReactNode;
}) {
  return (
    <section
      id={id}
      aria-labelledby={`${id}-title`}
      className="min-w-0 scroll-mt-20 rounded-xl border border-border bg-surface shadow-xs"
    >
      <header className="flex items-start gap-3 border-b border-border px-4 py-4 sm:px-6">
        <span
          aria-hidden
          className="mt-0.5 flex size-8 shrink-0 items-center justify-center rounded-lg bg-accent-soft text-accent [&_svg]:size-4"
        >
          {icon}
        </span>
        <div className="grid min-w-0 gap-0.5">
          <h2 id={`${id}-title`} className="text-sm font-semibold text-fg">
            {title}
          </h2>
          <p className="text-sm text-fg-muted">{description}</p>
        </div>
      </header>
      <div className="grid grid-cols-1 gap-5 px-4 py-5 sm:px-6">{children}</div>
    </section>
  );
}
