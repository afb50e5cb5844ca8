import { Component, type ErrorInfo, type ReactNode } from "react";
import { useT } from "@/i18n";
import { Button } from "../ui/Button";

function Fallback({ onReset }: { onReset: () => void }) {
  const t = useT();
  return (
    <div role="alert" className="mx-auto flex max-w-md flex-col items-center gap-4 px-4 py-16 text-center">
      <h1 className="text-lg font-semibold text-fg">{t("errors.title")}</h1>
      <p className="text-sm text-fg-muted">{t("errors.boundary")}</p>
      <div className="flex flex-wrap justify-center gap-2">
        <Button onClick={() => window.location.reload()}>{t("errors.reload")}</Button>
        <Button
          variant="secondary"
          onClick={() => {
            onReset();
            window.location.assign("/");
          }}
        >
          {t("errors.toDashboard")}
        </Button>
      </div>
    </div>
  );
}

/** Catches render errors below it and shows a friendly message (details only in the console). */
export class ErrorBoundary extends Component<
  { children: ReactNode; resetKey?: unknown },
  { failed: boolean }
> {
  state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error("UI error", error, info.componentStack);
  }

  componentDidUpdate(previous: { resetKey?: unknown }): void {
    // navigating elsewhere clears the error
    if (this.state.failed && previous.resetKey !== this.props.resetKey) this.setState({ failed: false });
  }

  render(): ReactNode {
    if (this.state.failed) return <Fallback onReset={() => this.setState({ failed: false })} />;
    return this.props.children;
  }
}
