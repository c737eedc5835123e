// Routes. /screen and /ops are separate chunks: a video wall downloads the screen and nothing of the
// console, and the console's tables and forms stay out of the wall's bundle.
import { createBrowserRouter, Navigate } from 'react-router';
import { LoginPage } from './LoginPage';
import { RouteError } from './RouteError';

/** Shown for the moment a page's code is loading (the page paints its own loading state after). */
function Blank() {
  return <div aria-busy="true" />;
}

export const router = createBrowserRouter([
  { path: '/', element: <Navigate to="/ops" replace /> },
  { path: '/login', element: <LoginPage />, errorElement: <RouteError /> },
  { path: '/screen', lazy: async () => ({ Component: (await import('../modules/screen/ScreenPage')).ScreenPage }), errorElement: <RouteError />, hydrateFallbackElement: <Blank /> },
  {
    path: '/ops',
    lazy: async () => ({ Component: (await import('../modules/ops/OpsLayout')).OpsLayout }),
    errorElement: <RouteError />,
    hydrateFallbackElement: <Blank />,
    children: [
      { index: true, lazy: async () => ({ Component: (await import('../modules/ops/OverviewPage')).OverviewPage }) },
      { path: 'orgs/:org', lazy: async () => ({ Component: (await import('../modules/ops/OverviewPage')).OverviewPage }) },
      { path: 'categories/:category', lazy: async () => ({ Component: (await import('../modules/ops/CategoryPage')).CategoryPage }) },
      { path: 'catalogue', lazy: async () => ({ Component: (await import('../modules/ops/CataloguePage')).CataloguePage }) },
      { path: 'indicators/:code', lazy: async () => ({ Component: (await import('../modules/ops/IndicatorPage')).IndicatorPage }) },
      { path: 'alerts', lazy: async () => ({ Component: (await import('../modules/ops/AlertsPage')).AlertsPage }) },
      { path: 'transit', lazy: async () => ({ Component: (await import('../modules/transit/HeadwaysPage')).HeadwaysPage }) },
      { path: 'cases', lazy: async () => ({ Component: (await import('../modules/cases/WorklistPage')).WorklistPage }) },
      { path: 'cases/stats', lazy: async () => ({ Component: (await import('../modules/cases/StatisticsPage')).StatisticsPage }) },
      { path: 'cases/board', lazy: async () => ({ Component: (await import('../modules/cases/BoardPage')).BoardPage }) },
      { path: 'cases/:id', lazy: async () => ({ Component: (await import('../modules/cases/CasePage')).CasePage }) },
    ],
  },
  // The digital bus for passengers (public, no login) and the stop display: a chunk of their own.
  { path: '/go', lazy: async () => ({ Component: (await import('../modules/transit/SearchPage')).SearchPage }), errorElement: <RouteError />, hydrateFallbackElement: <Blank /> },
  { path: '/go/stops/:id', lazy: async () => ({ Component: (await import('../modules/transit/StopPage')).StopPage }), errorElement: <RouteError />, hydrateFallbackElement: <Blank /> },
  { path: '/go/routes/:id', lazy: async () => ({ Component: (await import('../modules/transit/RoutePage')).RoutePage }), errorElement: <RouteError />, hydrateFallbackElement: <Blank /> },
  { path: '/board/:stopId', lazy: async () => ({ Component: (await import('../modules/transit/BoardPage')).BoardPage }), errorElement: <RouteError />, hydrateFallbackElement: <Blank /> },
  { path: '*', element: <Navigate to="/ops" replace /> },
]);
