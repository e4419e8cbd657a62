/**
 * `GET /v1/decisions/{id}/package`: the signed release package (a ZIP, `src/release/`) of a
 * released decision, for the submitter's platform or an auditor whose token covers the
 * decision's project (and dataset). A decision the caller may not see is answered as missing
 * (404); one that is not released, 409 `CONFLICT`: nothing unreleased is ever packaged.
 *
 * @example registerPackageRoutes(app, { store, key: ring.signing, reader: requireAnyRole(auth, ['submitter', 'auditor']) });
 */
import type { Express, RequestHandler } from 'express';
import type { AuditStore } from '../../audit/audit-store.js';
import { mayAccessDataset, mayAccessProject } from '../../auth/authorize.js';
import { callerOf } from '../../auth/require-role.js';
import { AirlockError } from '../../errors.js';
import { releasePackage } from '../../release/release-package.js';
import type { SigningKey } from '../../signing/signing-keys.js';
import { route } from '../route.js';

export interface PackageRouteDeps {
  store: AuditStore;
  /** The key that signs package manifests (the service's signing key). */
  key: Pick<SigningKey, 'kid' | 'privateKey'>;
  /** Middleware admitting submitters and auditors. */
  reader: RequestHandler;
}

export function registerPackageRoutes(app: Express, deps: PackageRouteDeps): void {
  app.get(
    '/v1/decisions/:id/package',
    deps.reader,
    route(async (req, res) => {
      const id = String(req.params.id);
      const record = await deps.store.get(id);
      const caller = callerOf(res);
      if (!record || !mayAccessProject(caller, record.decision.project) || !mayAccessDataset(caller, record.decision.dataset)) throw new AirlockError('NOT_FOUND', `no decision ${id}`);
      const zip = await releasePackage(deps.store, id, deps.key);
      res.status(200).type('application/zip').setHeader('content-disposition', `attachment; filename="airlock-${id.replace(/[^A-Za-z0-9-]/g, '_')}.zip"`);
      res.send(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength));
    }),
  );
}
