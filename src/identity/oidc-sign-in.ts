/**
 * Signing people in through the TRE's OpenID Connect provider with `openid-client`:
 * authorization code flow with PKCE (S256), `state` and `nonce`, the ID token verified by the
 * library (signature against the issuer's JWKS, issuer, audience, expiry, nonce). The attempt's
 * secrets stay server-side (`session-store.ts`), bound to the browser that started it. The same
 * issuer's access tokens (JWTs) are accepted as API bearer tokens when an audience is
 * configured, verified with `jose` against the issuer's JWKS.
 *
 * Discovery is lazy and retried: an IdP that is down at start-up delays sign-in, not the service.
 * A plain-http issuer is allowed only on a loopback address outside production (tests, a local IdP).
 *
 * @example
 * const oidc = oidcSignIn({ issuer, clientId, clientSecret: null, scopes: 'openid profile', audience: null, production: false }, mapping);
 * const { url } = await oidc.start({ state, nonce, verifier }, 'http://127.0.0.1:8080/v1/session/callback');
 */
import * as client from 'openid-client';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { AirlockError } from '../errors.js';
import type { claimMapping, MappedIdentity } from './claim-mapping.js';

export interface OidcOptions {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  scopes: string;
  /** Required `aud` of access tokens accepted as bearer tokens; null = not accepted. */
  audience: string | null;
  production: boolean;
}

/** The secrets of one sign-in attempt. */
export interface AttemptSecrets {
  state: string;
  nonce: string;
  verifier: string;
}

export interface OidcSignIn {
  readonly issuer: string;
  /** Fresh secrets for an attempt. */
  secrets(): AttemptSecrets;
  /** The IdP authorization URL for an attempt. */
  authorizationUrl(secrets: AttemptSecrets, redirectUri: string): Promise<URL>;
  /** Completes an attempt from the callback URL: the identity and the ID token. Throws `SIGN_IN_FAILED`. */
  finish(secrets: AttemptSecrets, callbackUrl: URL): Promise<{ identity: MappedIdentity; idToken: string | null }>;
  /** The IdP's end-session URL (RP-initiated logout), when it has one. */
  endSessionUrl(idToken: string | null, postLogoutRedirectUri: string): Promise<string | null>;
  /** True when access tokens are accepted (an audience is configured). */
  readonly acceptsAccessTokens: boolean;
  /** The identity an IdP access token (JWT) carries. Throws `UNAUTHENTICATED` when it does not verify. */
  verifyAccessToken(token: string): Promise<MappedIdentity>;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** True when `url` may be used: https, or http on a loopback host outside production. */
export function allowedIssuerUrl(url: URL, production: boolean): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && !production && LOOPBACK.test(url.hostname));
}

export function oidcSignIn(options: OidcOptions, mapping: ReturnType<typeof claimMapping>): OidcSignIn {
  const issuerUrl = new URL(options.issuer);
  if (!allowedIssuerUrl(issuerUrl, options.production)) {
    throw new AirlockError('CONFIG_INVALID', `AIRLOCK_OIDC_ISSUER must be https (plain http only on a loopback address outside production): ${options.issuer}`);
  }
  const insecure = issuerUrl.protocol === 'http:';
  let discovered: Promise<client.Configuration> | null = null;
  let jwks: ReturnType<typeof createRemoteJWKSet> | null = null;

  const configuration = (): Promise<client.Configuration> => {
    if (!discovered) {
      discovered = client
        .discovery(
          issuerUrl,
          options.clientId,
          options.clientSecret ?? undefined,
          options.clientSecret ? client.ClientSecretBasic(options.clientSecret) : client.None(),
          insecure ? { execute: [client.allowInsecureRequests] } : undefined,
        )
        .catch((e: unknown) => {
          // Retried on the next use: the IdP may just be starting.
          discovered = null;
          throw new AirlockError('SIGN_IN_FAILED', `the identity provider ${options.issuer} cannot be reached: ${(e as Error).message}`);
        });
    }
    return discovered;
  };

  const keySet = async () => {
    if (!jwks) {
      const uri = (await configuration()).serverMetadata().jwks_uri;
      if (!uri) throw new AirlockError('UNAUTHENTICATED', 'the identity provider publishes no JWKS');
      jwks = createRemoteJWKSet(new URL(uri));
    }
    return jwks;
  };

  return {
    issuer: options.issuer,
    acceptsAccessTokens: options.audience !== null,

    secrets() {
      return { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier() };
    },

    async authorizationUrl(secrets, redirectUri) {
      const config = await configuration();
      return client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: options.scopes,
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(secrets.verifier),
        code_challenge_method: 'S256',
        state: secrets.state,
        nonce: secrets.nonce,
      });
    },

    async finish(secrets, callbackUrl) {
      const config = await configuration();
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: secrets.verifier,
          expectedState: secrets.state,
          expectedNonce: secrets.nonce,
          idTokenExpected: true,
        });
      } catch (e) {
        throw new AirlockError('SIGN_IN_FAILED', `the identity provider's answer was refused: ${(e as Error).message}`, [], { cause: e });
      }
      const idClaims = tokens.claims();
      if (!idClaims) throw new AirlockError('SIGN_IN_FAILED', 'the identity provider sent no ID token');
      let claims: Record<string, unknown> = { ...idClaims };
      // Roles and projects often come from userinfo rather than the ID token: merge it (the ID token wins on who).
      if (config.serverMetadata().userinfo_endpoint && tokens.access_token) {
        try {
          const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
          claims = { ...info, ...claims };
        } catch {
          // userinfo is optional: the ID token's claims decide alone.
        }
      }
      return { identity: mapping.map(claims), idToken: tokens.id_token ?? null };
    },

    async endSessionUrl(idToken, postLogoutRedirectUri) {
      let config: client.Configuration;
      try {
        config = await configuration();
      } catch {
        return null;
      }
      if (!config.serverMetadata().end_session_endpoint) return null;
      return client.buildEndSessionUrl(config, { post_logout_redirect_uri: postLogoutRedirectUri, ...(idToken ? { id_token_hint: idToken } : {}) }).href;
    },

    async verifyAccessToken(token) {
      if (options.audience === null) throw new AirlockError('UNAUTHENTICATED', 'the bearer token is not known');
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, await keySet(), {
          issuer: (await configuration()).serverMetadata().issuer,
          audience: options.audience,
          algorithms: ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA', 'RS384', 'RS512', 'PS384', 'PS512', 'Ed25519'],
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (e) {
        if (e instanceof AirlockError) throw e;
        const why = e instanceof joseErrors.JOSEError ? e.code : 'invalid';
        throw new AirlockError('UNAUTHENTICATED', `the access token does not verify (${why})`, [], { cause: e });
      }
      try {
        return mapping.map(payload);
      } catch (e) {
        throw new AirlockError('FORBIDDEN', (e as Error).message, [], { cause: e });
      }
    },
  };
}
