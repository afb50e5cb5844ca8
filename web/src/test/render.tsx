/**
 * renderWithProviders: the app's providers (i18n, theme, QueryClient, live store, tooltips, toasts) around
 * a component, at a route, with `fetch` mocked.
 *
 *   const api = mockApi({ "GET /api/bots": [bot], "POST /api/bots": [422, { error: {...} }] });
 *   renderWithProviders(<BotList />, { route: "/", locale: "de" });
 *   expect(await screen.findByText("News")).toBeVisible();
 *   expect(api.calls).toContainEqual(expect.objectContaining({ method: "POST", path: "/api/bots" }));
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type RenderOptions, render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement, ReactNode } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import { vi } from "vitest";
import { LiveProvider } from "@/api/live";
import { Toaster, TooltipProvider } from "@/components/ui";
import { I18nProvider, type Locale } from "@/i18n";
import { ThemeProvider } from "@/theme/theme";

type Reply = unknown | [status: number, body: unknown] | ((request: Request) => Response | Promise<Response>);
export type ApiCall = { method: string; path: string; search: string; body: unknown };

/**
 * Mock `fetch` for "METHOD /path" keys (path without query string). A tuple reply is [status, body];
 * anything else is a 200 JSON body. Unmatched requests answer 404 not_found.
 */
export function mockApi(routes: Record<string, Reply> = {}) {
  const calls: ApiCall[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = await request.clone().text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    calls.push({ method: request.method, path: url.pathname, search: url.search, body });
    const reply = routes[`${request.method} ${url.pathname}`];
    if (reply === undefined) return json(404, { error: { code: "not_found", message: "no mock" } });
    if (typeof reply === "function") return reply(request);
    if (Array.isArray(reply) && reply.length === 2 && typeof reply[0] === "number")
      return json(reply[0], reply[1]);
    return json(200, reply);
  });
  vi.stubGlobal("fetch", fetchMock);
  return { fetch: fetchMock, calls };
}

export function json(status: number, body: unknown): Response {
  if (status === 204) return new Response(null, { status });
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

export function createTestQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, gcTime: Number.POSITIVE_INFINITY },
      mutations: { retry: false },
    },
  });
}

type Options = Omit<RenderOptions, "wrapper"> & {
  route?: string;
  /** A route pattern for the element, to get params (e.g. "/bots/:botId"). */
  path?: string;
  locale?: Locale;
  queryClient?: QueryClient;
};

type ProviderProps = {
  route: string;
  path?: string;
  locale: Locale;
  queryClient: QueryClient;
  children: ReactNode;
};

/** The providers renderWithProviders puts around a component. */
export function TestProviders({ route, path, locale, queryClient, children }: ProviderProps) {
  return (
    <I18nProvider locale={locale}>
      <ThemeProvider>
        <QueryClientProvider client={queryClient}>
          <LiveProvider>
            <TooltipProvider>
              <MemoryRouter initialEntries={[route]}>
                {path ? (
                  <Routes>
                    <Route path={path} element={children} />
                  </Routes>
                ) : (
                  children
                )}
              </MemoryRouter>
              <Toaster />
            </TooltipProvider>
          </LiveProvider>
        </QueryClientProvider>
      </ThemeProvider>
    </I18nProvider>
  );
}

export function renderWithProviders(ui: ReactElement, options: Options = {}) {
  const { route = "/", path, locale = "en", queryClient = createTestQueryClient(), ...rest } = options;
  const result = render(
    <TestProviders route={route} path={path} locale={locale} queryClient={queryClient}>
      {ui}
    </TestProviders>,
    rest,
  );
  return { user: userEvent.setup(), queryClient, ...result };
}
