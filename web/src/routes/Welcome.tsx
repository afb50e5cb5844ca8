import { OnboardingWizard } from "@/components/onboarding/OnboardingWizard";
import { ProviderConnect } from "@/components/providers/ProviderConnect";
import { useT } from "@/i18n";
import { paths } from ".";

/**
 * `/welcome` — the onboarding wizard (components in components/onboarding). Step 1 is the providers'
 * connect flow; `/welcome?step=provider` reopens it later to add a provider.
 */
export default function Welcome() {
  const t = useT();
  return (
    <OnboardingWizard
      links={{ dashboard: paths.dashboard(), providers: paths.providers(), bot: paths.bot }}
      providerStep={(next, chosen, onChoose) => (
        <ProviderConnect
          continueLabel={t("onboarding.next")}
          onContinue={next}
          chosenType={chosen}
          onChooseType={onChoose}
        />
      )}
    />
  );
}
