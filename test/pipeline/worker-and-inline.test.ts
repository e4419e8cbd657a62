/**
 * A large output decided through the worker pool (its answer's long arrays packed in chunks,
 * moved, and unpacked in slices; src/pipeline/output-task.ts) and the same output decided on
 * the calling thread give byte-identical signed decisions and resubmit forms (issue 13: the
 * sliced finishing changes when the work runs, never what it makes). What is random by design
 * — the decision's id and time, the token's jti, expiry and salt — is set equal first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../src/domain.js';
import { canonicalJson } from '../../src/lib/canonical-json.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import type { DecisionResponse } from '../../src/pipeline/make-decision.js';
import { makeDecision } from '../../src/pipeline/make-decision.js';
import type { ProtectionRunner } from '../../src/pipeline/protection-runner.js';
import { protectionPool } from '../../src/pipeline/protection-runner.js';
import { protectionSeal, verifyProtection } from '../../src/pipeline/protection-token.js';
import { worthAWorker } from '../../src/pipeline/output-task.js';
import type { RawOutput } from '../../src/outputs/output-kind.js';
import { loadRuleset } from '../../src/rules/load-ruleset.js';
import { DECISION_JWS_TYP, compactJws, signDecision } from '../../src/signing/sign-decision.js';
import type { SigningKey } from '../../src/signing/signing-keys.js';
import { hardTable } from '../helpers/hard-table.js';
import { testSigningKey } from '../helpers/sample-decision.js';

const rules = loadRuleset('rules');
// 71 × 71 cells: past the worker threshold, and its cells and rows past the packed arrays' length.
const output = hardTable(70);
const scope = { project: 'p', dataset: null };

/** The decision with its random parts (id, time, the offered token's jti and expiry) set to fixed values. */
function fixed(d: Decision): Decision {
  const outputs = d.outputs.map((o) => {
    const p = (o as { protected?: unknown }).protected;
    if (typeof p !== 'object' || p === null || !('protection' in p)) return o;
    return { ...o, protected: { ...p, protection: { kid: 'k', jti: 'j', expires_at: '2026-01-01T00:00:00.000Z' } } };
  });
  return { ...d, id: '00000000-0000-7000-8000-000000000000', issued_at: '2026-01-01T00:00:00.000Z', outputs };
}

describe('the worker path and the inline path', () => {
  let key: SigningKey;
  let pool: ProtectionRunner;
  const runs: { decision: Decision; res: DecisionResponse }[] = [];

  beforeAll(async () => {
    key = await testSigningKey();
    pool = protectionPool({ threads: 1, heapMb: 512 });
    expect(worthAWorker(output as RawOutput)).toBe(true);
    for (const protector of [undefined, pool]) {
      let decision: Decision | undefined;
      const deps = {
        ruleset: () => rules,
        limits: DEFAULT_LIMITS,
        protection: protectionSeal({ signing: key, verification: [key] }),
        finalize: async (d: Decision) => {
          decision = d;
          return {};
        },
        ...(protector ? { protector } : {}),
      };
      // A fresh copy each time: the pipeline may annotate what it is given.
      const res = await makeDecision(JSON.parse(JSON.stringify({ project: 'p', requester: 'r', outputs: [output] })), deps);
      if (!decision) throw new Error('no decision was finalised');
      runs.push({ decision, res });
    }
  }, 300_000);

  afterAll(async () => {
    await pool?.close();
  });

  it('sign the same decision, byte for byte (the large one signed off the thread as on it)', async () => {
    const [inline, worker] = runs.map((r) => fixed(r.decision));
    if (!inline || !worker) throw new Error('two runs expected');
    expect(inline.outputs[0]?.protected).toBeTruthy();
    const signed = await signDecision(inline, key);
    expect(await signDecision(worker, key)).toBe(signed);
    expect(signed).toBe(compactJws(DECISION_JWS_TYP, Buffer.from(canonicalJson(inline), 'utf8').toString('base64url'), key));
  });

  it('offer the same resubmit form, each sealed with a token that is trusted', async () => {
    const forms = runs.map((r) => r.res.resubmit?.big);
    const [inline, worker] = forms;
    if (!inline || !worker) throw new Error('a form from each run expected');
    const bare = (f: typeof inline) => canonicalJson({ ...f, protection: undefined, protection_salt: undefined });
    expect(bare(worker)).toBe(bare(inline));
    expect(inline.cells).toHaveLength(71 * 71);
    for (const f of forms) expect((await verifyProtection(f as object, [key], scope)).trusted).toBe(true);
  });
});
