import { Bot, Menu } from "lucide-react";
import type { ReactNode } from "react";
import { Link, NavLink, useLocation, useNavigate } from "react-router";
import { useT } from "@/i18n";
import type { MessageKey } from "@/i18n/types";
import { Button } from "../ui/Button";
import { cn } from "../ui/cn";
import { DropdownMenu } from "../ui/DropdownMenu";
import { ErrorBoundary } from "./ErrorBoundary";
import { LanguageSwitch, ThemeSwitch } from "./Switchers";

export const NAV: readonly { to: string; label: MessageKey; end?: boolean }[] = [
  { to: "/", label: "nav.dashboard", end: true },
  { to: "/templates", label: "nav.templates" },
  { to: "/providers", label: "nav.providers" },
];

/** Top bar + page area. Pages render their own <PageHeader>. */
export function AppShell({ children }: { children: ReactNode }) {
  const t = useT();
  const location = useLocation();
  const navigate = useNavigate();
  return (
    <div className="flex min-h-dvh flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-[200] focus:rounded-md focus:bg-surface focus:px-3 focus:py-2 focus:text-sm focus:shadow-lg"
      >
        {t("app.skipToContent")}
      </a>
      <header className="sticky top-0 z-40 border-b border-border bg-bg/85 backdrop-blur supports-[backdrop-filter]:bg-bg/70">
        <div className="mx-auto flex h-14 max-w-6xl items-center gap-2 px-3 sm:gap-6 sm:px-6">
          <Link
            to="/"
            className="flex min-w-0 items-center gap-2 rounded-md font-semibold tracking-tight text-fg"
          >
            <span className="flex size-7 shrink-0 items-center justify-center rounded-md bg-accent text-accent-fg">
              <Bot aria-hidden className="size-4" />
            </span>
            <span className="truncate">{t("app.name")}</span>
          </Link>
          <nav aria-label={t("nav.main")} className="hidden items-center gap-1 md:flex">
            {NAV.map((item) => (
              <NavLink
                key={item.to}
                to={item.to}
                end={item.end}
                className={({ isActive }) =>
                  cn(
                    "rounded-md px-3 py-1.5 text-sm font-medium transition-colors",
                    isActive ? "bg-subtle text-fg" : "text-fg-muted hover:bg-subtle hover:text-fg",
                  )
                }
              >
                {t(item.label)}
              </NavLink>
            ))}
          </nav>
          <div className="ms-auto flex items-center gap-0.5">
            <LanguageSwitch />
            <ThemeSwitch />
            <div className="md:hidden">
              <DropdownMenu
                trigger={
                  <Button variant="ghost" size="icon" aria-label={t("nav.menu")}>
                    <Menu aria-hidden />
                  </Button>
                }
                items={NAV.map((item) => ({
                  label: t(item.label),
                  checked: item.end ? location.pathname === item.to : location.pathname.startsWith(item.to),
                  onSelect: () => navigate(item.to),
                }))}
              />
            </div>
          </div>
        </div>
      </header>
      <main
        id="main"
        tabIndex={-1}
        className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 outline-none sm:px-6 sm:py-8"
      >
        <ErrorBoundary resetKey={location.pathname}>{children}</ErrorBoundary>
      </main>
    </div>
  );
}

/** The title row of a page: h1, optional description and actions (wrap on phones). */
export function PageHeader({
  title,
  description,
  actions,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div className="grid min-w-0 gap-1">
        <h1 className="text-xl font-semibold tracking-tight text-fg sm:text-2xl">{title}</h1>
        {description && <p className="text-sm text-fg-muted">{description}</p>}
      </div>
      {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
    </div>
  );
}
