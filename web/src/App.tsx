import { QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { BrowserRouter } from "react-router";
import { LiveProvider } from "@/api/live";
import { AppShell } from "@/components/layout/AppShell";
import { ErrorBoundary } from "@/components/layout/ErrorBoundary";
import { ServerLanguageSync } from "@/components/layout/ServerLanguage";
import { Toaster, TooltipProvider } from "@/components/ui";
import { I18nProvider } from "@/i18n";
import { createQueryClient } from "@/queryClient";
import { AppRoutes } from "@/routes";
import { ThemeProvider } from "@/theme/theme";

/** Every app-wide provider, in order. Tests use the same via renderWithProviders. */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  return (
    <I18nProvider>
      <ThemeProvider>
        <QueryClientProvider client={queryClient}>
          <LiveProvider>
            <TooltipProvider delayDuration={300}>
              {children}
              <Toaster />
            </TooltipProvider>
          </LiveProvider>
        </QueryClientProvider>
      </ThemeProvider>
    </I18nProvider>
  );
}

export default function App() {
  return (
    <Providers>
      <ErrorBoundary>
        <ServerLanguageSync />
        <BrowserRouter>
          <AppShell>
            <AppRoutes />
          </AppShell>
        </BrowserRouter>
      </ErrorBoundary>
    </Providers>
  );
}
