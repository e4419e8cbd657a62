/**
 * `POST /v1/imports/acro`: an ACRO/SACRO output folder, zipped, becomes one airlock decision
 * (`src/imports/acro-session.ts`), answered like `POST /v1/decisions` plus `acro`: ACRO's
 * version and, output by output, ACRO's verdict beside airlock's. Project, requester and
 * dataset are query parameters; the body is `application/zip` (a top-level folder inside the
 * ZIP is fine), at most `AIRLOCK_CSV_LIMIT` bytes packed and unpacked.
 *
 * @example registerAcroImport(app, { pipeline, limit: 1 << 30, before: [submitter] });
 */
import type { Express, Request, RequestHandler } from 'express';
import { unzipSync } from 'fflate';
import { AirlockError } from '../../errors.js';
import { entry } from '../../lib/invariant.js';
import { acroSession } from '../../imports/acro-session.js';
import type { PipelineDeps } from '../../pipeline/make-decision.js';
import { makeDecision } from '../../pipeline/make-decision.js';
import { callerOptions } from '../caller-options.js';
import { route } from '../route.js';

export interface AcroImportDeps {
  pipeline: PipelineDeps;
  /** Largest ZIP, packed and unpacked (bytes). */
  limit: number;
  before?: RequestHandler[];
}

async function readBody(req: Request, limit: number): Promise<Buffer> {
  if (!req.is('application/zip')) throw new AirlockError('UNSUPPORTED_MEDIA_TYPE', 'send the zipped ACRO output folder as application/zip');
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) throw new AirlockError('BODY_TOO_LARGE', `the ZIP is larger than ${limit} bytes`);
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/**
 * The folder's files by path relative to it: a ZIP holding one top-level folder (as zipping a
 * folder gives) is read from inside it.
 *
 * @example folderFiles(zip)['results.json']
 */
export function folderFiles(zip: Uint8Array, limit: number): Record<string, Uint8Array> {
  let total = 0;
  let raw: Record<string, Uint8Array>;
  try {
    raw = unzipSync(zip, {
      filter: (f) => {
        total += f.originalSize;
        if (total > limit) throw new AirlockError('BODY_TOO_LARGE', `the ZIP unpacks to more than ${limit} bytes`);
        return !f.name.endsWith('/');
      },
    });
  } catch (e) {
    if (e instanceof AirlockError) throw e;
    throw new AirlockError('ACRO_INVALID', `the body is not a readable ZIP: ${(e as Error).message}`);
  }
  const paths = Object.keys(raw);
  const top = paths[0]?.split('/')[0];
  const prefix = !raw['results.json'] && top && paths.every((p) => p.startsWith(`${top}/`)) ? `${top}/` : '';
  return Object.fromEntries(paths.map((p) => [p.slice(prefix.length), entry(raw, p)]));
}

const required = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || v.length === 0 || v.length > 200) throw new AirlockError('INVALID_REQUEST', `query parameter ${name} is required once, 1 to 200 characters`, [{ pointer: name, message: 'invalid' }]);
  return v;
};

const optional = (v: unknown, name: string): string | undefined => (v === undefined ? undefined : required(v, name));

export function registerAcroImport(app: Express, deps: AcroImportDeps): void {
  app.post(
    '/v1/imports/acro',
    ...(deps.before ?? []),
    route(async (req, res) => {
      const project = required(req.query.project, 'project');
      const requester = required(req.query.requester, 'requester');
      const dataset = optional(req.query.dataset, 'dataset');
      const who = callerOptions(res);
      who.caller.authorize(project, dataset ?? null);
      const session = acroSession(folderFiles(await readBody(req, deps.limit), deps.limit), { project, requester, ...(dataset ? { dataset } : {}) });
      const result = await makeDecision(session.request, deps.pipeline, { deadline: res.locals.deadline, ...who });
      const outcomes = new Map(result.decision.outputs.map((o) => [o.name, o.outcome]));
      res.status(201).json({
        ...result,
        acro: {
          version: session.version,
          outputs: session.outputs.map((o) => ({
            ...o,
            // A file-mapped output of several files is several airlock outputs: the worst of them.
            airlock_outcome: ['reject', 'review', 'release'].find((w) => [...outcomes.entries()].some(([n, oc]) => (n === o.uid || n.startsWith(`${o.uid}/`)) && oc === w)) ?? null,
          })),
        },
      });
    }),
  );
}
