/**
 * `X-Request-Id`: a caller's (or load balancer's) id is kept when it is a sane token, otherwise
 * one is generated; either way it is echoed on the response, put on `res.locals.requestId`, and
 * logged with every line about the request, so one id follows a request across systems.
 *
 * @example app.use(requestId());
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Ids we accept from outside: short, printable, nothing a log viewer would interpret. */
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get(REQUEST_ID_HEADER);
    const id = given && ACCEPTABLE.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    next();
  };
}
