/**
 * A webhook receiver for tests: a real HTTP server that records every delivery, answers with
 * the status the test chooses, and verifies each JWS the way a platform would — with jose and
 * the service's published JWKS, independently of airlock's own code.
 *
 * @example
 * const r = await webhookReceiver();
 * const got = await r.next((d) => d.payload.decision_id === id);
 * await r.close();
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';

export interface Delivery {
  headers: Record<string, string | string[] | undefined>;
  jws: string;
  /** The JWS payload, parsed (not yet verified: see `verify`). */
  payload: Record<string, unknown>;
}

export interface Receiver {
  url: string;
  port: number;
  deliveries: Delivery[];
  /** Resolves with the first delivery (already received or still to come) that matches. */
  next(match: (d: Delivery) => boolean): Promise<Delivery>;
  /** The status answered to each delivery (default 200). */
  status: (d: Delivery) => number;
  close(): Promise<void>;
}

export async function webhookReceiver(port = 0): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const waiting: { match: (d: Delivery) => boolean; resolve: (d: Delivery) => void }[] = [];
  const receiver = { status: (_d: Delivery) => 200 } as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const jws = Buffer.concat(chunks).toString('utf8');
      const payload = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
      const d = { headers: req.headers, jws, payload };
      deliveries.push(d);
      res.statusCode = receiver.status(d);
      res.end();
      for (const w of [...waiting]) {
        if (w.match(d)) {
          waiting.splice(waiting.indexOf(w), 1);
          w.resolve(d);
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => server.listen(port, '127.0.0.1', resolve).once('error', reject));
  const actual = (server.address() as AddressInfo).port;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${actual}/hook`,
    port: actual,
    deliveries,
    next: (match: (d: Delivery) => boolean) => {
      const found = deliveries.find(match);
      return found ? Promise.resolve(found) : new Promise<Delivery>((resolve) => waiting.push({ match, resolve }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/**
 * Verifies a delivery's JWS with a JWKS (EdDSA, the `kid` of its header) and returns its payload.
 *
 * @example const payload = await verifyDelivery(d, await (await fetch(`${url}/.well-known/jwks.json`)).json());
 */
export async function verifyDelivery(d: Delivery, jwks: { keys: Record<string, unknown>[] }): Promise<{ typ: unknown; payload: Record<string, unknown> }> {
  const header = decodeProtectedHeader(d.jws);
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`no key ${String(header.kid)} in the JWKS`);
  const key = await importJWK(jwk as Parameters<typeof importJWK>[0], 'EdDSA');
  const { payload } = await compactVerify(d.jws, key, { algorithms: ['EdDSA'] });
  return { typ: header.typ, payload: JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown> };
}

/** A port free now (listened on and released), for a receiver started later. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
