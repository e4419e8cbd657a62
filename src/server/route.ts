/**
 * Wraps an async express handler so a rejection reaches the error handler (express 5 does
 * this for returned promises too, but the wrapper keeps handlers' return types honest).
 *
 * @example app.get('/x', route(async (req, res) => { res.json(await work()); }));
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AirlockError } from '../errors.js';

export function route(fn: (req: Request, res: Response) => Promise<void> | void) {
  return (req: Request, res: Response, next: NextFunction) => {
    Promise.resolve()
      .then(() => fn(req, res))
      .catch(next);
  };
}

/**
 * Refuses bodies that are not JSON before anything reads them (415 UNSUPPORTED_MEDIA_TYPE).
 *
 * @example app.post('/v1/x', auth, requireJson, json, handler)
 */
export const requireJson: RequestHandler = (req, _res, next) => {
  next(req.is('application/json') ? undefined : new AirlockError('UNSUPPORTED_MEDIA_TYPE', 'send application/json'));
};

/**
 * `text/csv` sent to `POST /v1/decisions`: 415 pointing at the route that takes CSV bodies,
 * rather than the bare "send application/json".
 *
 * @example app.post('/v1/decisions', auth, csvHint, requireJson, json, handler)
 */
export const csvHint: RequestHandler = (req, _res, next) => {
  if (!req.is(['text/csv', 'text/plain', 'application/csv'])) return next();
  next(
    new AirlockError(
      'UNSUPPORTED_MEDIA_TYPE',
      'this route takes application/json; to send CSV microdata as the body, POST it as text/csv to /v1/decisions/csv with the table spec in the query (e.g. ?project=p&requester=alice&name=t&index=region)',
    ),
  );
};
