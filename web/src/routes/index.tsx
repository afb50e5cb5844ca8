/**
 * The route table (final: screens replace the placeholder modules, not this file's paths).
 * Every route except the dashboard is its own lazy chunk.
 */
import { lazy, Suspense } from "react";
import { Route, Routes } from "react-router";
import { Spinner } from "@/components/ui";
import Dashboard from "./Dashboard";

const Welcome = lazy(() => import("./Welcome"));
const Templates = lazy(() => import("./Templates"));
const BotNew = lazy(() => import("./BotNew"));
const BotPage = lazy(() => import("./BotPage"));
const BotEdit = lazy(() => import("./BotEdit"));
const RunDetail = lazy(() => import("./RunDetail"));
const Providers = lazy(() => import("./Providers"));
const NotFound = lazy(() => import("./NotFound"));

export const paths = {
  dashboard: () => "/",
  welcome: () => "/welcome",
  templates: () => "/templates",
  newBot: (template?: string) =>
    template ? `/bots/new?template=${encodeURIComponent(template)}` : "/bots/new",
  bot: (botId: string) => `/bots/${encodeURIComponent(botId)}`,
  editBot: (botId: string) => `/bots/${encodeURIComponent(botId)}/edit`,
  run: (runId: string) => `/runs/${encodeURIComponent(runId)}`,
  providers: () => "/providers",
};

function PageFallback() {
  return (
    <div className="flex justify-center py-16 text-fg-muted">
      <Spinner className="size-5" />
    </div>
  );
}

export function AppRoutes() {
  return (
    <Suspense fallback={<PageFallback />}>
      <Routes>
        <Route index element={<Dashboard />} />
        <Route path="welcome" element={<Welcome />} />
        <Route path="templates" element={<Templates />} />
        <Route path="bots/new" element={<BotNew />} />
        <Route path="bots/:botId" element={<BotPage />} />
        <Route path="bots/:botId/edit" element={<BotEdit />} />
        <Route path="runs/:runId" element={<RunDetail />} />
        <Route path="providers" element={<Providers />} />
        <Route path="*" element={<NotFound />} />
      </Routes>
    </Suspense>
  );
}
