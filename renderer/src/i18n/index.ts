// vue-i18n set-up (Composition API). English is the fallback; messages are compiled without eval (CSP-safe).
import { createI18n } from 'vue-i18n';
import en from './en';
import zhCN from './zh-CN';
import type { Locale } from '../stores/settings';

export type Messages = typeof en;
export const messages: Record<Locale, Messages> = { en, 'zh-CN': zhCN };

export function createI18nFor(locale: Locale) {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages,
    missingWarn: false,
    fallbackWarn: false,
  });
}
