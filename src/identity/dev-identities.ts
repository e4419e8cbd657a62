/**
 * Development identities: with no identity provider configured and outside production, the
 * console's sign-in page lets a developer pick one of these people. They are people in every
 * respect the service checks (subject, display name, roles, projects), so reviews made with
 * them follow the same rules as real ones. `NODE_ENV=production` refuses dev sign-in outright.
 *
 * @example DEV_IDENTITIES.find((d) => d.id === 'ann')?.roles // ['checker']
 */
import type { Person } from '../auth/authenticate.js';
import type { Role } from '../domain.js';

export interface DevIdentity {
  id: string;
  person: Person;
  roles: Role[];
  projects: string[] | null;
  /** What the identity is for, shown on the sign-in page. */
  note: string;
}

/** The issuer dev identities carry, so they can never be mistaken for the IdP's people. */
export const DEV_ISSUER = 'urn:airlock:dev';

const dev = (id: string, name: string, roles: Role[], note: string): DevIdentity => ({
  id,
  person: { subject: `dev-${id}`, issuer: DEV_ISSUER, name, username: id, email: `${id}@dev.invalid` },
  roles,
  projects: null,
  note,
});

export const DEV_IDENTITIES: readonly DevIdentity[] = [
  dev('ann', 'Ann Checker', ['checker'], 'Output checker, every project'),
  dev('bob', 'Bob Checker', ['checker'], 'Output checker, every project'),
  dev('cat', 'Cat Researcher', ['checker', 'submitter'], 'Researcher who also checks: never her own requests'),
  dev('dee', 'Dee Auditor', ['auditor'], 'Auditor, every project'),
  dev('gus', 'Gus Governance', ['admin', 'auditor'], 'Governance: rule sets, history, replay'),
];
