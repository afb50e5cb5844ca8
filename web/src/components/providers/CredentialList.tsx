import { useQuery } from "@tanstack/react-query";
import { KeyRound, RefreshCw, Trash2 } from "lucide-react";
import type { ReactNode } from "react";
import { providerQueries, useDeleteProvider, useRecheckProvider } from "@/api/queries";
import type { Credential } from "@/api/types";
import { AlertDialog, Badge, Button, Card, EmojiTile, EmptyState, Skeleton, toast } from "@/components/ui";
import { useFormat, useT } from "@/i18n";
import { errorMessage } from "@/i18n/errors";
import { type CatalogEntry, useProviderCatalog } from "./catalog";

/** The connected credentials as cards; `addAction` is shown in the empty state. */
export function CredentialList({ addAction }: { addAction?: ReactNode }) {
  const t = useT();
  const list = useQuery(providerQueries.list());
  const catalog = useProviderCatalog();

  if (list.isPending) {
    return (
      <div className="grid gap-3 md:grid-cols-2">
        <Skeleton className="h-36" />
        <Skeleton className="h-36" />
      </div>
    );
  }
  if (list.isError) {
    return (
      <div role="alert" className="grid justify-items-start gap-3 text-sm text-danger">
        {errorMessage(t, list.error)}
        <Button variant="secondary" onClick={() => list.refetch()}>
          {t("common.retry")}
        </Button>
      </div>
    );
  }
  if (list.data.length === 0) {
    return (
      <EmptyState
        icon={<KeyRound />}
        title={t("providers.list.emptyTitle")}
        description={t("providers.list.emptyBody")}
        action={addAction}
      />
    );
  }
  return (
    <ul className="grid gap-3 md:grid-cols-2">
      {list.data.map((credential) => (
        <li key={credential.id} className="min-w-0">
          <CredentialCard
            credential={credential}
            entry={catalog.data?.find((entry) => entry.type === credential.type)}
          />
        </li>
      ))}
    </ul>
  );
}

function CredentialCard({ credential, entry }: { credential: Credential; entry?: CatalogEntry }) {
  const t = useT();
  const f = useFormat();
  const recheck = useRecheckProvider();
  const remove = useDeleteProvider();
  const ok = credential.status === "connected";
  const typeName = entry?.display_name ?? credential.type;

  const check = () =>
    recheck.mutate(credential.id, {
      onSuccess: (fresh) =>
        toast(
          fresh.status === "connected"
            ? { title: t("providers.card.checkOk", { name: fresh.name }), variant: "success" }
            : {
                title: t("providers.card.checkFailed", { name: fresh.name }),
                description: fresh.error_message ?? undefined,
                variant: "error",
              },
        ),
      onError: (error) =>
        toast({ title: t("errors.title"), description: errorMessage(t, error), variant: "error" }),
    });

  const del = () =>
    remove.mutateAsync(credential.id).then(
      () => toast({ title: t("providers.card.deleted", { name: credential.name }), variant: "success" }),
      (error) => {
        toast({ title: t("errors.title"), description: errorMessage(t, error), variant: "error" });
        throw error;
      },
    );

  return (
    <Card className="flex h-full flex-col">
      <div className="flex items-start gap-3 p-4 sm:p-5">
        <EmojiTile emoji={entry?.emoji ?? "🔑"} size="md" />
        <div className="grid min-w-0 flex-1 gap-1">
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <h2 className="truncate text-sm font-semibold text-fg">{typeName}</h2>
            <Badge tone={ok ? "success" : "danger"} dot>
              {ok ? t("providers.card.connected") : t("providers.card.error")}
            </Badge>
          </div>
          <p className="truncate text-xs text-fg-muted">
            <span className="sr-only">{t("providers.card.name")}: </span>
            {credential.name}
          </p>
        </div>
      </div>
      {!ok && credential.error_message && (
        <p className="mx-4 mb-3 rounded-md bg-danger-soft px-3 py-2 text-sm text-danger sm:mx-5">
          {credential.error_message}
        </p>
      )}
      <dl className="mx-4 mb-4 grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:mx-5">
        <div className="grid min-w-0 gap-0.5">
          <dt className="text-xs text-fg-muted">{t("providers.card.key")}</dt>
          <dd className="truncate font-mono text-fg">
            {credential.api_key_hint
              ? `…${credential.api_key_hint.replace(/^[.…]+/, "")}`
              : t("providers.card.noKey")}
          </dd>
        </div>
        <div className="grid min-w-0 gap-0.5">
          <dt className="text-xs text-fg-muted">{t("providers.card.models")}</dt>
          <dd className="text-fg">{f.number(credential.models.length)}</dd>
        </div>
        {credential.base_url && (
          <div className="col-span-2 grid min-w-0 gap-0.5">
            <dt className="text-xs text-fg-muted">{t("providers.card.baseUrl")}</dt>
            <dd className="truncate text-fg" title={credential.base_url}>
              {credential.base_url}
            </dd>
          </div>
        )}
        <div className="col-span-2 grid min-w-0 gap-0.5">
          <dt className="text-xs text-fg-muted">{t("providers.card.created")}</dt>
          <dd className="text-fg">{f.date(credential.created_at)}</dd>
        </div>
      </dl>
      <div className="mt-auto flex flex-wrap items-center justify-end gap-2 border-t border-border px-4 py-3 sm:px-5">
        <Button variant="secondary" size="sm" loading={recheck.isPending} onClick={check}>
          {!recheck.isPending && <RefreshCw aria-hidden />}
          {t("providers.card.check")}
        </Button>
        <AlertDialog
          trigger={
            <Button variant="ghost" size="sm" className="text-danger hover:text-danger">
              <Trash2 aria-hidden />
              {t("common.delete")}
            </Button>
          }
          title={t("providers.card.deleteTitle", { name: credential.name })}
          description={t("providers.card.deleteBody")}
          confirmLabel={t("common.delete")}
          destructive
          onConfirm={del}
        />
      </div>
    </Card>
  );
}
