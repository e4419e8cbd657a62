import { serialize, deserialize } from 'node:v8';
import { evaluateOutput } from '../src/pipeline/evaluate-output.js';
import { loadRuleset } from '../src/rules/load-ruleset.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { hardTable } from '../test/helpers/hard-table.js';
const rs = await loadRuleset('rules');
const rules = rs.resolve('bench');
const raw = hardTable(199);
let t = performance.now();
const sr = serialize(raw); console.log('raw ser ms', performance.now() - t, sr.length); t = performance.now();
deserialize(sr); console.log('raw deser ms', performance.now() - t); t = performance.now();
const e = evaluateOutput(raw as any, '/outputs/0', rules, DEFAULT_LIMITS, { project: 'bench', dataset: null });
console.log('eval ms', performance.now() - t); t = performance.now();
const s = serialize(e); console.log('ser ms', performance.now() - t, s.length); t = performance.now();
const d = deserialize(s); console.log('deser ms', performance.now() - t); t = performance.now();
console.log(Object.keys(e.decision));
for (const part of ['table', 'protected', 'findings']) { const v = (e.decision as any)[part]; const j = JSON.stringify(v); t = performance.now(); JSON.parse(j); console.log(part, 'json', j.length, 'parse ms', (performance.now() - t).toFixed(0)); const s2 = serialize(v); t = performance.now(); deserialize(s2); console.log(part, 'deser ms', (performance.now() - t).toFixed(0)); }
for (const part of ['parsed', 'releasable', 'evidence']) { const v = (e as any)[part]; const s2 = serialize(v); t = performance.now(); deserialize(s2); console.log(part, s2.length, 'deser ms', (performance.now() - t).toFixed(0)); }
const pj = JSON.stringify((e.decision as any).protected); console.log(Object.keys((e.decision as any).protected), JSON.stringify((e.decision as any).protected).slice(0, 600));
t = performance.now(); const whole = JSON.stringify({ decision: e.decision, releasable: e.releasable, evidence: e.evidence }); console.log('stringify all ms', (performance.now() - t).toFixed(0), whole.length); t = performance.now(); JSON.parse(whole); console.log('parse all ms', (performance.now() - t).toFixed(0));
