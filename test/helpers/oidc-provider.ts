/**
 * A real OpenID Connect provider (`oidc-provider` from npm) in-process, on a free loopback
 * port, for tests that sign people in: authorization code + PKCE with its development login
 * form (any password), people with `roles`, `projects` and `name` claims, a confidential client
 * for airlock, and a machine client whose client-credentials access tokens are JWTs for the
 * `https://airlock.test/api` audience.
 *
 * @example
 * const idp = await startOidcProvider({ redirectUri: `${airlock}/v1/session/callback`, people });
 * // …
 * await idp.close();
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestPerson {
  name: string;
  roles: string[];
  projects: string[];
  email?: string;
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Reserves a port for the provider before its redirect URI is known. */
  close(): Promise<void>;
  /** A client-credentials access token (JWT for the API audience) whose `sub` is `claims.sub` (one of MACHINE_SUBJECTS, default tre-portal), carrying the other claims. */
  accessToken(claims: Record<string, unknown>): Promise<string>;
}

/** Subjects `accessToken` can issue tokens for. */
export const MACHINE_SUBJECTS = ['tre-portal', 'ann', 'bob', 'cat', 'dee', 'gus', 'sam', 'same', 'x', 'y'];
const MACHINE_SECRET = 'machine-secret-0123456789-abcdefghij';

/** The audience the machine client's access tokens carry. */
export const TEST_API_AUDIENCE = 'https://airlock.test/api';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function startOidcProvider(opts: { redirectUris: (issuer: string) => string[]; people: Record<string, TestPerson> }): Promise<TestIdp> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'airlock-console';
  const clientSecret = 'test-secret-0123456789-abcdefghij';
  let pendingClaims: Record<string, unknown> = {};
  const provider = new Provider(issuer, {
    clients: [
      { client_id: clientId, client_secret: clientSecret, redirect_uris: opts.redirectUris(issuer), post_logout_redirect_uris: opts.redirectUris(issuer).map((u) => u.replace(/\/v1\/session\/callback$/, '/ui/')), grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' },
      // One machine client per subject: a client-credentials token's `sub` is its client id.
      ...MACHINE_SUBJECTS.map((id) => ({ client_id: id, client_secret: MACHINE_SECRET, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic' as const })),
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'roles', 'projects'], email: ['email'] },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Only the machine client's tokens are for airlock's API; people's go to userinfo.
        defaultResource: (_ctx: unknown, client: { clientId: string }) => (MACHINE_SUBJECTS.includes(client.clientId) ? TEST_API_AUDIENCE : undefined),
        useGrantedResource: () => false,
        getResourceServerInfo: () => ({ scope: 'api', audience: TEST_API_AUDIENCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
      },
    },
    extraTokenClaims: () => pendingClaims,
    async findAccount(_ctx, id) {
      const p = opts.people[id];
      if (!p) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, name: p.name, preferred_username: id, email: p.email ?? `${id}@tre.example`, roles: p.roles, projects: p.projects }) };
    },
  });
  // The provider's own log of expected client errors would only clutter test output.
  provider.on('server_error', () => undefined);
  const server: Server = createServer(provider.callback());
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    issuer,
    clientId,
    clientSecret,
    async accessToken(claims) {
      const { sub = 'tre-portal', ...rest } = claims;
      pendingClaims = rest;
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${String(sub)}:${MACHINE_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api', resource: TEST_API_AUDIENCE }),
      });
      const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
      pendingClaims = {};
      if (!body.access_token) throw new Error(`no access token: ${body.error} ${body.error_description}`);
      return body.access_token;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
