/**
 * `POST /v1/decisions/csv`: one table from a raw `text/csv` upload. The request fields and
 * the table spec travel in the query (schema `CsvDecisionQuery`), so the body is nothing but
 * the microdata and can be parsed as it streams: each chunk goes straight into `CsvReader`
 * and into the SHA-256 the decision names, and is then dropped. The body is never held as one
 * string or Buffer, which is what lets a 10M-row (~250 MB) table through in bounded memory.
 *
 * @example
 * registerCsvDecisions(app, { pipeline, csvLimit: config.csvLimit });
 * // curl -H 'content-type: text/csv' --data-binary @t.csv \
 * //   'localhost:8080/v1/decisions/csv?project=p&requester=r&name=t&index=region&columns=sex'
 */
import { createHash } from 'node:crypto';
import type { Express, Request, RequestHandler } from 'express';
import { schemaValidator, type SchemaAssertion } from '../../api/openapi.js';
import { AirlockError } from '../../errors.js';
import { CsvReader } from '../../outputs/table/csv-reader.js';
import type { TableSpecInput } from '../../outputs/table/table-spec.js';
import { columnRequest, normaliseSpec } from '../../outputs/table/table-spec.js';
import type { DecisionOptions, PipelineDeps, PipelineRequest } from '../../pipeline/make-decision.js';
import type { RawOutput } from '../../outputs/output-kind.js';
import { makeDecisionFrom } from '../../pipeline/make-decision.js';
import { callerOptions } from '../caller-options.js';
import { answerIdempotently, idempotencyKeyOf, type IdempotencyDeps } from '../idempotency.js';
import { route } from '../route.js';

export const CSV_DECISIONS_PATH = '/v1/decisions/csv';

export interface CsvDecisionDeps {
  pipeline: PipelineDeps;
  /** Largest body in bytes (`AIRLOCK_CSV_LIMIT`). */
  csvLimit: number;
  /** Middleware to run first, as on `POST /v1/decisions` (authentication, rate limits). */
  before?: RequestHandler[];
  /** Where `Idempotency-Key`s are claimed; null or absent = the header is ignored. */
  idempotency?: IdempotencyDeps | null;
}

const validateQuery: SchemaAssertion<'CsvDecisionQuery'> = schemaValidator('CsvDecisionQuery');

/** A comma-separated list of column names; an empty name is a mistake, not a column. */
function names(list: string | undefined, param: string): string[] {
  if (list === undefined || list === '') return [];
  const out = list.split(',');
  if (out.some((n) => n === '')) {
    throw new AirlockError('INVALID_REQUEST', `/${param}: a column name is empty`, [{ pointer: `/${param}`, message: 'empty column name in the comma-separated list' }]);
  }
  return out;
}

/** Refuses what the reader cannot take: another media type, charset or content coding. */
function checkMediaType(req: Request): void {
  if (!req.is('text/csv')) throw new AirlockError('UNSUPPORTED_MEDIA_TYPE', 'send text/csv');
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1];
  if (charset && !/^utf-?8$/i.test(charset)) throw new AirlockError('UNSUPPORTED_MEDIA_TYPE', 'only UTF-8 bodies are accepted');
  const coding = req.headers['content-encoding'];
  if (coding && coding.toLowerCase() !== 'identity') throw new AirlockError('UNSUPPORTED_MEDIA_TYPE', 'compressed bodies are not accepted');
}

function tooLarge(limit: number): AirlockError {
  return new AirlockError('BODY_TOO_LARGE', `the CSV body is larger than ${limit} bytes`);
}

/**
 * Reads the request into a decision request whose one output carries parsed columns, and
 * the SHA-256 of the bytes as received.
 */
async function readCsvRequest(req: Request, deps: CsvDecisionDeps, deadline?: DecisionOptions['deadline']): Promise<{ body: PipelineRequest; digest: string; name: string }> {
  checkMediaType(req);
  const q: unknown = { ...req.query };
  validateQuery(q);
  const specInput: TableSpecInput = { index: names(q.index, 'index'), columns: names(q.columns, 'columns') };
  if (q.values !== undefined) specInput.values = q.values;
  if (q.aggfunc !== undefined) specInput.aggfunc = q.aggfunc;
  if (q.margins !== undefined) specInput.margins = q.margins === 'true';
  if (q.unit !== undefined) specInput.unit = q.unit;
  // Spec mistakes are answered before a byte of the body is read.
  const spec = normaliseSpec(specInput, '');

  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > deps.csvLimit) throw tooLarge(deps.csvLimit);
  const reader = new CsvReader(
    columnRequest(spec),
    { maxRows: deps.pipeline.limits.maxRows, ...(Number.isFinite(declared) ? { expectedBytes: declared } : {}) },
  );
  const hash = createHash('sha256');
  let received = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > deps.csvLimit) throw tooLarge(deps.csvLimit);
      // A slow upload past the request budget stops here, not after the last byte.
      deadline?.check();
      hash.update(chunk);
      reader.push(chunk);
    }
  } catch (e) {
    if (e instanceof AirlockError) throw e;
    throw new AirlockError('INVALID_REQUEST', 'the request body was not received completely', [], { cause: e });
  }
  const microdata = reader.finish();
  const output: RawOutput = { name: q.name, kind: 'table', microdata, spec: specInput };
  const body: PipelineRequest = { project: q.project, requester: q.requester, ...(q.dataset !== undefined ? { dataset: q.dataset } : {}), outputs: [output] };
  return { body, digest: hash.digest('hex'), name: q.name };
}

/**
 * Registers `POST /v1/decisions/csv` on the app.
 *
 * @example registerCsvDecisions(app, { pipeline, csvLimit: 1024 ** 3, before: [authenticate('submitter')] });
 */
export function registerCsvDecisions(app: Express, deps: CsvDecisionDeps): void {
  app.post(
    CSV_DECISIONS_PATH,
    ...(deps.before ?? []),
    route(async (req, res) => {
      const deadline = res.locals.deadline as DecisionOptions['deadline'];
      const who = callerOptions(res);
      // A malformed key is refused before the body is read, like every other request-level mistake.
      idempotencyKeyOf(req);
      // The token must cover the project before a byte of a possibly huge body is read.
      if (typeof req.query.project === 'string') who.caller.authorize(req.query.project, typeof req.query.dataset === 'string' ? req.query.dataset : null);
      let read;
      try {
        read = await readCsvRequest(req, deps, deadline);
      } catch (e) {
        // Refused before the end of the body: close the connection rather than let Node read
        // (and discard) the rest of a possibly huge upload to keep it alive.
        if (!req.complete) res.setHeader('Connection', 'close');
        throw e;
      }
      const opts: DecisionOptions = { ...(deadline ? { deadline } : {}), digests: { [read.name]: read.digest }, ...who };
      await answerIdempotently(req, res, deps.idempotency ?? null, { route: CSV_DECISIONS_PATH, query: req.query as unknown, sha256: read.digest }, (claim) =>
        makeDecisionFrom(read.body, deps.pipeline, { ...opts, ...(claim ? { idempotency: claim } : {}) }),
      );
    }),
  );
}
