/**
 * A PostgreSQL failover, as a data centre would stage it, against `airlock serve` replicas
 * under load: the replicas share a database of their own (created here, so taking it away
 * disturbs no other test), workers keep posting decisions to every replica, and meanwhile
 * 1. every backend of the database is terminated (`pg_terminate_backend`: 57P01, what a
 *    restart or failover sends) `terminations` times, each after fresh progress;
 * 2. the database refuses connections (`ALLOW_CONNECTIONS false`, which binds superusers
 *    too) and its backends are terminated again, for at least `outageMs` and until every
 *    replica has answered requests with 503 and reports itself not ready;
 * 3. connections are allowed again, and the time until each replica next acknowledges a
 *    decision (201) is measured.
 * Then the load stops and what the replicas acknowledged is compared with what the store
 * holds, and the chain is verified. The test (`test/server/failover.test.ts`) and the
 * benchmark (`npm run bench -- --only failover`) both run it, at different sizes.
 *
 * @example
 * const r = await runFailover({ terminations: 3, outageMs: 2000 });
 * r.lost // []
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PG_URL } from './pg-schema.js';
import { startReplicas, type SpawnedServer } from './spawn-server.js';
import { csvOf, tableRequest } from './test-server.js';

export interface FailoverOptions {
  /** Replicas sharing the database (default 2). */
  replicas?: number;
  /** Concurrent request loops per replica (default 3). */
  workersPerReplica?: number;
  /** Rounds of terminating every backend before the outage (default 3). */
  terminations?: number;
  /** Decisions acknowledged between two terminations (default 10). */
  progress?: number;
  /** Shortest time the database refuses connections (default 3000 ms). */
  outageMs?: number;
  /** Decisions acknowledged after service resumed, before the load stops (default 10). */
  after?: number;
  /** Progress lines (phases and counts), e.g. for the benchmark. */
  log?: (line: string) => void;
}

export interface FailoverResult {
  /** Decisions answered 201, across replicas. */
  acknowledged: number;
  /** 503 answers (`STORE_UNAVAILABLE`, `NOT_READY`). */
  unavailable: number;
  /** Answers that were neither 201 nor 503, or no answer at all, by status or error code. */
  unexpected: Record<string, number>;
  /** Acknowledged decision ids the store does not hold, or holds at another seq. */
  lost: string[];
  /** Records in the store. */
  stored: number;
  /** Backends terminated, summed over the rounds and the outage. */
  terminated: number;
  /** How long the database refused connections. */
  outageMs: number;
  /** Per replica: ms from connections being allowed again to its next 201. */
  resumeMs: number[];
  /** Per replica: `/readyz` answered 503 during the outage. */
  notReadyDuringOutage: boolean[];
  /** `GET /v1/audit/verify` after the run, from each replica. */
  verify: { ok: boolean; checked: number }[];
  /** Per replica: still running when the load stopped (no exit, no crash). */
  alive: boolean[];
  /** Per replica: exit code after SIGTERM at the end. */
  exitCodes: (number | null)[];
  /** Anything a replica wrote to stderr that looks like a crash. */
  crashes: string[];
  /** Why the scenario stopped before its end (a replica exited), or null. */
  aborted: string | null;
  seconds: number;
}

interface Worker {
  replica: number;
  ok: number;
  unavailable: number;
}

const spec = { index: ['r'], columns: ['c'] };

/**
 * Resolves once `cond()` holds, re-checking after every answer a worker gets (no fixed
 * sleeps); rejects every wait once the scenario is aborted (a replica exited), so a crash
 * fails the run instead of hanging it.
 */
class Progress {
  private waiters: { cond: () => boolean; resolve: () => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;
  tick(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.cond()) return true;
      w.resolve();
      return false;
    });
  }
  abort(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiters) w.reject(e);
    this.waiters = [];
  }
  until(cond: () => boolean): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ cond, resolve, reject }));
  }
}

export async function runFailover(opts: FailoverOptions = {}): Promise<FailoverResult> {
  const started = Date.now();
  const nReplicas = opts.replicas ?? 2;
  const perReplica = opts.workersPerReplica ?? 3;
  const terminations = opts.terminations ?? 3;
  const progressStep = opts.progress ?? 10;
  const minOutageMs = opts.outageMs ?? 3000;
  const after = opts.after ?? 10;
  const log = opts.log ?? (() => undefined);

  const database = `airlock_failover_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  admin.on('error', () => undefined);
  // From template0, which no session can be connected to, so a parallel test's connection to
  // template1 cannot make this fail.
  await admin.query(`CREATE DATABASE "${database}" TEMPLATE template0`);
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  const terminate = async (): Promise<number> => {
    const { rowCount } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    return rowCount ?? 0;
  };

  const replicas = await startReplicas(nReplicas, 'airlock', { databaseUrl: url.toString() });
  log(`replicas listening: ${replicas.servers.map((s) => s.url).join(", ")}`);
  const servers: SpawnedServer[] = replicas.servers;
  const acked = new Map<string, number>();
  const unexpected: Record<string, number> = {};
  const okAt: number[][] = servers.map(() => []);
  const progress = new Progress();
  const workers: Worker[] = [];
  let stop = false;
  let unavailable = 0;
  let serial = 0;
  let answers = 0;
  servers.forEach((s, i) => void s.exited.then(({ code, signal }) => progress.abort(new Error(`replica ${i} exited (code ${code}, signal ${signal})`))));

  const loop = async (w: Worker): Promise<void> => {
    const server = servers[w.replica]!;
    while (!stop) {
      const i = serial++;
      // Half the requests name a dataset, so they take the dataset lock and difference.
      const extra = i % 2 === 0 ? { dataset: `cohort-${i % 3}` } : {};
      const body = JSON.stringify(tableRequest(csvOf({ 'a|x': 10 + (i % 7), 'b|x': 12 }), spec, extra));
      let status: string;
      try {
        const res = await fetch(`${server.url}/v1/decisions`, { method: 'POST', headers: { ...replicas.auth, 'content-type': 'application/json' }, body });
        const json = (await res.json()) as { decision?: { id: string }; audit?: { seq: number }; code?: string };
        if (res.status === 201 && json.decision && json.audit) {
          acked.set(json.decision.id, json.audit.seq);
          okAt[w.replica]!.push(Date.now());
          w.ok += 1;
          status = 'ok';
        } else if (res.status === 503 && (json.code === 'STORE_UNAVAILABLE' || json.code === 'NOT_READY')) {
          unavailable += 1;
          w.unavailable += 1;
          status = 'unavailable';
        } else status = `${res.status} ${json.code ?? ''}`.trim();
      } catch (e) {
        status = `no answer: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}`;
      }
      if (status !== 'ok' && status !== 'unavailable') unexpected[status] = (unexpected[status] ?? 0) + 1;
      if (++answers % 100 === 0) log(`answers: ${acked.size} ok, ${unavailable} unavailable, ${JSON.stringify(unexpected)}`);
      progress.tick();
      // Pace failing loops so an outage is not a busy loop of connection attempts.
      if (status !== 'ok') await new Promise((r) => setTimeout(r, 25));
    }
  };
  for (let r = 0; r < nReplicas; r++) for (let k = 0; k < perReplica; k++) workers.push({ replica: r, ok: 0, unavailable: 0 });
  const running = workers.map((w) => loop(w));

  let terminated = 0;
  let outageMs = 0;
  const resumeMs: number[] = [];
  const notReady = servers.map(() => false);
  let aborted: string | null = null;
  try {
    for (let round = 1; round <= terminations; round++) {
      const target = acked.size + progressStep;
      await progress.until(() => acked.size >= target);
      terminated += await terminate();
      log(`round ${round}: ${acked.size} acknowledged, ${unavailable} unavailable, ${terminated} backends terminated so far`);
    }
    const beforeOutage = acked.size + progressStep;
    await progress.until(() => acked.size >= beforeOutage);

    // The outage: no new connections, and the existing ones cut.
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
    const down = Date.now();
    terminated += await terminate();
    log(`outage: connections refused at ${acked.size} acknowledged`);
    const failedBefore = workers.map((w) => w.unavailable);
    const readyProbe = async () => {
      await Promise.all(
        servers.map(async (s, i) => {
          const res = await fetch(`${s.url}/readyz`).catch(() => null);
          if (res?.status === 503) notReady[i] = true;
          await res?.body?.cancel();
        }),
      );
    };
    const everyReplicaFailed = () => servers.every((_, r) => workers.some((w, i) => w.replica === r && w.unavailable > failedBefore[i]!));
    await progress.until(everyReplicaFailed);
    log(`outage: every replica answered 503 (${unavailable} so far)`);
    await readyProbe();
    // Hold the outage for its length; the workers keep failing meanwhile.
    await new Promise((r) => setTimeout(r, Math.max(0, down + minOutageMs - Date.now())));
    await readyProbe();

    const allowedAt = Date.now();
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
    outageMs = Date.now() - down;
    log(`outage over after ${outageMs} ms`);
    await progress.until(() => okAt.every((times) => times.some((t) => t > allowedAt)));
    for (const times of okAt) resumeMs.push(times.find((t) => t > allowedAt)! - allowedAt);
    log(`resumed: ${resumeMs.join(', ')} ms`);
    const end = acked.size + after;
    await progress.until(() => acked.size >= end);
  } catch (e) {
    aborted = (e as Error).message;
    log(`aborted: ${aborted}`);
  } finally {
    stop = true;
    await Promise.all(running);
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`).catch(() => undefined);
  }

  const alive = servers.map((s) => s.child.exitCode === null && s.child.signalCode === null);
  const check = new pg.Client({ connectionString: url.toString() });
  await check.connect();
  const { rows } = await check.query<{ decision_id: string; seq: string }>(`SELECT decision_id, seq FROM "airlock".records`);
  await check.end();
  const stored = new Map(rows.map((r) => [r.decision_id, Number(r.seq)]));
  const lost = [...acked].filter(([id, seq]) => stored.get(id) !== seq).map(([id]) => id);
  const verify = await Promise.all(
    servers.map(async (s) => {
      if (s.child.exitCode !== null) return { ok: false, checked: 0 };
      const res = await fetch(`${s.url}/v1/audit/verify`, { headers: replicas.auth });
      const body = (await res.json()) as { ok: boolean; checked: number };
      return { ok: body.ok, checked: body.checked };
    }),
  );
  const exits = await Promise.all(servers.map((s) => s.stop('SIGTERM')));
  const crashes = servers.flatMap((s) => s.stderr().split('\n').filter((l) => /uncaught|unhandled|Error:|throw /i.test(l)));
  await replicas.stop();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch((e: Error) => log(`could not drop ${database}: ${e.message}`));
  await admin.end();
  return {
    acknowledged: acked.size,
    unavailable,
    unexpected,
    lost,
    stored: stored.size,
    terminated,
    outageMs,
    resumeMs,
    notReadyDuringOutage: notReady,
    verify,
    alive,
    exitCodes: exits.map((e) => e.code),
    crashes,
    aborted,
    seconds: (Date.now() - started) / 1000,
  };
}
