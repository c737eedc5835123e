// zh-CN first, English by switch; the choice is remembered per browser, and `?lang=en` in a wall's URL
// sets it for that screen.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { zhCN } from './locales/zh-CN';
import { en } from './locales/en';

export type Language = 'zh-CN' | 'en';
const KEY = 'citypulse.lang';

function initialLanguage(): Language {
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  if (fromUrl === 'en' || fromUrl === 'zh-CN') return fromUrl;
  return localStorage.getItem(KEY) === 'en' ? 'en' : 'zh-CN';
}

export async function initI18n(): Promise<void> {
  const lng = initialLanguage();
  await i18next.use(initReactI18next).init({
    lng,
    fallbackLng: 'zh-CN',
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  document.documentElement.lang = lng;
  i18next.on('languageChanged', (language) => {
    document.documentElement.lang = language;
  });
}

export function switchLanguage(): void {
  const next: Language = i18next.language === 'en' ? 'zh-CN' : 'en';
  localStorage.setItem(KEY, next);
  void i18next.changeLanguage(next);
}

/** Picks the name in the current language from a record with nameZh/nameEn. */
export function localName(item: { nameZh: string; nameEn: string } | undefined | null, language: string): string {
  if (!item) return '';
  return language === 'en' ? item.nameEn : item.nameZh;
}
