import { type ReactNode, useEffect, useState } from "react";
import { cn } from "@/components/ui";
import { useT } from "@/i18n";

export type NavSection = { id: string; icon: ReactNode; title: string; hasError?: boolean };

/** The editor's section list (desktop): scrolls to a section, marks the one in view and those with errors. */
export function SectionNav({ sections }: { sections: readonly NavSection[] }) {
  const t = useT();
  const [active, setActive] = useState(sections[0]?.id);
  useEffect(() => {
    let frame = 0;
    const update = () => {
      frame = 0;
      let current = sections[0]?.id;
      for (const section of sections) {
        const element = document.getElementById(section.id);
        if (element && element.getBoundingClientRect().top <= 140) current = section.id;
      }
      const atBottom = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 4;
      setActive(atBottom ? sections[sections.length - 1]?.id : current);
    };
    const onScroll = () => {
      if (!frame) frame = requestAnimationFrame(update);
    };
    update();
    window.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      window.removeEventListener("scroll", onScroll);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [sections]);

  return (
    <nav aria-label={t("editor.sections")} className="hidden lg:block">
      <ul className="sticky top-20 grid gap-0.5">
        {sections.map((section) => (
          <li key={section.id}>
            <button
              type="button"
              aria-current={active === section.id ? "location" : undefined}
              onClick={() => document.getElementById(section.id)?.scrollIntoView({ behavior: "smooth" })}
              className={cn(
                "flex w-full items-center gap-2 rounded-md px-2.5 py-1.5 text-start text-sm transition-colors [&_svg]:size-4",
                active === section.id
                  ? "bg-subtle font-medium text-fg"
                  : "text-fg-muted hover:bg-subtle/70 hover:text-fg",
              )}
            >
              <span aria-hidden>{section.icon}</span>
              <span className="flex-1 truncate">{section.title}</span>
              {section.hasError && <span aria-hidden className="size-1.5 shrink-0 rounded-full bg-danger" />}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
