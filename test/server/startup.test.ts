/**
 * Issue 15 item 2: start-up a newcomer can read. A busy port names the port and PORT (and the
 * CLI exits 4, environment); telemetry with no exporter configured starts nothing and says so
 * once; `npm start` forwards SIGTERM, so the port is free once it exits.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server/start-server.js';
import { exporterConfigured, startTelemetry } from '../../src/telemetry/telemetry.js';
import { runCli } from '../helpers/run-cli.js';

/** Listens on a free port; resolves the port and a way to close it. */
function occupy(port = 0): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => {
      const { port: p } = s.address() as { port: number };
      resolve({ port: p, close: () => new Promise((r) => s.close(() => r())) });
    });
  });
}

describe('a busy port', () => {
  it('is named with PORT, by the server and by `airlock serve` (exit 4)', async () => {
    const busy = await occupy();
    try {
      const dataDir = mkdtempSync(join(tmpdir(), 'airlock-port-'));
      const config = loadConfig({ PORT: String(busy.port), HOST: '127.0.0.1', AIRLOCK_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
      await expect(startServer(config, { console: () => undefined })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(new RegExp(`port ${busy.port} on 127\\.0\\.0\\.1 is already in use.*set PORT`)) });
      const cli = await runCli(['serve'], { PORT: String(busy.port), HOST: '127.0.0.1', AIRLOCK_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
      expect(cli.code).toBe(4);
      expect(cli.stderr).toContain(`port ${busy.port} on 127.0.0.1 is already in use`);
      expect(cli.stderr).not.toMatch(/TypeError|at .*\.ts:\d+/);
    } finally {
      await busy.close();
    }
  }, 120_000);
});

describe('telemetry', () => {
  it('starts nothing without an exporter, and says why', async () => {
    const off = await startTelemetry({ instrument: false, env: {} });
    expect(off.enabled).toBe(false);
    expect(off.reason).toMatch(/no exporter configured.*OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect((await startTelemetry({ instrument: false, env: { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' } })).enabled).toBe(false);
    expect(exporterConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(exporterConfigured({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
    expect(exporterConfigured({ OTEL_TRACES_EXPORTER: ' ' })).toBe(false);
  });
});

describe('npm start', () => {
  it('releases the port on SIGTERM, having said once that telemetry is off', async () => {
    const probe = await occupy();
    const port = probe.port;
    await probe.close();
    const dataDir = mkdtempSync(join(tmpdir(), 'airlock-start-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AIRLOCK_') && !k.startsWith('OTEL_') && k !== 'NODE_ENV' && k !== 'DATABASE_URL'));
    // --ignore-scripts skips only `prestart` (building the console), which the suite has done.
    const child = spawn('npm', ['run', 'start', '--ignore-scripts', '--silent'], { env: { ...env, PORT: String(port), HOST: '127.0.0.1', AIRLOCK_DATA_DIR: dataDir, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    // Ready when the log says it listens (an event from the child, not a sleep).
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.includes('"msg":"airlock listening"')) resolve();
      };
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      void exited.then(() => reject(new Error(`npm start exited before listening:\n${out}`)));
    });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    child.kill('SIGTERM');
    // npm ends as its script did: exit 0, or by the forwarded signal it re-raises on itself.
    const end = await exited;
    expect(end.code === 0 || end.signal === 'SIGTERM', JSON.stringify(end)).toBe(true);
    expect(out).toContain('drained; exiting');
    // Nothing holds the port: it can be taken at once.
    const again = await occupy(port);
    await again.close();
    expect(out.match(/telemetry off: no exporter configured/g)).toHaveLength(1);
  }, 180_000);
});
