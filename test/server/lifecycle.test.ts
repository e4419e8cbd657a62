import { createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createLifecycle, drainBudget, exitOnSignals } from '../../src/server/lifecycle.js';

/** A server whose every request waits until `release()`; answers with a 2 KB body. */
async function heldServer() {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let arrived!: () => void;
  const firstArrived = new Promise<void>((r) => (arrived = r));
  const server: Server = createServer((_req, res) => {
    arrived();
    void held.then(() => res.end('x'.repeat(2048)));
  });
  const lifecycle = createLifecycle();
  lifecycle.attach(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { server, lifecycle, port, release, firstArrived };
}

function get(port: number): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false, headers: { connection: 'keep-alive' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('createLifecycle', () => {
  it('while draining: not ready, in-flight requests finish whole with Connection: close, new connections refused', async () => {
    const h = await heldServer();
    const pending = get(h.port);
    await h.firstArrived;
    expect(h.lifecycle.accepting()).toBe(true);
    expect(h.lifecycle.inFlight()).toBe(1);
    const drained = h.lifecycle.drain(30_000);
    expect(h.lifecycle.accepting()).toBe(false);
    await expect(get(h.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    h.release();
    const res = await pending;
    expect(res).toEqual({ status: 200, body: 'x'.repeat(2048), connection: 'close' });
    expect(await drained).toBe(true);
    expect(h.lifecycle.inFlight()).toBe(0);
  });

  it('cuts what is still running when the budget runs out, and says so', async () => {
    const h = await heldServer();
    const pending = get(h.port).catch((e: NodeJS.ErrnoException) => e.code);
    await h.firstArrived;
    expect(await h.lifecycle.drain(200)).toBe(false);
    expect(await pending).toBe('ECONNRESET');
  });

  it('drains an idle server at once', async () => {
    const h = await heldServer();
    expect(await h.lifecycle.drain(30_000)).toBe(true);
  });
});

describe('exitOnSignals', () => {
  it.each([
    ['a clean drain', async () => true, 0],
    ['a drain that cut requests', async () => false, 1],
    ['a failed shutdown', async () => Promise.reject(new Error('store')), 1],
  ])('exits after %s with %i', async (_what, shutdown, code) => {
    const exit = vi.fn();
    const exited = new Promise<void>((r) => exit.mockImplementation(() => r()));
    const remove = exitOnSignals(shutdown, { graceMs: 30_000, logger: createLogger('silent'), signals: ['SIGUSR2'], exit });
    process.emit('SIGUSR2', 'SIGUSR2');
    process.emit('SIGUSR2', 'SIGUSR2');
    await exited;
    remove();
    expect(exit.mock.calls).toEqual([[code]]);
  });
});

describe('drainBudget', () => {
  it.each([
    [25_000, 20_000],
    [10_000, 8_000],
    [1_000, 800],
  ])('leaves part of a %i ms grace period for closing the store: %i ms', (grace, budget) => {
    expect(drainBudget(grace)).toBe(budget);
  });
});
