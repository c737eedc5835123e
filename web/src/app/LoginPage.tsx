// The login form. After logging in the user goes where they were heading (`?next=/screen`), else /ops.
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from './session';
import { Preferences } from './Preferences';

function safeNext(next: string | null): string {
  // Only our own paths: a crafted link must not bounce a fresh login to another site.
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/ops';
}

export function LoginPage() {
  const { t } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (session.token && session.me) return <Navigate to={next} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await session.login(username, password);
      navigate(next, { replace: true });
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <header className="login-header">
        <Preferences />
      </header>
      <main id="main" className="login-card">
        <h1>
          <span className="brand-mark" aria-hidden="true" />
          {t('app.name')} · {t('app.title')}
        </h1>
        <h2>{t('login.title')}</h2>
        {params.get('expired') && <p className="form-error" role="alert">{t('login.expired')}</p>}
        {next.startsWith('/screen') && <p className="hint">{t('login.screenHint')}</p>}
        <form onSubmit={submit} noValidate>
          <label htmlFor="username">{t('login.username')}</label>
          <input id="username" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
          <label htmlFor="password">{t('login.password')}</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          {error && <p className="form-error" role="alert">{t('login.failed', { message: error })}</p>}
          <button type="submit" className="primary" disabled={busy || !username || !password}>{busy ? t('login.submitting') : t('login.submit')}</button>
        </form>
      </main>
    </div>
  );
}
