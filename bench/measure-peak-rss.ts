/**
 * `peak_rss`: the peak resident memory of a fresh airlock process that serves one decision on
 * a large file (its `process.resourceUsage().maxRSS` afterwards), so the figure is that case's
 * alone: start-up, upload, parse, table, checks, signing and recording.
 *
 * @example const r = await measurePeakRss(file, 'csv'); r.peakMb;
 */
import type { MicrodataFile } from './generate-microdata.js';
import type { ServerRef, Transport } from './post-table.js';
import { jsonBody, postTable } from './post-table.js';
import { spawnChild } from './spawn-child.js';

export interface PeakRss {
  rows: number;
  bytes: number;
  transport: Transport;
  /** Peak RSS of the serving process, MiB. */
  peakMb: number;
  /** RSS of the same process started and idle, before the request, MiB. */
  idleMb: number;
  seconds: number;
}

interface Usage {
  maxRssKb: number;
  rssKb: number;
}

/**
 * Runs one decision on `file` in a fresh server process and reads that process's peak RSS.
 *
 * @example (await measurePeakRss(file10M, 'csv')).peakMb < 2384; // 2.5 GB
 */
export async function measurePeakRss(file: MicrodataFile, transport: Transport): Promise<PeakRss> {
  // Built before the server starts, so the client's copy is not what is measured or timed.
  const json = transport === 'json' ? jsonBody(file) : undefined;
  const server = spawnChild('bench/server-child.ts', ['airlock']);
  try {
    const ref = await server.next<ServerRef>('ready');
    server.send({ type: 'usage' });
    const idle = await server.next<Usage>('usage');
    const r = await postTable(ref, file, transport, json);
    server.send({ type: 'usage' });
    const after = await server.next<Usage>('usage');
    return { rows: file.rows, bytes: file.bytes, transport, peakMb: after.maxRssKb / 1024, idleMb: idle.rssKb / 1024, seconds: r.seconds };
  } finally {
    await server.stop();
  }
}
