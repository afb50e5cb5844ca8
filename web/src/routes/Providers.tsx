import { Plus } from "lucide-react";
import { useState } from "react";
import { PageHeader } from "@/components/layout/AppShell";
import { CredentialList } from "@/components/providers/CredentialList";
import { ProviderConnect } from "@/components/providers/ProviderConnect";
import { Button, Dialog } from "@/components/ui";
import { useT } from "@/i18n";

/** `/providers` — AI provider credentials (components in components/providers). */
export default function Providers() {
  const t = useT();
  const [adding, setAdding] = useState(false);
  const add = (
    <Button onClick={() => setAdding(true)}>
      <Plus aria-hidden />
      {t("providers.add")}
    </Button>
  );
  return (
    <>
      <PageHeader title={t("route.providers.title")} description={t("providers.lead")} actions={add} />
      <CredentialList addAction={add} />
      <Dialog
        open={adding}
        onOpenChange={setAdding}
        size="lg"
        title={t("providers.addTitle")}
        description={t("providers.addLead")}
      >
        {adding && (
          <ProviderConnect
            includeTools
            continueLabel={t("providers.done")}
            onContinue={() => setAdding(false)}
          />
        )}
      </Dialog>
    </>
  );
}
