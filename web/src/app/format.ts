// Date formatters, built once per language and pattern: Intl formatters are costly to create, and the
// big screen formats dozens of times a second on a busy stream.
const cache = new Map<string, Intl.DateTimeFormat>();

import { cityTimeZone } from './city';

export function dateFormat(language: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const locale = language === 'en' ? 'en-GB' : 'zh-CN';
  const zone = cityTimeZone();
  const key = `${locale}|${zone}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone: zone, hour12: false, ...options });
    cache.set(key, format);
  }
  return format;
}

/** A share (0-1) as a percentage with one decimal, or a dash when there is none. */
export const formatShare = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)}%`);
