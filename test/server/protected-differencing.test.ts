/**
 * Issue 12 gap, as an adversary would use it (sdc-rules.md "Remedies and protection": "a
 * protected version passes differencing before it is offered"): an earlier release of a
 * population counts 120 people by region; a new table of the same population, by sex and age,
 * leaves one age group out and has a cell below the threshold. Its protected version
 * suppresses the cells, but still publishes the margins and the total 117: released beside the earlier table,
 * it tells the world that 3 people are in the group left out. (The linked-tables step does not
 * see it: the two tables share no variable.) The protected version must not be offered
 * (or must hide those margins); a protected version that differences against nothing is still
 * offered.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer, type TestServer } from '../helpers/test-server.js';

let s: TestServer;

beforeAll(async () => {
  s = await testServer();
});
afterAll(async () => {
  await s?.close();
});

const cell = (sex: string, age: string, count: number) => ({ labels: { sex, age }, count });
/** The earlier release: 120 people by region. */
const BY_REGION = [{ labels: { region: 'north' }, count: 60 }, { labels: { region: 'south' }, count: 60 }];
/** sex × age without the oldest group, with its margins: total 117; F/old = 7 is below the threshold. */
const WITHOUT_OLDEST = [
  ...[cell('F', 'young', 50), cell('F', 'old', 7), cell('M', 'young', 40), cell('M', 'old', 20)],
  ...[cell('F', 'All', 57), cell('M', 'All', 60), cell('All', 'young', 90), cell('All', 'old', 27), cell('All', 'All', 117)],
];

const table = (name: string, cells: unknown[], extra: Record<string, unknown> = {}) => ({ name, kind: 'table', cells, ...extra });
const decide = (dataset: string, ...outputs: ReturnType<typeof table>[]) =>
  request(s.url).post('/v1/decisions').set(s.auth('submitter')).send({ project: 'test-project', requester: 'alice', dataset, outputs }).expect(201);

describe('the protected version passes differencing before it is offered', () => {
  it('is not offered when its released margins difference against an earlier release to a small group', async () => {
    const earlier = (await decide('protected-diff-1', table('by_region', BY_REGION))).body;
    expect(earlier.decision.outcome).toBe('release');

    const res = (await decide('protected-diff-1', table('by_sex_age', WITHOUT_OLDEST))).body;
    const out = res.decision.outputs[0];
    expect(out.outcome).toBe('reject');
    // Not offered: no protected version, no resubmit form, and the reason names differencing.
    expect(out.protected ?? null).toBeNull();
    expect(res.resubmit?.by_sex_age).toBeUndefined();
    expect(out.protection_refused).toMatch(/differencing/);
    expect(out.protection_refused).toMatch(/by_region/);
  });

  it('is not offered either when the researcher asks for an exception for the table', async () => {
    const justification = 'The age group left out is published elsewhere.';
    const res = (await decide('protected-diff-1', table('by_sex_age_again', WITHOUT_OLDEST, { exception: { justification } }))).body;
    const out = res.decision.outputs[0];
    expect(out.outcome).toBe('review');
    expect(out.protected ?? null).toBeNull();
    expect(out.protection_refused).toMatch(/differencing/);
  });

  it('is offered when its population has no release it differences against', async () => {
    const res = (await decide('protected-diff-2', table('by_sex_age', WITHOUT_OLDEST))).body;
    const out = res.decision.outputs[0];
    expect(out.outcome).toBe('reject');
    expect(out.protected).toMatchObject({ rechecked: true });
    expect(out.protected.suppressed.length).toBeGreaterThan(0);
    expect(out.protection_refused).toBeUndefined();
  });

  it('is not offered when it differences against another output of the same request', async () => {
    const res = (await decide('protected-diff-3', table('by_region', BY_REGION), table('by_sex_age', WITHOUT_OLDEST))).body;
    const out = res.decision.outputs.find((o: { name: string }) => o.name === 'by_sex_age');
    expect(out.protected ?? null).toBeNull();
    expect(out.protection_refused).toMatch(/differencing/);
  });
});
