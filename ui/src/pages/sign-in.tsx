import { useEffect, useState } from 'preact/hooks';
import { api, setCsrf, type SessionInfo } from '../api';
import { ErrorNote } from '../components/async';

interface DevIdentity {
  id: string;
  name: string;
  roles: string[];
  note: string;
}

const ERRORS: Record<string, string> = {
  no_attempt: 'The sign-in attempt expired or was started in another browser. Please try again.',
  SIGN_IN_FAILED: 'The identity provider did not sign you in, or your account has no airlock role.',
};

/** Sign in through the TRE's identity provider; in development (no IdP), as a dev identity. */
export function SignIn({ info, onSignedIn }: { info: SessionInfo; onSignedIn(): void }) {
  const [dev, setDev] = useState<DevIdentity[]>([]);
  const [error, setError] = useState<Error | null>(null);
  const returnTo = location.pathname.startsWith('/ui/') && location.pathname !== '/ui/sign-in' ? location.pathname + location.search : '/ui/';
  const problem = new URLSearchParams(location.search).get('error');
  useEffect(() => {
    if (info.sign_in?.dev) void api<{ identities: DevIdentity[] }>('GET', '/v1/session/dev-identities').then((r) => setDev(r.identities), setError);
  }, []);
  const signInAs = async (id: string) => {
    try {
      const s = await api<SessionInfo>('POST', '/v1/session/dev', { identity: id });
      setCsrf(s.csrf_token);
      onSignedIn();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <main id="main" class="container sign-in">
      <h1>airlock console</h1>
      <p>Output checking, audit and governance for research outputs leaving the TRE.</p>
      {problem ? (
        <p class="error-note" role="alert">
          {ERRORS[problem] ?? `Sign-in failed (${problem}).`}
        </p>
      ) : null}
      <ErrorNote error={error} />
      {info.sign_in?.oidc ? (
        <p>
          <a role="button" href={`/v1/session/login?return_to=${encodeURIComponent(returnTo)}`}>
            Sign in with your TRE account
          </a>
        </p>
      ) : null}
      {info.sign_in?.dev ? (
        <section aria-labelledby="dev-h">
          <h2 id="dev-h">Development sign-in</h2>
          <p class="warning-note">No identity provider is configured. Pick a development identity (refused in production).</p>
          <ul class="dev-identities">
            {dev.map((d) => (
              <li key={d.id}>
                <button type="button" class="outline" onClick={() => void signInAs(d.id)}>
                  {d.name}
                </button>{' '}
                <small>
                  {d.roles.join(', ')} — {d.note}
                </small>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {!info.sign_in?.oidc && !info.sign_in?.dev ? <p>No sign-in method is configured. Ask your TRE operator to configure the identity provider.</p> : null}
    </main>
  );
}
