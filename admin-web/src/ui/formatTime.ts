import type { Language } from '../i18n/messages';

/** RFC 3339 from the server, shown in the admin's own time zone. */
export function formatTime(value: string | undefined, language: Language): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}
