import { useRouteError } from 'react-router';
import { useTranslation } from 'react-i18next';

export function RouteError() {
  const error = useRouteError() as Error | undefined;
  const { t } = useTranslation();
  return (
    <main className="page-message" role="alert">
      <p>{t('common.error', { message: error?.message ?? String(error) })}</p>
      <button type="button" onClick={() => window.location.reload()}>{t('common.retry')}</button>
    </main>
  );
}
