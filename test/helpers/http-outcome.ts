/**
 * One HTTP request, classified by how it ended, for tests that stop servers mid-traffic:
 * a complete response (status, body, and whether the body was as long as announced), a
 * response that started but was cut off, or no response at all (refused, reset before any
 * byte came back).
 *
 * @example
 * const o = await postJson(url + '/v1/decisions', body, { agent, headers: auth });
 * if (o.kind === 'complete') JSON.parse(o.body);
 */
import { request } from 'node:http';
import type { Agent } from 'node:http';

export type HttpOutcome =
  | { kind: 'complete'; status: number; body: string; connection: string | undefined }
  | { kind: 'truncated'; status: number; received: number; expected: number | null }
  | { kind: 'no-response'; code: string };

export function postJson(url: string, body: unknown, opts: { agent?: Agent | false; headers?: Record<string, string> } = {}): Promise<HttpOutcome> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent: opts.agent ?? false, headers: { 'content-type': 'application/json', 'content-length': payload.length, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      let settled = false;
      const expected = res.headers['content-length'] === undefined ? null : Number(res.headers['content-length']);
      const received = () => chunks.reduce((n, c) => n + c.length, 0);
      const cut = () => {
        if (settled) return;
        settled = true;
        resolve({ kind: 'truncated', status: res.statusCode ?? 0, received: received(), expected });
      };
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('aborted', cut);
      res.on('error', cut);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        const text = Buffer.concat(chunks).toString('utf8');
        if (expected !== null && Buffer.byteLength(text) !== expected) resolve({ kind: 'truncated', status: res.statusCode ?? 0, received: received(), expected });
        else resolve({ kind: 'complete', status: res.statusCode ?? 0, body: text, connection: res.headers.connection });
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ kind: 'no-response', code: e.code ?? e.message }));
    req.end(payload);
  });
}
