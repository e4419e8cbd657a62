/**
 * The JSON body parser of every route that takes one: express's parser (size limit, strict),
 * with the input checked before and after `JSON.parse` for what the parser accepts and
 * airlock cannot use — so each is a 4xx with a stable code, never a 500 further down:
 * - invalid UTF-8 (`INVALID_UNICODE`): the bytes are checked as received (a decoder would
 *   silently turn them into U+FFFD, merging labels that differ);
 * - a charset other than UTF-8 (`UNSUPPORTED_MEDIA_TYPE`; RFC 8259 §8.1);
 * - nesting deeper than `MAX_JSON_DEPTH` (`JSON_TOO_DEEP`): V8's `JSON.parse` does not
 *   recurse, but validators, canonical JSON and signing do;
 * - a number beyond the double range, such as `1e309` (`NUMBER_OUT_OF_RANGE`);
 * - a `\ud800`-style escape that leaves a lone surrogate (`INVALID_UNICODE`).
 *
 * @example app.post('/v1/decisions', jsonBody(config.jsonLimit), handler);
 */
import { isUtf8 } from 'node:buffer';
import express from 'express';
import type { RequestHandler } from 'express';
import { AirlockError } from '../../errors.js';
import type { JsonProblem } from '../../lib/json-limits.js';
import { jsonProblem, jsonProblemSliced } from '../../lib/json-limits.js';
import { MAX_JSON_DEPTH } from '../../limits.js';

/** Bodies of at least this many bytes let the event loop run between their parse, check and route. */
const LARGE_BODY = 256 * 1024;

/** A pointer as shown in a problem: keys can be long, and a problem stays small. */
const shown = (pointer: string) => (pointer === '' ? '/' : pointer.length > 300 ? `${pointer.slice(0, 299)}…` : pointer);

const PROBLEMS = {
  too_deep: (p: string) => new AirlockError('JSON_TOO_DEEP', `the body nests deeper than ${MAX_JSON_DEPTH} levels at ${shown(p)}`, [{ pointer: shown(p), message: `more than ${MAX_JSON_DEPTH} nested arrays and objects` }]),
  non_finite: (p: string) => new AirlockError('NUMBER_OUT_OF_RANGE', `${shown(p)}: the number is beyond the range of double-precision numbers`, [{ pointer: shown(p), message: 'not a finite number' }]),
  lone_surrogate: (p: string) => new AirlockError('INVALID_UNICODE', `${shown(p)}: a string holds a lone UTF-16 surrogate (an unpaired \\uD800–\\uDFFF escape)`, [{ pointer: shown(p), message: 'not valid Unicode' }]),
} as const;

/**
 * The parser and its checks, as one middleware.
 *
 * @example const json = jsonBody(128 * 1024 ** 2); app.post('/x', json, handler);
 */
export function jsonBody(limit: number, maxDepth = MAX_JSON_DEPTH): RequestHandler {
  const large = new WeakSet<object>();
  const parse = express.json({
    limit,
    strict: true,
    verify: (req, _res, buf, encoding) => {
      if (encoding.toLowerCase() !== 'utf-8') throw new AirlockError('UNSUPPORTED_MEDIA_TYPE', 'only UTF-8 JSON bodies are accepted');
      if (!isUtf8(buf)) throw new AirlockError('INVALID_UNICODE', 'the body is not valid UTF-8');
      if (buf.length >= LARGE_BODY) large.add(req);
    },
  });
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      const answer = (problem: JsonProblem | null) => next(problem ? PROBLEMS[problem.kind](problem.pointer) : undefined);
      if (!large.has(req)) return answer(jsonProblem(req.body, { maxDepth }));
      // A large body's parse, its check and what the route does next each hold the event loop
      // for tens of milliseconds: the loop runs in between, and the check in slices (issue 13).
      // The parse ends in an I/O callback, whose first `setImmediate` runs before any other I/O
      // is read, hence two.
      setImmediate(() => setImmediate(() => {
        jsonProblemSliced(req.body, { maxDepth }).then((problem) => setImmediate(() => answer(problem)), next);
      }));
    });
  };
}
