import { Link } from "react-router";
import { PageHeader } from "@/components/layout/AppShell";
import { buttonClass } from "@/components/ui";
import { useT } from "@/i18n";

/** Any unknown path. */
export default function NotFound() {
  const t = useT();
  return (
    <>
      <PageHeader title={t("route.notFound.title")} description={t("route.notFound.body")} />
      <Link to="/" className={buttonClass("secondary")}>
        {t("errors.toDashboard")}
      </Link>
    </>
  );
}
