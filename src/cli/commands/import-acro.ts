/**
 * `airlock import-acro DIR --project P --requester R [--dataset D] [--url URL] [--token T] [--json]`:
 * sends an ACRO/SACRO output folder (what `acro.finalise` wrote) to `POST /v1/imports/acro`
 * as one ZIP and prints the decision, output by output with ACRO's verdict beside airlock's.
 * The URL defaults to AIRLOCK_URL or http://localhost:8080, the token to AIRLOCK_TOKEN. Exit
 * 0 release, 1 reject, 3 review (as `airlock check`), 2 usage or a refused import.
 *
 * @example npm run airlock -- import-acro ../shared/fixtures/acro/acro-1.0.1 --project p --requester alice
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { parseArgs } from '../parse-args.js';

const USAGE = 'usage: airlock import-acro DIR --project P --requester R [--dataset D] [--url URL] [--token T] [--json]\n';

/** Every file under `dir`, by its path relative to it (`/`-separated). */
function folder(dir: string, root = dir, out: Record<string, Uint8Array> = {}): Record<string, Uint8Array> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) folder(p, root, out);
    else out[relative(root, p).split('\\').join('/')] = readFileSync(p);
  }
  return out;
}

const EXIT: Record<string, number> = { release: 0, reject: 1, review: 3 };

export async function run(args: string[]): Promise<number> {
  const a = parseArgs(args, { project: 'string', requester: 'string', dataset: 'string', url: 'string', token: 'string', json: 'boolean' });
  const dir = a._[0];
  if (!dir || a._.length > 1 || typeof a.project !== 'string' || typeof a.requester !== 'string') {
    process.stderr.write(USAGE);
    return 2;
  }
  let zip: Uint8Array;
  try {
    zip = zipSync(folder(resolve(dir)));
  } catch (e) {
    process.stderr.write(`airlock import-acro: cannot read ${dir}: ${(e as Error).message}\n`);
    return 2;
  }
  const url = (typeof a.url === 'string' ? a.url : process.env.AIRLOCK_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
  const token = typeof a.token === 'string' ? a.token : process.env.AIRLOCK_TOKEN;
  const query = new URLSearchParams({ project: a.project, requester: a.requester, ...(typeof a.dataset === 'string' ? { dataset: a.dataset } : {}) });
  const res = await fetch(`${url}/v1/imports/acro?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/zip', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: new Blob([zip as Uint8Array<ArrayBuffer>]),
  });
  const body = (await res.json()) as {
    code?: string;
    detail?: string;
    decision?: { id: string; outcome: string };
    acro?: { version: string; outputs: { uid: string; type: string; mapped_as: string; acro_status: string; airlock_outcome: string | null; comments: string[]; exception: string | null }[] };
  };
  if (a.json) process.stdout.write(`${JSON.stringify(body)}\n`);
  if (!res.ok || !body.decision || !body.acro) {
    if (!a.json) process.stderr.write(`airlock import-acro: ${res.status} ${body.code ?? ''}: ${body.detail ?? ''}\n`);
    return 2;
  }
  if (!a.json) {
    process.stdout.write(`decision ${body.decision.id}: ${body.decision.outcome} (ACRO ${body.acro.version} session)\n`);
    for (const o of body.acro.outputs) {
      const notes = [...o.comments.map((c) => `comment: ${c}`), ...(o.exception ? [`exception: ${o.exception}`] : [])];
      process.stdout.write(`  ${o.uid.padEnd(10)} ${o.type.padEnd(10)} as ${o.mapped_as.padEnd(5)}  ACRO ${o.acro_status.padEnd(6)} airlock ${o.airlock_outcome ?? '-'}${notes.length ? `  (${notes.join('; ')})` : ''}\n`);
    }
  }
  return EXIT[body.decision.outcome] ?? 2;
}
