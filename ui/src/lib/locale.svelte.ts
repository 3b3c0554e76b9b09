// The user's language, as reactive state; components call `t(...)`.
import { translate, type Key, type Lang, type Params } from './i18n';

export const locale = $state<{ lang: Lang }>({ lang: 'en' });

export function setLang(lang: Lang): void {
  locale.lang = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

export function t(key: Key | (string & {}), params?: Params): string {
  return translate(locale.lang, key, params);
}
