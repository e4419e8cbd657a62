import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

// The whole conformance command, as a user runs it: it starts the service itself, submits
// every case over HTTP and compares per-cell flags with the reference implementation's.
describe('conformance on ../shared/conformance/tables', () => {
  it('passes every case', async () => {
    const { stdout } = await run('npx', ['tsx', 'src/cli/main.ts', 'conformance', '../shared/conformance/tables'], { maxBuffer: 1 << 24 });
    const last = stdout.trim().split('\n').pop();
    expect(last).toBe('51 passed, 0 failed');
  });

  it('exits non-zero and names the case when an expectation is wrong', async () => {
    const { mkdtempSync, readdirSync, copyFileSync, readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'conf-'));
    for (const f of readdirSync('../shared/conformance/tables').filter((n) => n.startsWith('h01_'))) copyFileSync(join('../shared/conformance/tables', f), join(dir, f));
    const exp = join(dir, readdirSync(dir).find((f) => f.endsWith('.expected.json'))!);
    const e = JSON.parse(readFileSync(exp, 'utf8'));
    e.overall_status = e.overall_status === 'pass' ? 'fail' : 'pass';
    writeFileSync(exp, JSON.stringify(e));
    const err = await run('npx', ['tsx', 'src/cli/main.ts', 'conformance', dir]).catch((x: { code: number; stdout: string }) => x);
    expect((err as { code: number }).code).toBe(1);
    expect((err as { stdout: string }).stdout).toMatch(/FAIL h01_/);
    expect((err as { stdout: string }).stdout.trim().split('\n').pop()).toBe('0 passed, 1 failed');
  });
});
