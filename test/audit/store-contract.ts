/**
 * The behaviour every audit store must have, run against SQLite and PostgreSQL alike: chain
 * links and hashes, lookups, filters and pages, released-table lookups, append-only guards,
 * tamper detection at the exact seq, and failures as STORE_UNAVAILABLE.
 *
 * @example storeContract('sqlite', async () => sqliteFixture());
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRef, AuditStore, StoredRecord } from '../../src/audit/audit-store.js';
import { exportJsonl } from '../../src/audit/export-jsonl.js';
import { SCAN_PAGE } from '../../src/audit/record-rows.js';
import { verifyAudit } from '../../src/audit/verify-chain.js';
import { canonicalJson } from '../../src/lib/canonical-json.js';
import { publicJwks, type Jwks } from '../../src/signing/jwks.js';
import { signDecision } from '../../src/signing/sign-decision.js';
import type { SigningKey } from '../../src/signing/signing-keys.js';
import { RULESET_CONTENT, RULESET_DIGEST, sampleDecision, sampleReleased, signedAppend, testSigningKey } from '../helpers/sample-decision.js';

/** A fresh, empty store plus raw SQL access to its database, bypassing the store. */
export interface StoreFixture {
  store: AuditStore;
  /** Runs SQL directly on the database; table names are spelled `{records}` etc. */
  sql(query: string): Promise<void>;
  /** Drops or disables the append-only triggers, as an administrator could. */
  disableGuards(): Promise<void>;
  /** Closes the raw connection (the store is closed by the test). */
  dispose(): Promise<void>;
  /**
   * Makes the database refuse (with an error that is not a conflict) to insert the record of
   * `decisionId`, as a failing disk or a broken constraint would; the returned function undoes it.
   */
  failRecordInsert(decisionId: string): Promise<() => Promise<void>>;
}

const GENESIS = '0'.repeat(64);

/** The chain definition, spelled out independently of src/audit/chain.ts. */
function expectedHash(prev: string, r: StoredRecord, released: unknown[]): string {
  const canonical = canonicalJson({
    v: 1,
    seq: r.seq,
    recorded_at: r.recorded_at,
    kind: r.kind,
    submitted_by: r.submitted_by,
    references: r.references,
    trace_id: r.trace_id,
    decision: r.decision,
    signature: r.signature,
    kid: r.kid,
    released,
  });
  return createHash('sha256').update(prev + canonical, 'utf8').digest('hex');
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toMatchObject({ code });
}

export function storeContract(name: string, fresh: () => Promise<StoreFixture>): void {
  describe(`${name} audit store`, () => {
    let key: SigningKey;
    let jwks: Jwks;
    const fixtures: StoreFixture[] = [];
    const open = async (): Promise<StoreFixture> => {
      const f = await fresh();
      fixtures.push(f);
      return f;
    };

    beforeAll(async () => {
      key = await testSigningKey();
      jwks = publicJwks([key]);
    });

    afterAll(async () => {
      for (const f of fixtures) {
        await f.store.close();
        await f.dispose();
      }
    });

    /** Appends decisions 1…n, each releasing one table. */
    async function filled(n: number): Promise<StoreFixture & { refs: AuditRef[] }> {
      const f = await open();
      const refs: AuditRef[] = [];
      for (let i = 1; i <= n; i++) refs.push(await f.store.append(await signedAppend(key, i)));
      return { ...f, refs };
    }

    it('chains records: seq from 1, prev = previous hash, hash = SHA-256(prev || canonical record)', async () => {
      const { store, refs } = await filled(3);
      expect(refs.map((r) => r.seq)).toEqual([1, 2, 3]);
      expect(refs[0]!.prev).toBe(GENESIS);
      expect(refs[1]!.prev).toBe(refs[0]!.hash);
      expect(refs[2]!.prev).toBe(refs[1]!.hash);
      for (const [i, ref] of refs.entries()) {
        const rec = (await store.get(`d-000${i + 1}`))!;
        expect(rec).toMatchObject({ ...ref, kind: 'decision', submitted_by: 'ci-token', references: null, trace_id: null, kid: key.kid });
        expect(rec.hash).toBe(expectedHash(ref.prev, rec, [{ ...sampleReleased(i + 1), dims: ['sex'] }]));
      }
      expect(await verifyAudit(store, jwks)).toEqual({ ok: true, checked: 3, head: { seq: 3, hash: refs[2]!.hash } });
    });

    it('records a decision given with its canonical bytes exactly as one it serialises itself: same rows, same chain, same event', async () => {
      const evidence = [{ output: 'by-sex', kind: 'table', evidence: { cells: [{ labels: { sex: 'F' }, count: 40 }], note: 'é €' } }];
      const plain = await open();
      const given = await open();
      await given.store.webhooks().addSubscription({ project: 'p1', url: 'http://127.0.0.1:9/hook', events: ['decision.created'], source: 'api', created_at: 0 });
      for (const i of [1, 2]) {
        const input = await signedAppend(key, i, {}, { evidence });
        await plain.store.append(input);
        const canonical = { decision: Buffer.from(canonicalJson(input.decision), 'utf8'), evidence: Buffer.from(canonicalJson(evidence), 'utf8') };
        await given.store.append({ ...input, canonical });
      }
      const records = async (f: StoreFixture) => {
        const out = [];
        // Only the time of recording may differ (and the hashes that cover it).
        for await (const r of f.store.scan(1)) out.push({ ...r, recorded_at: null, hash: null, prev: null, canonical: r.canonical.replace(r.recorded_at, '') });
        return out;
      };
      const [a, b] = [await records(plain), await records(given)];
      expect(b).toHaveLength(2);
      expect(b).toEqual(a);
      expect(b[1]).toMatchObject({ evidence, decision: (await signedAppend(key, 2)).decision });
      expect((await verifyAudit(given.store, jwks)).ok).toBe(true);
      // The webhook event is made from the decision's head alone: the same as from the whole decision.
      const outbox = given.store.webhooks();
      expect(await outbox.fanOut(Date.now())).toBe(2);
      const claimed = await outbox.claim({ owner: 'a', now: Date.now(), leaseMs: 60_000, limit: 10 });
      expect(claimed.map((d) => [d.event_id, d.payload])).toEqual(
        [1, 2].map((i) => [`decision.created:d-000${i}`, expect.objectContaining({ decision_id: `d-000${i}`, outcome: 'release', project: 'p1', audit: { seq: i } })]),
      );
      // Without evidence: none stored, as when the store serialises.
      const bare = await signedAppend(key, 3);
      await given.store.append({ ...bare, canonical: { decision: Buffer.from(canonicalJson(bare.decision), 'utf8'), evidence: null } });
      expect((await given.store.get('d-0003'))!.decision).toEqual(bare.decision);
      for await (const r of given.store.scan(3)) expect(r.evidence).toBeUndefined();
    });

    it('returns the stored record by decision id, and null for an unknown id', async () => {
      const { store } = await open();
      const input = await signedAppend(key, 1, {}, { traceId: 'trace-1' });
      await store.append(input);
      const rec = await store.get('d-0001');
      expect(rec).toMatchObject({ decision: input.decision, signature: input.signature, trace_id: 'trace-1' });
      expect(Date.parse(rec!.recorded_at)).not.toBeNaN();
      expect(await store.get('nope')).toBeNull();
      expect(await store.getRuleset(RULESET_DIGEST)).toEqual(RULESET_CONTENT);
      expect(await store.getRuleset('f'.repeat(64))).toBeNull();
    });

    describe('list', () => {
      let store: AuditStore;
      beforeAll(async () => {
        ({ store } = await open());
        const specs: [number, Partial<ReturnType<typeof sampleDecision>>][] = [
          [1, {}],
          [2, { project: 'p2' }],
          [3, { requester: 'bob', outcome: 'reject' }],
          [4, { dataset: 'registry' }],
          [5, { ruleset: { name: 'default', version: '2', digest: 'e'.repeat(64) } }],
          [6, { project: 'p2', outcome: 'review', dataset: null }],
        ];
        for (const [i, over] of specs) await store.append(await signedAppend(key, i, over));
        await store.append(await signedAppend(key, 7, { id: 'd-0003', outcome: 'review' }, { kind: 'review', references: 'd-0003', released: [] }));
      });

      it.each<[string, Record<string, unknown>, string[]]>([
        ['no filter', {}, ['d-0003', 'd-0006', 'd-0005', 'd-0004', 'd-0003', 'd-0002', 'd-0001']],
        ['project', { project: 'p2' }, ['d-0006', 'd-0002']],
        ['projects', { projects: ['p2'] }, ['d-0006', 'd-0002']],
        ['no projects', { projects: [] }, []],
        ['requester', { requester: 'bob' }, ['d-0003']],
        ['outcome', { outcome: 'review' }, ['d-0003', 'd-0006']],
        ['dataset', { dataset: 'registry' }, ['d-0004']],
        ['ruleset digest', { ruleset_digest: 'e'.repeat(64) }, ['d-0005']],
        ['kind', { kind: 'review' }, ['d-0003']],
        ['project and outcome', { project: 'p1', outcome: 'reject' }, ['d-0003']],
        ['from a future time', { from: '2999-01-01T00:00:00Z' }, []],
        ['until a past time', { to: '2000-01-01T00:00:00+01:00' }, []],
        ['a time range around now', { from: '2000-01-01', to: '2999-01-01' }, ['d-0003', 'd-0006', 'd-0005', 'd-0004', 'd-0003', 'd-0002', 'd-0001']],
      ])('filters by %s', async (_, filter, ids) => {
        const page = await store.list(filter, { limit: 100 });
        expect(page.items.map((r) => r.decision.id)).toEqual(ids);
        expect(page.next_cursor).toBeNull();
      });

      it('pages newest first with a cursor', async () => {
        const seen: number[] = [];
        let cursor: string | null = null;
        do {
          const page: Awaited<ReturnType<AuditStore['list']>> = await store.list({}, { cursor, limit: 3 });
          seen.push(...page.items.map((r) => r.seq));
          cursor = page.next_cursor;
        } while (cursor);
        expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
      });

      it('keeps the original record for get() when a later kind references it', async () => {
        expect((await store.get('d-0003'))!.kind).toBe('decision');
      });

      it.each<[string, Record<string, unknown>, { cursor?: string; limit: number }]>([
        ['a foreign cursor', {}, { cursor: 'bm9wZQ', limit: 10 }],
        ['limit 0', {}, { limit: 0 }],
        ['limit 1001', {}, { limit: 1001 }],
        ['a bad date', { from: 'yesterday' }, { limit: 10 }],
      ])('refuses %s with INVALID_REQUEST', async (_, filter, page) => {
        await expectCode(store.list(filter, page), 'INVALID_REQUEST');
      });
    });

    describe('console lookups', () => {
      let store: AuditStore;
      const finding = (check: string, status: 'fail' | 'review' | 'pass') => ({ check, status, message: `${check} ${status}`, remedy: '' }) as never;
      beforeAll(async () => {
        ({ store } = await open());
        const outputs = (findings: never[]) => [{ name: 'by-sex', kind: 'table' as const, sha256: 'b'.repeat(64), outcome: 'review' as const, findings }];
        await store.append(await signedAppend(key, 1, { outcome: 'review', requester: 'Zed_50%x', outputs: outputs([finding('min_count', 'fail'), finding('zeros', 'pass')]) }));
        await store.append(await signedAppend(key, 2, { outcome: 'review', outputs: outputs([finding('zeros', 'review')]) }));
        await store.append(await signedAppend(key, 3, {}));
        await store.append(await signedAppend(key, 4, { id: 'f-0002', outcome: 'release' }, { kind: 'final', references: 'd-0002', released: [] }));
      });

      it.each<[string, Record<string, unknown>, string[]]>([
        ['a check that flagged (fail or review), not one that passed', { check: 'zeros' }, ['d-0002']],
        ['a failing check', { check: 'min_count' }, ['d-0001']],
        ['text, case-insensitively', { text: 'zed' }, ['d-0001']],
        ['text with LIKE wildcards taken literally', { text: '50%x' }, ['d-0001']],
        ['a wildcard that matches nothing literally', { text: '%z' }, []],
        ['unsettled reviews', { kind: 'decision', outcome: 'review', unsettled: true }, ['d-0001']],
      ])('filters by %s', async (_, filter, ids) => {
        expect((await store.list(filter, { limit: 100 })).items.map((r) => r.decision.id)).toEqual(ids);
      });

      it('pages oldest first with a cursor', async () => {
        const seen: number[] = [];
        let cursor: string | null = null;
        do {
          const page: Awaited<ReturnType<AuditStore['list']>> = await store.list({}, { cursor, limit: 3, order: 'asc' });
          seen.push(...page.items.map((r) => r.seq));
          cursor = page.next_cursor;
        } while (cursor);
        expect(seen).toEqual([1, 2, 3, 4]);
      });

      it('counts the decisions made under each rule set', async () => {
        expect(await store.rulesetUsage()).toEqual([{ digest: RULESET_DIGEST, decisions: 3, first_used: expect.any(String), last_used: expect.any(String) }]);
      });
    });

    it('refuses a second record of one kind for a decision id with CONFLICT, leaving the chain as it was', async () => {
      const { store, refs } = await filled(2);
      await expectCode(store.append(await signedAppend(key, 2)), 'CONFLICT');
      const next = await store.append(await signedAppend(key, 3));
      expect(next).toMatchObject({ seq: 3, prev: refs[1]!.hash });
      expect((await verifyAudit(store, jwks)).ok).toBe(true);
    });

    describe('idempotency keys', () => {
      const claim = (key: string, sha: string, expiresAt = '2999-01-01T00:00:00.000Z') => ({ idempotency: { scope: 'ci-token', key, requestSha256: sha, expiresAt } });

      it('claims a key with its record; a second record under a held key is refused and not written', async () => {
        const { store } = await open();
        const first = await store.append(await signedAppend(key, 1, {}, claim('k1', 'a'.repeat(64))));
        expect(await store.idempotencyKey('ci-token', 'k1', new Date().toISOString())).toEqual({ request_sha256: 'a'.repeat(64), decision_id: 'd-0001', expires_at: '2999-01-01T00:00:00.000Z' });
        // Another caller's key of the same name is another key.
        expect(await store.idempotencyKey('someone-else', 'k1', new Date().toISOString())).toBeNull();
        await expectCode(store.append(await signedAppend(key, 2, {}, claim('k1', 'a'.repeat(64)))), 'IDEMPOTENCY_KEY_REUSED');
        expect(await store.get('d-0002')).toBeNull();
        const next = await store.append(await signedAppend(key, 3));
        expect(next).toMatchObject({ seq: 2, prev: first.hash });
        expect((await verifyAudit(store, jwks)).ok).toBe(true);
      });

      it('of one batch racing for a key, records exactly one', async () => {
        const { store } = await open();
        const inputs = await Promise.all([1, 2, 3, 4].map((i) => signedAppend(key, i, {}, claim('race', 'b'.repeat(64)))));
        const settled = await Promise.allSettled(inputs.map((input) => store.append(input)));
        expect(settled.map((r) => (r.status === 'fulfilled' ? r.value.seq : (r.reason as { code: string }).code))).toEqual([1, 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_REUSED']);
        expect((await store.idempotencyKey('ci-token', 'race', new Date().toISOString()))?.decision_id).toBe('d-0001');
      });

      it('forgets an expired key: it reads as absent and may be claimed again', async () => {
        const { store } = await open();
        await store.append(await signedAppend(key, 1, {}, claim('old', 'c'.repeat(64), '2000-01-01T00:00:00.000Z')));
        expect(await store.idempotencyKey('ci-token', 'old', new Date().toISOString())).toBeNull();
        // Still held at a time before its expiry.
        expect((await store.idempotencyKey('ci-token', 'old', '1999-12-31T00:00:00.000Z'))?.decision_id).toBe('d-0001');
        await store.append(await signedAppend(key, 2, {}, claim('old', 'd'.repeat(64))));
        expect(await store.idempotencyKey('ci-token', 'old', new Date().toISOString())).toMatchObject({ decision_id: 'd-0002', request_sha256: 'd'.repeat(64) });
      });

      it('a duplicate record releases the key it claimed', async () => {
        const { store } = await filled(1);
        await expectCode(store.append(await signedAppend(key, 1, {}, claim('dup', 'e'.repeat(64)))), 'CONFLICT');
        expect(await store.idempotencyKey('ci-token', 'dup', new Date().toISOString())).toBeNull();
      });
    });

    describe('webhook outbox', () => {
      const sub = { project: 'p1', url: 'http://127.0.0.1:9/hook', events: ['decision.created' as const], source: 'api' };

      it('writes a decision.created event with each decision record, fans it out to subscriptions and leases each delivery to one claimer', async () => {
        const { store } = await open();
        const outbox = store.webhooks();
        const s1 = await outbox.addSubscription({ ...sub, created_at: 0 });
        await outbox.addSubscription({ ...sub, project: 'other', created_at: 0 });
        await store.append(await signedAppend(key, 1));
        expect(await outbox.fanOut(Date.now())).toBe(1);
        expect(await outbox.fanOut(Date.now())).toBe(0);
        const now = Date.now();
        const [a, b] = await Promise.all([outbox.claim({ owner: 'a', now, leaseMs: 60_000, limit: 10 }), outbox.claim({ owner: 'b', now, leaseMs: 60_000, limit: 10 })]);
        const claimed = [...a!, ...b!];
        expect(claimed).toEqual([expect.objectContaining({ event_id: 'decision.created:d-0001', type: 'decision.created', url: sub.url, attempts: 1, payload: expect.objectContaining({ decision_id: 'd-0001', outcome: 'release', project: 'p1' }) })]);
        const owner = a!.length ? 'a' : 'b';
        // Not due again while leased; retried after its backoff; then delivered once.
        expect(await outbox.claim({ owner: 'c', now: now + 1, leaseMs: 60_000, limit: 10 })).toEqual([]);
        await outbox.retry(claimed[0]!.id, owner, { nextAttemptAt: now + 500, now, error: 'HTTP 503' });
        expect(await outbox.claim({ owner: 'c', now: now + 100, leaseMs: 60_000, limit: 10 })).toEqual([]);
        const again = await outbox.claim({ owner: 'c', now: now + 600, leaseMs: 60_000, limit: 10 });
        expect(again.map((d) => d.attempts)).toEqual([2]);
        await outbox.complete(again[0]!.id, 'c', now + 700);
        expect(await outbox.deliveries('decision.created:d-0001')).toEqual([expect.objectContaining({ subscription_id: s1.id, attempts: 2, delivered_at: now + 700, failed_at: null })]);
        expect(await outbox.claim({ owner: 'd', now: now + 10_000_000, leaseMs: 1, limit: 10 })).toEqual([]);
      });

      it('writes no event for a record that was not committed, and none for a duplicate', async () => {
        const f = await open();
        const outbox = f.store.webhooks();
        await outbox.addSubscription({ ...sub, created_at: 0 });
        await f.store.append(await signedAppend(key, 1));
        const undo = await f.failRecordInsert('d-0003');
        await Promise.allSettled([2, 3].map(async (i) => f.store.append(await signedAppend(key, i))));
        await undo();
        await expectCode(f.store.append(await signedAppend(key, 1)), 'CONFLICT');
        await outbox.fanOut(Date.now());
        expect((await outbox.deliveries()).map((d) => d.event_id)).toEqual(['decision.created:d-0001']);
      });

      it('does not deliver events from before a subscription existed, nor to a removed subscription', async () => {
        const { store } = await open();
        const outbox = store.webhooks();
        await store.append(await signedAppend(key, 1));
        const s = await outbox.addSubscription({ ...sub });
        await store.append(await signedAppend(key, 2));
        await outbox.fanOut(Date.now());
        expect((await outbox.deliveries()).map((d) => d.event_id)).toEqual(['decision.created:d-0002']);
        expect(await outbox.removeSubscription(s.id)).toBe(true);
        expect(await outbox.claim({ owner: 'a', now: Date.now(), leaseMs: 1000, limit: 10 })).toEqual([]);
      });

      it('lists undelivered deliveries by state and project, and requeues a failed one but never one delivered or in flight', async () => {
        const { store } = await open();
        const outbox = store.webhooks();
        await outbox.addSubscription({ ...sub, created_at: 0 });
        await outbox.addSubscription({ ...sub, url: 'http://127.0.0.1:9/other', created_at: 0 });
        await store.append(await signedAppend(key, 1));
        await outbox.fanOut(Date.now());
        const now = Date.now();
        const [x, y] = await outbox.claim({ owner: 'a', now, leaseMs: 60_000, limit: 10 });
        await outbox.retry(x!.id, 'a', { nextAttemptAt: null, now, error: 'HTTP 500' });
        const failed = await outbox.undelivered({ state: 'failed', limit: 10 });
        expect(failed).toEqual([expect.objectContaining({ id: x!.id, type: 'decision.created', project: 'p1', state: 'failed', attempts: 1, failed_at: now, last_error: 'HTTP 500' })]);
        expect((await outbox.undelivered({ state: 'pending', limit: 10 })).map((d) => d.id)).toEqual([y!.id]);
        expect((await outbox.undelivered({ limit: 10 })).map((d) => d.id)).toEqual([x!.id, y!.id].sort());
        expect(await outbox.undelivered({ limit: 10, projects: ['other'] })).toEqual([]);
        expect(await outbox.undelivered({ limit: 10, projects: [] })).toEqual([]);
        expect((await outbox.undelivered({ limit: 10, projects: ['other', 'p1'], after: [x!.id, y!.id].sort()[0] })).length).toBe(1);
        // y is leased to 'a' (being sent): not requeued; x failed: due now, attempts afresh.
        expect(await outbox.requeue(y!.id, now + 1)).toBe('in_flight');
        expect(await outbox.requeue(x!.id, now + 1)).toBe('requeued');
        expect(await outbox.delivery(x!.id)).toMatchObject({ state: 'pending', attempts: 0, failed_at: null, next_attempt_at: now + 1 });
        const [again] = await outbox.claim({ owner: 'b', now: now + 2, leaseMs: 60_000, limit: 10 });
        expect(again).toMatchObject({ id: x!.id, attempts: 1 });
        await outbox.complete(x!.id, 'b', now + 3);
        expect(await outbox.requeue(x!.id, now + 4)).toBe('delivered');
        expect(await outbox.requeue('no-such-delivery', now + 4)).toBe('not_found');
        expect(await outbox.delivery('no-such-delivery')).toBeNull();
        expect((await outbox.delivery(x!.id))?.state).toBe('delivered');
      });
    });

    describe('group commit', () => {
      it('commits many concurrent appends as one gapless, verifying chain, in call order', async () => {
        const f = await open();
        const n = 150;
        const inputs = await Promise.all(Array.from({ length: n }, (_, i) => signedAppend(key, i + 1)));
        const refs = await Promise.all(inputs.map((input) => f.store.append(input)));
        expect(refs.map((r) => r.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        for (let i = 1; i < n; i++) expect(refs[i]!.prev).toBe(refs[i - 1]!.hash);
        for (const i of [0, 77, n - 1]) expect((await f.store.get(inputs[i]!.decision.id))!.seq).toBe(i + 1);
        expect(await verifyAudit(f.store, jwks)).toEqual({ ok: true, checked: n, head: { seq: n, hash: refs[n - 1]!.hash } });
      });

      it('refuses only the duplicates of a batch with CONFLICT; the others take consecutive seqs', async () => {
        const { store, refs } = await filled(2);
        const inputs = await Promise.all([3, 2, 4, 4, 5].map((i) => signedAppend(key, i)));
        const settled = await Promise.allSettled(inputs.map((input) => store.append(input)));
        expect(settled.map((r) => (r.status === 'fulfilled' ? r.value.seq : (r.reason as { code: string }).code))).toEqual([3, 'CONFLICT', 4, 'CONFLICT', 5]);
        expect(settled[0]).toMatchObject({ value: { prev: refs[1]!.hash } });
        expect(await verifyAudit(store, jwks)).toMatchObject({ ok: true, checked: 5 });
      });

      it('refuses only an unrepresentable record of a batch with INTERNAL; the others take consecutive seqs', async () => {
        const { store } = await open();
        const inputs = await Promise.all([1, 2, 3].map((i) => signedAppend(key, i)));
        inputs[1] = { ...inputs[1]!, evidence: [{ output: 'by-sex', kind: 'table', evidence: { notData: () => 1 } }] };
        const settled = await Promise.allSettled(inputs.map((input) => store.append(input)));
        expect(settled.map((r) => (r.status === 'fulfilled' ? r.value.seq : (r.reason as { code: string }).code))).toEqual([1, 'INTERNAL', 2]);
        expect(await verifyAudit(store, jwks)).toMatchObject({ ok: true, checked: 2 });
      });

      it('a failure mid-batch rejects every append of the batch with STORE_UNAVAILABLE and leaves nothing of it', async () => {
        const f = await open();
        const first = await f.store.append(await signedAppend(key, 1));
        const undo = await f.failRecordInsert('d-0004');
        const inputs = await Promise.all([2, 3, 4, 5, 6].map((i) => signedAppend(key, i)));
        const settled = await Promise.allSettled(inputs.map((input) => f.store.append(input)));
        expect(settled.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : r.value.seq))).toEqual(Array(5).fill('STORE_UNAVAILABLE'));
        for (const input of inputs) expect(await f.store.get(input.decision.id)).toBeNull();
        expect((await f.store.list({}, { limit: 10 })).items).toHaveLength(1);
        await undo();
        expect(await f.store.append(inputs[0]!)).toEqual({ seq: 2, prev: first.hash, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
        expect(await verifyAudit(f.store, jwks)).toMatchObject({ ok: true, checked: 2 });
      });

      it('close commits the appends already made before it returns', async () => {
        const f = await open();
        const inputs = await Promise.all([1, 2, 3].map((i) => signedAppend(key, i)));
        const appended = inputs.map((input) => f.store.append(input));
        await f.store.close();
        expect((await Promise.all(appended)).map((r) => r.seq)).toEqual([1, 2, 3]);
        await expectCode(f.store.append(await signedAppend(key, 4)), 'STORE_UNAVAILABLE');
      });
    });

    it('keeps the differencing history apart from the records: entries after a seq, settled reviews, sealed units, the dictionary', async () => {
      const { store } = await open();
      const entry = (output: string, status: 'released' | 'pending', units: Uint8Array | null = null) => ({
        output,
        kind: 'table',
        status,
        dataset: 'cohort',
        population: 'd:cohort',
        namespace: 'default',
        form: [{ output, kind: 'table', dims: ['sex'], constants: {}, measure: null, nested: false, cells: [] }],
        units,
        sketch: units,
      });
      const sealed = Uint8Array.from([1, 2, 3, 4]);
      const digest = (n: number) => Uint8Array.from({ length: 16 }, (_, i) => (i === 0 ? n : 7));
      await store.append(await signedAppend(key, 1, {}, { history: [entry('a', 'released', sealed), entry('b', 'pending')], dictionary: [1, 2, 3].map((id) => ({ namespace: 'default', digest: digest(id), id })) }));
      await store.append(await signedAppend(key, 2, { project: 'p2' }, { history: [entry('c', 'released')] }));
      await store.append(await signedAppend(key, 3, {}, { kind: 'final', references: 'd-0001' }));
      const all = await store.historyEntries({ afterSeq: 0, limit: 100 });
      expect(all.map((e) => [e.seq, e.idx, e.output, e.status, e.project, e.decision_id, e.has_units])).toEqual([
        [1, 0, 'a', 'released', 'p1', 'd-0001', true],
        [1, 1, 'b', 'pending', 'p1', 'd-0001', false],
        [2, 0, 'c', 'released', 'p2', 'd-0002', false],
      ]);
      expect(JSON.parse(all[0]!.form)[0].output).toBe('a');
      expect([...(all[0]!.sketch ?? [])]).toEqual([1, 2, 3, 4]);
      expect((await store.historyEntries({ afterSeq: 1, limit: 100 })).map((e) => e.output)).toEqual(['c']);
      expect(await store.historyEntries({ afterSeq: 0, limit: 1 })).toHaveLength(1);
      expect(await store.settledReviews({ afterSeq: 0 })).toEqual([{ seq: 3, decision_id: 'd-0001' }]);
      expect((await store.historyUnits([{ seq: 1, idx: 0 }, { seq: 1, idx: 1 }])).map((u) => [u.seq, u.idx, [...u.units]])).toEqual([[1, 0, [1, 2, 3, 4]]]);
      const found = await store.unitIds('default', [digest(2), digest(9)]);
      expect(found.maxId).toBe(3);
      expect([...found.ids.entries()]).toEqual([[Buffer.from(digest(2)).toString('hex'), 2]]);
      expect((await store.unitIds('other', [digest(2)])).maxId).toBe(0);
      // A unit given an id twice is refused with its whole batch: nothing of it remains.
      await expectCode(store.append(await signedAppend(key, 4, {}, { dictionary: [{ namespace: 'default', digest: digest(1), id: 4 }] })), 'STORE_UNAVAILABLE');
      expect(await store.get('d-0004')).toBeNull();
      expect((await verifyAudit(store, jwks)).ok).toBe(true);
    });

    it('scans from a seq, yielding the canonical record, and exports JSON Lines that re-verify offline', async () => {
      const { store, refs } = await filled(4);
      const fromThree = [];
      for await (const r of store.scan(3)) fromThree.push(r);
      expect(fromThree.map((r) => r.seq)).toEqual([3, 4]);
      const lines: string[] = [];
      for await (const line of exportJsonl(store)) lines.push(line);
      expect(lines).toHaveLength(4);
      let prev = GENESIS;
      for (const [i, line] of lines.entries()) {
        expect(line.endsWith('\n')).toBe(true);
        const { hash, prev: p, ...chained } = JSON.parse(line) as Record<string, unknown>;
        expect(p).toBe(prev);
        expect(createHash('sha256').update(prev + canonicalJson(chained), 'utf8').digest('hex')).toBe(hash);
        expect(hash).toBe(refs[i]!.hash);
        prev = hash as string;
      }
    });

    it('scans and verifies across page boundaries, without skipping or repeating', async () => {
      const n = SCAN_PAGE * 2 + 3;
      const { store } = await filled(n);
      const seqs: number[] = [];
      for await (const r of store.scan()) seqs.push(r.seq);
      expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(await verifyAudit(store, jwks)).toMatchObject({ ok: true, checked: n });
    });

    it.each([
      ['UPDATE of a record', "UPDATE {records} SET submitted_by = 'mallory' WHERE seq = 1"],
      ['DELETE of a record', 'DELETE FROM {records} WHERE seq = 2'],
      ['UPDATE of released cells', "UPDATE {released_tables} SET cells = '[]' WHERE seq = 1"],
      ['DELETE of released cells', 'DELETE FROM {released_tables} WHERE seq = 1'],
      ['UPDATE of a rule set', "UPDATE {rulesets} SET content = '{}'"],
    ])('the database refuses %s', async (_, sql) => {
      const f = await filled(2);
      await expect(f.sql(sql)).rejects.toThrow(/append-only/);
      expect((await verifyAudit(f.store, jwks)).ok).toBe(true);
    });

    // Edits an administrator could make with the guards off; each must be caught at its seq.
    it.each<[string, string, number, RegExp]>([
      ['the submitter', "UPDATE {records} SET submitted_by = 'mallory' WHERE seq = 3", 3, /hash does not match/],
      ['the decision outcome', `UPDATE {records} SET decision = replace(decision, '"outcome":"release"', '"outcome":"reject"') WHERE seq = 2`, 2, /hash does not match/],
      ['a released cell count', `UPDATE {released_tables} SET cells = replace(cells, '"count":16', '"count":160') WHERE seq = 4`, 4, /hash does not match/],
      ['released dimensions (hiding a table from differencing)', `UPDATE {released_tables} SET dims = '["sex2"]' WHERE seq = 3`, 3, /hash does not match/],
      ['a lookup column', "UPDATE {records} SET project = 'elsewhere' WHERE seq = 4", 4, /project column/],
      ['the timestamp', "UPDATE {records} SET recorded_at = '2000-01-01T00:00:00.000Z' WHERE seq = 1", 1, /hash does not match/],
      ['a deleted record', 'DELETE FROM {released_tables} WHERE seq = 3; DELETE FROM {records} WHERE seq = 3', 3, /seq 3 is missing/],
      ['a deleted last record', 'DELETE FROM {released_tables} WHERE seq = 5; DELETE FROM {records} WHERE seq = 5', 0, /^$/],
      ['a relinked prev', `UPDATE {records} SET prev = '${'1'.repeat(64)}' WHERE seq = 2`, 2, /prev does not match/],
      ['unparseable stored JSON', `UPDATE {records} SET decision = '{"id":' WHERE seq = 2`, 2, /cannot be read/],
      ['rule set content (first used by seq 1)', `UPDATE {rulesets} SET content = replace(content, '"threshold":10', '"threshold":3')`, 1, /rule set .* no longer hashes/],
    ])('verify reports an edited %s at its seq', async (_, sql, seq, reason) => {
      const f = await filled(5);
      await f.disableGuards();
      await f.sql(sql);
      const r = await verifyAudit(f.store, jwks);
      if (seq === 0) {
        // Truncation keeps a valid chain; only the head (anchored elsewhere) shows it.
        expect(r).toMatchObject({ ok: true, checked: 4, head: { seq: 4 } });
        return;
      }
      expect(r).toMatchObject({ ok: false, first_bad_seq: seq, checked: seq - 1 });
      expect(r.reason).toMatch(reason);
    });

    it('verify catches a decision edited with every later hash recomputed: the signature no longer matches', async () => {
      const f = await filled(3);
      await f.disableGuards();
      // Rewrite record 2's outcome and re-chain 2 and 3 exactly as an attacker with the code would.
      const recs: StoredRecord[] = [];
      for await (const r of f.store.scan()) recs.push(r);
      let prev = recs[0]!.hash;
      for (const r of recs.slice(1)) {
        const decision = r.seq === 2 ? { ...r.decision, outcome: 'reject' as const } : r.decision;
        const hash = expectedHash(prev, { ...r, decision, prev }, [{ ...sampleReleased(r.seq), dims: ['sex'] }]);
        await f.sql(`UPDATE {records} SET decision = '${canonicalJson(decision)}', outcome = '${decision.outcome}', prev = '${prev}', hash = '${hash}' WHERE seq = ${r.seq}`);
        prev = hash;
      }
      const r = await verifyAudit(f.store, jwks);
      expect(r).toMatchObject({ ok: false, first_bad_seq: 2, checked: 1 });
      expect(r.reason).toMatch(/signature check failed \(\/decision\/outcome\)/);
    });

    it('verify reports a record whose signature is of another decision', async () => {
      const f = await filled(1);
      const input = await signedAppend(key, 2);
      await f.store.append({ ...input, signature: await signDecision(sampleDecision(99), key) });
      expect(await verifyAudit(f.store, jwks)).toMatchObject({ ok: false, first_bad_seq: 2, checked: 1 });
    });

    it('verify reports a signature from a key missing from the JWKS', async () => {
      const f = await filled(2);
      const other = await testSigningKey();
      await f.store.append(await signedAppend(other, 3));
      expect(await verifyAudit(f.store, jwks)).toMatchObject({ ok: false, first_bad_seq: 3, reason: expect.stringMatching(/no usable key/) });
      expect((await verifyAudit(f.store, publicJwks([key, other]))).ok).toBe(true);
    });

    it('after close: ping is false and every operation is STORE_UNAVAILABLE', async () => {
      const f = await filled(1);
      expect(await f.store.ping()).toBe(true);
      await f.store.close();
      expect(await f.store.ping()).toBe(false);
      await expectCode(f.store.append(await signedAppend(key, 2)), 'STORE_UNAVAILABLE');
      await expectCode(f.store.get('d-0001'), 'STORE_UNAVAILABLE');
      await expectCode(f.store.list({}, { limit: 1 }), 'STORE_UNAVAILABLE');
      await expectCode(f.store.historyEntries({ afterSeq: 0, limit: 10 }), 'STORE_UNAVAILABLE');
      await expectCode(verifyAudit(f.store, jwks), 'STORE_UNAVAILABLE');
    });
  });
}
