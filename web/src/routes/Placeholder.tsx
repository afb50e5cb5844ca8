import { Construction } from "lucide-react";
import type { ReactNode } from "react";
import { PageHeader } from "@/components/layout/AppShell";
import { EmptyState } from "@/components/ui";
import { useT } from "@/i18n";

/** Temporary body of a route until its screen lands. Delete once no route uses it. */
export function Placeholder({ title, children }: { title: ReactNode; children?: ReactNode }) {
  const t = useT();
  return (
    <>
      <PageHeader title={title} />
      <EmptyState icon={<Construction />} title={t("placeholder.note")} description={children} />
    </>
  );
}
