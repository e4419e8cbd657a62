/**
 * One large table decision over HTTP, timed from the client: the microdata file sent either
 * as a raw `text/csv` upload (streamed from disk) or embedded as a CSV string in the JSON API's
 * body (built before the clock starts: building it is the client's cost, not the service's).
 *
 * @example
 * const t = await postTable(server, file, 'csv'); // { seconds: 0.31, outcome: 'release', … }
 */
import { createReadStream, readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { MicrodataFile } from './generate-microdata.js';

export type Transport = 'csv' | 'json';

export interface ServerRef {
  url: string;
  token?: string;
}

export interface PostResult {
  seconds: number;
  status: number;
  outcome?: string;
  signed: boolean;
  audited: boolean;
}

/** The spec every large benchmark uses: income summed by region × band, default checks. */
export const LARGE_SPEC = { index: ['region'], columns: ['band'], values: 'income', aggfunc: 'sum' } as const;
export const BENCH_PROJECT = 'bench';

/**
 * The JSON API body for a microdata file (a CSV string inside JSON), as bytes.
 *
 * @example const body = jsonBody(file);
 */
export function jsonBody(file: MicrodataFile): Buffer {
  const data = readFileSync(file.path, 'utf8');
  return Buffer.from(
    JSON.stringify({ project: BENCH_PROJECT, requester: 'bench', outputs: [{ name: 'large', kind: 'table', microdata: { format: 'csv', data }, spec: LARGE_SPEC }] }),
  );
}

/**
 * The path and query of `POST /v1/decisions/csv` for the same request as `jsonBody`.
 *
 * @example csvQuery(); // '/v1/decisions/csv?project=bench&requester=bench&name=large&index=region…'
 */
export function csvQuery(): string {
  const q = new URLSearchParams({
    project: BENCH_PROJECT,
    requester: 'bench',
    name: 'large',
    index: LARGE_SPEC.index.join(','),
    columns: LARGE_SPEC.columns.join(','),
    values: LARGE_SPEC.values,
    aggfunc: LARGE_SPEC.aggfunc,
  });
  return `/v1/decisions/csv?${q}`;
}

/**
 * Sends one decision request and waits for the whole answer. `json` must be `jsonBody(file)`
 * for the JSON transport.
 *
 * @example await postTable({ url }, file, 'json', jsonBody(file))
 */
export function postTable(server: ServerRef, file: MicrodataFile, transport: Transport, json?: Buffer): Promise<PostResult> {
  const target = new URL(server.url);
  const headers: Record<string, string> = { 'content-type': transport === 'csv' ? 'text/csv' : 'application/json' };
  if (server.token) headers.authorization = `Bearer ${server.token}`;
  headers['content-length'] = String(transport === 'csv' ? file.bytes : json!.length);
  const started = performance.now();
  return new Promise<PostResult>((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, method: 'POST', path: transport === 'csv' ? csvQuery() : '/v1/decisions', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const seconds = (performance.now() - started) / 1000;
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { decision?: { outcome: string }; signature?: string; audit?: unknown; code?: string; detail?: string };
        if (res.statusCode !== 201) {
          reject(new Error(`${transport}: HTTP ${res.statusCode} ${body.code}: ${body.detail}`));
          return;
        }
        resolve({ seconds, status: res.statusCode, outcome: body.decision?.outcome, signed: Boolean(body.signature), audited: Boolean(body.audit) });
      });
    });
    req.on('error', reject);
    if (transport === 'csv') createReadStream(file.path, { highWaterMark: 1 << 20 }).pipe(req);
    else req.end(json);
  });
}
