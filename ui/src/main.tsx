/**
 * The airlock console: output checkers, auditors and governance teams, signed in as people.
 * One shell (header, navigation by role, sign-out), pages loaded on demand so the first page
 * stays small.
 */
import '@picocss/pico/css/pico.min.css';
import './styles.css';
import { render } from 'preact';
import { lazy, Suspense } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import { SESSION_ENDED, api, setCsrf, type SessionInfo } from './api';
import { BASE, installLinkInterception, navigate, useLocation } from './router';
import { SessionContext, hasRole } from './session';
import { SignIn } from './pages/sign-in';
import { Loading } from './components/async';

const Queue = lazy(() => import('./pages/queue'));
const Review = lazy(() => import('./pages/review'));
const Decisions = lazy(() => import('./pages/decisions'));
const DecisionPage = lazy(() => import('./pages/decision'));
const Chain = lazy(() => import('./pages/chain'));
const Governance = lazy(() => import('./pages/governance'));

function home(s: SessionInfo): string {
  if (hasRole(s, 'checker')) return `${BASE}/reviews`;
  if (hasRole(s, 'auditor')) return `${BASE}/decisions`;
  if (hasRole(s, 'admin')) return `${BASE}/governance`;
  return `${BASE}/sign-in`;
}

function Page({ session, path }: { session: SessionInfo; path: string }) {
  const m = (re: RegExp) => re.exec(path);
  let r: RegExpExecArray | null;
  if ((r = m(/^\/ui\/reviews\/([^/]+)$/))) return <Review id={decodeURIComponent(r[1]!)} />;
  if (m(/^\/ui\/reviews\/?$/)) return <Queue />;
  if ((r = m(/^\/ui\/decisions\/([^/]+)$/))) return <DecisionPage id={decodeURIComponent(r[1]!)} />;
  if (m(/^\/ui\/decisions\/?$/)) return <Decisions />;
  if (m(/^\/ui\/audit\/?$/)) return <Chain />;
  if (m(/^\/ui\/governance\/?$/)) return <Governance />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No page {path}. <a href={home(session)}>Go to your start page</a>.
      </p>
    </section>
  );
}

function Shell({ session, onSignOut }: { session: SessionInfo; onSignOut(): void }) {
  const { path } = useLocation();
  useEffect(() => {
    if (path === `${BASE}/` || path === BASE || path === `${BASE}/sign-in`) navigate(home(session));
  }, [path]);
  const links: [string, string, boolean][] = [
    [`${BASE}/reviews`, 'Review queue', hasRole(session, 'checker')],
    [`${BASE}/decisions`, 'Decisions', hasRole(session, 'auditor')],
    [`${BASE}/audit`, 'Audit chain', hasRole(session, 'auditor')],
    [`${BASE}/governance`, 'Governance', hasRole(session, 'admin') || hasRole(session, 'auditor')],
  ];
  return (
    <SessionContext.Provider value={session}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="shell">
        <nav aria-label="Main">
          <ul>
            <li>
              <strong class="brand">airlock</strong>
            </li>
            {links
              .filter(([, , on]) => on)
              .map(([href, label]) => (
                <li key={href}>
                  <a href={href} aria-current={path.startsWith(href) ? 'page' : undefined}>
                    {label}
                  </a>
                </li>
              ))}
          </ul>
          <ul>
            <li>
              <span class="who" title={session.name}>
                {session.person?.name} <small>({(session.roles ?? []).join(', ')})</small>
              </span>
            </li>
            <li>
              <button type="button" class="secondary outline small" onClick={onSignOut}>
                Sign out
              </button>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" class="container-fluid" tabIndex={-1}>
        <Suspense fallback={<Loading what="page" />}>
          <Page session={session} path={path} />
        </Suspense>
      </main>
    </SessionContext.Provider>
  );
}

function App() {
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [checked, setChecked] = useState(0);
  useEffect(() => {
    const ended = () => setChecked((n) => n + 1);
    addEventListener(SESSION_ENDED, ended);
    return () => removeEventListener(SESSION_ENDED, ended);
  }, []);
  useEffect(() => {
    void api<SessionInfo>('GET', '/v1/session').then((s) => {
      setCsrf(s.csrf_token);
      setSession(s);
    });
  }, [checked]);
  if (!session) return <Loading what="session" />;
  if (!session.signed_in) return <SignIn info={session} onSignedIn={() => setChecked((n) => n + 1)} />;
  const signOut = async () => {
    const r = await api<{ end_session_url: string | null }>('POST', '/v1/session/logout');
    setCsrf(null);
    if (r.end_session_url) location.assign(r.end_session_url);
    else {
      history.replaceState(null, '', `${BASE}/sign-in`);
      setChecked((n) => n + 1);
    }
  };
  return <Shell session={session} onSignOut={() => void signOut()} />;
}

installLinkInterception();
render(<App />, document.getElementById('app')!);
