import { useI18n } from '../i18n/I18nProvider';
import type { Language } from '../i18n/messages';

const NAMES: Record<Language, string> = { en: 'English', zh: '中文' };

export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <label className="language-switch">
      <span className="visually-hidden">{t('lang.label')}</span>
      <select value={language} aria-label={t('lang.label')} onChange={(e) => setLanguage(e.target.value as Language)}>
        {(Object.keys(NAMES) as Language[]).map((code) => (
          <option key={code} value={code} lang={code === 'zh' ? 'zh-CN' : 'en'}>
            {NAMES[code]}
          </option>
        ))}
      </select>
    </label>
  );
}
