/**
 * Wraps an async express handler so a rejection reaches the error handler (express 5 does
 * this for returned promises too, but the wrapper keeps handlers' return types honest).
 *
 * @example app.get('/x', route(async (req, res) => { res.json(await work()); }));
 */
import type { NextFunction, Request, Response } from 'express';

export function route(fn: (req: Request, res: Response) => Promise<void> | void) {
  return (req: Request, res: Response, next: NextFunction) => {
    Promise.resolve()
      .then(() => fn(req, res))
      .catch(next);
  };
}
