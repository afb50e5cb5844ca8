import { Languages, Monitor, Moon, Sun } from "lucide-react";
import { LOCALES, useLocale, useT } from "@/i18n";
import { THEMES, type Theme, useTheme } from "@/theme/theme";
import { Button } from "../ui/Button";
import { DropdownMenu } from "../ui/DropdownMenu";

const themeIcons: Record<Theme, typeof Sun> = { light: Sun, dark: Moon, system: Monitor };

export function ThemeSwitch() {
  const t = useT();
  const { theme, setTheme } = useTheme();
  const Icon = themeIcons[theme];
  const label = `${t("theme.label")}: ${t(`theme.${theme}`)}`;
  return (
    <DropdownMenu
      trigger={
        <Button variant="ghost" size="icon" aria-label={label}>
          <Icon aria-hidden />
        </Button>
      }
      items={[
        { type: "label", label: t("theme.label") },
        ...THEMES.map((value) => {
          const ItemIcon = themeIcons[value];
          return {
            label: t(`theme.${value}`),
            icon: <ItemIcon aria-hidden />,
            checked: value === theme,
            onSelect: () => setTheme(value),
          };
        }),
      ]}
    />
  );
}

export function LanguageSwitch() {
  const t = useT();
  const [locale, setLocale] = useLocale();
  return (
    <DropdownMenu
      trigger={
        <Button
          variant="ghost"
          size="sm"
          className="h-9 px-2"
          aria-label={`${t("language.label")}: ${t(`language.${locale}`)}`}
        >
          <Languages aria-hidden />
          <span className="text-xs font-semibold uppercase">{locale}</span>
        </Button>
      }
      items={[
        { type: "label", label: t("language.label") },
        ...LOCALES.map((value) => ({
          label: t(`language.${value}`),
          checked: value === locale,
          onSelect: () => setLocale(value),
        })),
      ]}
    />
  );
}
