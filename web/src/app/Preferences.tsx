// The language switch and the large-text high-contrast switch, shown on every page but the wall.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { switchLanguage } from './i18n';
import { isLargeText, setLargeText } from './preferences';

export function Preferences() {
  const { t } = useTranslation();
  const [large, setLarge] = useState(isLargeText);
  return (
    <div className="preferences">
      <button type="button" onClick={switchLanguage} title={t('common.languageLabel')} lang={t('common.language') === 'English' ? 'en' : 'zh-CN'}>
        {t('common.language')}
      </button>
      <button type="button" aria-pressed={large} onClick={() => { setLargeText(!large); setLarge(!large); }}>
        {t('common.largeText')}
      </button>
    </div>
  );
}
