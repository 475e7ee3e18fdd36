import { lazy, Suspense, useEffect, useRef, type ComponentType } from 'react';
import { AppLayout, PublicLayout } from './components/Layout';
import { Spinner } from './components/ui';
import { navigate, usePath, useSearchParams } from './lib/router';
import { useSession } from './lib/session';
import { AuthPage } from './pages/Auth';
import { AccountPage } from './pages/Account';
import { ApiKeysPage } from './pages/ApiKeys';
import { LogsPage } from './pages/Logs';
import { ModelsPage } from './pages/Models';
import { NotFoundPage } from './pages/NotFound';
import { PlaygroundPage } from './pages/Playground';
import { ProviderKeysPage } from './pages/ProviderKeys';
import { StatusPage } from './pages/Status';

// The chart pages carry recharts; load them on first visit.
const OverviewPage = lazy(() => import('./pages/Overview'));
const UsagePage = lazy(() => import('./pages/Usage'));

interface Route {
  title: string;
  component: ComponentType;
}

const PRIVATE_ROUTES: Record<string, Route> = {
  '/': { title: 'Overview', component: OverviewPage },
  '/keys': { title: 'API Keys', component: ApiKeysPage },
  '/provider-keys': { title: 'Provider Keys', component: ProviderKeysPage },
  '/usage': { title: 'Usage', component: UsagePage },
  '/logs': { title: 'Logs', component: LogsPage },
  '/models': { title: 'Models', component: ModelsPage },
  '/playground': { title: 'Playground', component: PlaygroundPage },
  '/account': { title: 'Account', component: AccountPage },
};

function normalize(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** Only same-site paths are honoured as a post-login destination. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function App() {
  const { me } = useSession();
  const path = normalize(usePath());
  const params = useSearchParams();
  const focusedPath = useRef(path);

  const isAuthPage = path === '/login' || path === '/signup';
  const privateRoute = PRIVATE_ROUTES[path];
  const title = isAuthPage ? (path === '/login' ? 'Log in' : 'Sign up') : path === '/status' ? 'Status' : (privateRoute?.title ?? 'Not found');

  useEffect(() => {
    document.title = `${title} · OriginalPoint`;
  }, [title]);

  // Redirects that depend on who is signed in.
  useEffect(() => {
    if (me === undefined) return;
    if (me === null && privateRoute) {
      const here = window.location.pathname + window.location.search;
      navigate(here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`, { replace: true });
    } else if (me && isAuthPage) {
      navigate(safeNext(params.get('next')), { replace: true });
    }
  }, [me, privateRoute, isAuthPage, params]);

  // Move focus to the page after client-side navigation, as a full load would (not on the first load itself).
  useEffect(() => {
    if (focusedPath.current === path) return;
    focusedPath.current = path;
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [path]);

  if (me === undefined) {
    return (
      <div className="boot">
        <Spinner label="Loading OriginalPoint…" />
      </div>
    );
  }

  if (isAuthPage) {
    if (me) return <div className="boot" />;
    return <AuthPage mode={path === '/login' ? 'login' : 'signup'} />;
  }

  if (path === '/status') {
    return me ? (
      <AppLayout>
        <StatusPage />
      </AppLayout>
    ) : (
      <PublicLayout>
        <StatusPage />
      </PublicLayout>
    );
  }

  if (privateRoute) {
    if (!me) return <div className="boot" />;
    const Page = privateRoute.component;
    return (
      <AppLayout>
        <Suspense fallback={<Spinner />}>
          <Page key={path} />
        </Suspense>
      </AppLayout>
    );
  }

  return me ? (
    <AppLayout>
      <NotFoundPage />
    </AppLayout>
  ) : (
    <PublicLayout>
      <NotFoundPage />
    </PublicLayout>
  );
}
