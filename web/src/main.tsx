import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { worthRetrying } from './app/api';
import { initI18n } from './app/i18n';
import { initPreferences } from './app/preferences';
import { loadCity } from './app/city';
import { SessionProvider } from './app/session';
import { router } from './app/router';
import './app/base.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: { staleTime: 10_000, refetchOnWindowFocus: false, retry: worthRetrying },
  },
});

initPreferences();
// The city's time zone is known before the first time is drawn.
void Promise.all([initI18n(), loadCity()]).then(() => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
});
