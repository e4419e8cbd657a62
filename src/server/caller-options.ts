/**
 * The pipeline options that say who is calling: the token's name for the audit record and a
 * check that the token covers the request's project (403 before any output is read).
 *
 * @example await makeDecision(body, pipeline, { ...callerOptions(res) });
 */
import type { Response } from 'express';
import { authorize, authorizeDataset } from '../auth/authorize.js';
import { callerOf } from '../auth/require-role.js';
import { currentTraceId } from '../telemetry/trace-context.js';
import { actorOf } from '../review/review-service.js';

export function callerOptions(res: Response) {
  const caller = callerOf(res);
  return {
    caller: {
      name: caller.name,
      authorize: (project: string, dataset: string | null = null) => {
        authorize(caller, 'submitter', project);
        authorizeDataset(caller, dataset);
      },
      ...(caller.person ? { person: actorOf(caller) } : {}),
    },
    traceId: currentTraceId(),
  };
}
