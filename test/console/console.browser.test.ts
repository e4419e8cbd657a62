/// <reference lib="dom" />
/**
 * The console in a real browser (Debian's Chromium driven by playwright-core), against a real
 * airlock and a real OpenID Connect provider in-process: people sign in through the IdP, two
 * checkers review one output blindly and settle it, a researcher-checker's self-review is
 * refused, an auditor verifies a signature in the browser and sees a tampered record reported
 * by chain status, governance sees a rule diff with its replay. Every page is checked with
 * axe-core (no serious or critical violation) and under the console's CSP (any violation fails
 * the test). Screenshots and the bundle/axe reports go to a temporary directory; with
 * AIRLOCK_UPDATE_SCREENSHOTS=1 they land in docs/console/ so the docs show the console as it is
 * (a normal run never dirties the working tree).
 *
 * Needs /usr/bin/chromium (`.ci/run` installs it) and the built console (`npm test` builds it).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/auth/tokens.js';
import { startOidcProvider, TEST_API_AUDIENCE, type TestIdp } from '../helpers/oidc-provider.js';
import { testServer, type TestServer } from '../helpers/test-server.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const CHROMIUM = process.env.AIRLOCK_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = process.env.AIRLOCK_UPDATE_SCREENSHOTS === '1' ? resolve('docs', 'console') : tempDirs('airlock-console-shots-')();
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const PEOPLE = {
  ann: { name: 'Ann Checker', roles: ['checker'], projects: ['*'] },
  bob: { name: 'Bob Checker', roles: ['checker'], projects: ['diabetes-2026'] },
  cat: { name: 'Cat Researcher', roles: ['checker', 'submitter'], projects: ['*'] },
  dee: { name: 'Dee Auditor', roles: ['auditor'], projects: ['*'] },
  gus: { name: 'Gus Governance', roles: ['admin', 'auditor'], projects: ['*'] },
};

const tmp = tempDirs('console-browser-');
let idp: TestIdp;
let s: TestServer;
let browser: Browser;
const portal = { authorization: `Bearer portal-token-0123456789` };
const violations: string[] = [];
const axeReport: Record<string, { serious: number; critical: number; moderate: number; minor: number; ids?: string[] }> = {};

/** A request with a table whose small cell the researcher asks an exception for: the automation said fail, so it needs review. */
const needsReview = (requester: string, name = 'admissions_by_region') => ({
  project: 'diabetes-2026',
  requester,
  dataset: `cohort-${requester}-${name}`,
  outputs: [
    {
      name,
      kind: 'table',
      cells: [
        { labels: { region: 'north', sex: 'F' }, count: 24 },
        { labels: { region: 'north', sex: 'M' }, count: 3 },
        { labels: { region: 'south', sex: 'F' }, count: 31 },
        { labels: { region: 'south', sex: 'M' }, count: 28 },
      ],
      exception: { justification: 'The three are hospital sites, whose counts are published by NHS Digital.' },
    },
    { name: 'age_histogram', kind: 'plot', type: 'histogram', edges_from_data: false, bins: [{ from: 20, to: 40, count: 112 }, { from: 40, to: 60, count: 240 }, { from: 60, to: 80, count: 187 }, { from: 80, to: 100, count: 18 }] },
    { name: 'results_csv', kind: 'file', filename: 'results.csv', content_base64: Buffer.from('region,count\nnorth,120\nsouth,95\n').toString('base64') },
    ...(name === 'admissions_by_region' ? otherKinds : []),
  ],
});

/** Outputs of every other kind that pass their checks, so the review page shows each as published. */
const otherKinds = [
  // A bar chart with a small bar, excepted: drawn as submitted and, beside it, as protected ("Other").
  { name: 'by_site', kind: 'plot', type: 'bar', categories: [{ label: 'A', count: 40 }, { label: 'B', count: 3 }, { label: 'C', count: 25 }], exception: { justification: 'Site B is a public clinic with published attendance.' } },
  // A 1×1 PNG: its preview is decoded in the browser and shown from a blob: URL, under the CSP.
  { name: 'figure', kind: 'file', filename: 'dot.png', content_base64: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' },
  { name: 'hba1c_model', kind: 'model', family: 'ols', n_obs: 412, n_params: 4, coefficients: [{ term: '(Intercept)', estimate: 5.12, std_error: 0.21 }, { term: 'age', estimate: 0.013, std_error: 0.004 }] },
  { name: 'survival', kind: 'plot', type: 'kaplan_meier', steps: [{ time: 0, at_risk: 120, events: 0, censored: 0 }, { time: 6, at_risk: 120, events: 14, censored: 6 }, { time: 12, at_risk: 100, events: 11, censored: 9 }, { time: 24, at_risk: 80, events: 12, censored: 18 }] },
  { name: 'cohort_age', kind: 'summary', statistics: [{ name: 'age', statistic: 'median', n: 547, value: 59 }, { name: 'age', statistic: 'percentile', p: 5, n: 547, value: 34 }] },
  {
    name: 'extract',
    kind: 'records',
    microdata: { format: 'json', data: Array.from({ length: 20 }, (_, i) => ({ age_band: i < 10 ? '40-49' : '50-59', sex: 'F', diagnosis: i % 2 ? 'E11' : 'I10' })) },
    quasi_identifiers: ['age_band', 'sex'],
    sensitive: 'diagnosis',
  },
];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set AIRLOCK_CHROMIUM`);
  if (!existsSync(resolve('ui', 'dist', 'index.html'))) throw new Error('the console is not built: npm run build:ui (npm test does it first)');
  // The IdP must know airlock's redirect URI before airlock (and its port) exists: reserve through a placeholder port list.
  const dir = tmp();
  const tokens = join(dir, 'tokens.json');
  writeFileSync(tokens, JSON.stringify([{ name: 'tre-portal', sha256: hashToken('portal-token-0123456789'), roles: ['submitter'] }]));
  const secret = join(dir, 'client-secret');
  idp = await startOidcProvider({ redirectUris: () => [`http://127.0.0.1:${port}/v1/session/callback`], people: PEOPLE });
  writeFileSync(secret, idp.clientSecret);
  s = await testServer({
    PORT: String(port),
    AIRLOCK_TOKENS_FILE: tokens,
    AIRLOCK_OIDC_ISSUER: idp.issuer,
    AIRLOCK_OIDC_CLIENT_ID: idp.clientId,
    AIRLOCK_OIDC_CLIENT_SECRET_FILE: secret,
    AIRLOCK_OIDC_AUDIENCE: TEST_API_AUDIENCE,
    AIRLOCK_RATE_LIMIT: '0',
  });
  expect(s.url).toBe(`http://127.0.0.1:${port}`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await s?.close();
  await idp?.close();
});

/** A free port chosen before start-up, so the IdP can register airlock's redirect URI. */
const port = await (async () => {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const p = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return p;
})();

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e: SecurityPolicyViolationEvent) => {
      (window as unknown as { __csp: string[] }).__csp = [...((window as unknown as { __csp?: string[] }).__csp ?? []), `${e.violatedDirective} ${e.blockedURI}`];
    });
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => violations.push(`${page.url()}: page error ${e.message}`));
  return { context, page };
}

/** Runs axe on the page; records and checks that nothing serious or critical is found. */
async function axe(page: Page, name: string): Promise<void> {
  const recorded = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
  violations.push(...recorded.map((v) => `${name}: ${v}`));
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const count = (impact: string) => result.filter((v) => v.impact === impact).length;
  axeReport[name] = { critical: count('critical'), serious: count('serious'), moderate: count('moderate'), minor: count('minor'), ...(result.length ? { ids: [...new Set(result.map((v) => v.id))] } : {}) };
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad, `axe on ${name}: ${JSON.stringify(bad)}`).toEqual([]);
}

async function shot(page: Page, file: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, file), fullPage: true });
}

/** Signs a person in through the IdP's login form, from the console's sign-in page. */
async function signIn(page: Page, login: string): Promise<void> {
  try {
    await signInSteps(page, login);
  } catch (e) {
    throw new Error(`signing in as ${login} failed at ${page.url()}: ${(e as Error).message}\n${(await page.content()).slice(0, 2000)}`);
  }
}

async function signInSteps(page: Page, login: string): Promise<void> {
  await page.goto(`${s.url}/ui/`);
  await page.getByRole('button', { name: 'Sign in with your TRE account' }).click();
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any password');
  await page.locator('button.login-submit').click();
  const consent = page.getByRole('button', { name: 'Continue' });
  if (await consent.isVisible({ timeout: 5000 }).catch(() => false)) await consent.click();
  await page.waitForURL(/\/ui\/(reviews|decisions|governance)/);
}

async function submit(body: object): Promise<{ decision: { id: string; outcome: string } }> {
  const res = await request(s.url).post('/v1/decisions').set(portal).send(body).expect(201);
  return res.body;
}

describe('the console in a browser', () => {
  let reviewed = '';

  it('two checkers signed in through the IdP review one output blindly and settle it', async () => {
    const d = await submit(needsReview('alice'));
    expect(d.decision.outcome).toBe('review');
    reviewed = d.decision.id;

    const ann = await newPage();
    await signIn(ann.page, 'ann');
    // First page: its JavaScript, compressed, stays well under 150 kB.
    const js: Buffer[] = [];
    ann.page.on('response', (r) => {
      if (r.url().endsWith('.js')) void r.body().then((b) => js.push(b), () => undefined);
    });
    await ann.page.reload();
    await ann.page.getByRole('heading', { name: 'Review queue' }).waitFor();
    await ann.page.waitForLoadState('networkidle');
    const firstPageJs = js.reduce((n, b) => n + gzipSync(b).length, 0);
    expect(firstPageJs).toBeGreaterThan(0);
    expect(firstPageJs).toBeLessThan(150 * 1024);
    writeFileSync(join(SHOTS, 'bundle.json'), `${JSON.stringify({ first_page_js_gzip_bytes: firstPageJs }, null, 2)}\n`);
    await ann.page.getByRole('link', { name: `Review decision ${reviewed}` }).waitFor();
    await axe(ann.page, 'review queue');
    await shot(ann.page, 'checker-queue.png');

    // Keyboard only: tab to the decision's link and open it.
    await ann.page.getByRole('link', { name: `Review decision ${reviewed}` }).focus();
    await ann.page.keyboard.press('Enter');
    await ann.page.getByRole('heading', { name: `Review ${reviewed}` }).waitFor();
    await ann.page.getByText('blinded: you see the others').waitFor();
    // The failing cell is marked, and its rule, reason and remedy are there on focus.
    const flagged = ann.page.locator('td.cell-review').first();
    await flagged.focus();
    expect(await flagged.getAttribute('data-tooltip')).toMatch(/min_count \(review\): count 3 < threshold 10/);
    await ann.page.locator('svg.plot-svg').first().waitFor();
    await ann.page.getByRole('table', { name: /results.csv: first 2 rows/ }).waitFor();
    // Every kind as published: coefficients, a Kaplan-Meier curve from its steps, summaries, class sizes.
    await ann.page.getByRole('table', { name: 'Coefficients' }).waitFor();
    await ann.page.getByRole('img', { name: /by_site as submitted: Bar chart of 3 categories/ }).waitFor();
    await ann.page.getByRole('img', { name: /by_site, protected version: Bar chart of 2 categories/ }).waitFor();
    await ann.page.getByRole('img', { name: /survival as submitted: Kaplan-Meier curve over 4 reported times/ }).waitFor();
    await ann.page.getByRole('table', { name: 'Summary statistics' }).waitFor();
    const img = ann.page.getByRole('img', { name: 'Preview of dot.png' });
    await img.waitFor();
    expect(await img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth)).toBe(1);
    await ann.page.getByRole('table', { name: /Equivalence classes over age_band, sex: 2 classes in 20 records/ }).waitFor();
    await axe(ann.page, 'review page (blinded)');
    await shot(ann.page, 'checker-review.png');
    // A private comment, then the vote (approving a failed output needs a reason).
    await ann.page.getByLabel('Comment text').fill('Checked the NHS Digital publication: these are hospital sites.');
    await ann.page.getByRole('button', { name: 'Add comment' }).click();
    await ann.page.getByText('Checked the NHS Digital publication').waitFor();
    await ann.page.getByLabel('Approve (release)').check();
    await ann.page.getByLabel(/Reason/).fill('Sites, not patients; the count of 3 is of published hospitals.');
    await ann.page.getByRole('button', { name: 'Record vote' }).click();
    await ann.page.getByText('You voted').waitFor();

    // Bob does not see Ann's vote or comment until he has voted.
    const bob = await newPage();
    await signIn(bob.page, 'bob');
    await bob.page.goto(`${s.url}/ui/reviews/${reviewed}`);
    await bob.page.getByText('1 vote(s) recorded, hidden until you vote.').waitFor();
    expect(await bob.page.getByText('Checked the NHS Digital publication').count()).toBe(0);
    expect(await bob.page.getByText('Sites, not patients').count()).toBe(0);
    // Bob votes with the keyboard only: the radio group, the reason, the button.
    await bob.page.getByLabel('Approve (release)').focus();
    await bob.page.keyboard.press('Space');
    await bob.page.keyboard.press('Tab');
    await bob.page.keyboard.type('Agree: hospital sites whose counts are public.');
    await bob.page.keyboard.press('Tab');
    expect(await bob.page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Record vote');
    await bob.page.keyboard.press('Enter');
    await bob.page.getByText(/Settled:/).waitFor();
    await bob.page.getByText('Sites, not patients').waitFor();
    await bob.page.getByText('Checked the NHS Digital publication').waitFor();
    await axe(bob.page, 'review page (settled)');
    await shot(bob.page, 'checker-settled.png');

    const status = (await request(s.url).get(`/v1/decisions/${reviewed}/reviews`).set(portal).expect(200)).body;
    expect(status.state).toBe('released');
    const votes = (await request(s.url).get(`/v1/decisions?kind=review&text=${reviewed}`).set('authorization', `Bearer ${await idp.accessToken({ sub: 'dee', name: 'Dee Auditor', roles: ['auditor'], projects: ['*'] })}`).expect(200)).body;
    expect(votes.items.map((r: { decision: { review: { by: { name: string; subject: string } } } }) => r.decision.review.by).sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name))).toEqual([
      expect.objectContaining({ kind: 'person', name: 'Ann Checker', subject: 'ann' }),
      expect.objectContaining({ kind: 'person', name: 'Bob Checker', subject: 'bob' }),
    ]);
    await ann.context.close();
    await bob.context.close();
  });

  it('refuses a self-review in the UI', async () => {
    const own = await submit(needsReview('cat', 'cats_table'));
    const cat = await newPage();
    await signIn(cat.page, 'cat');
    await cat.page.goto(`${s.url}/ui/reviews/${own.decision.id}`);
    await cat.page.getByRole('alert').filter({ hasText: 'You cannot review this request' }).waitFor();
    expect(await cat.page.getByRole('button', { name: 'Record vote' }).count()).toBe(0);
    await axe(cat.page, 'review page (self-review refused)');
    await shot(cat.page, 'checker-self-review.png');
    // The API refuses it too, whatever the UI shows.
    const csrf = await cat.page.evaluate(async () => ((await (await fetch('/v1/session')).json()) as { csrf_token: string }).csrf_token);
    const res = await cat.page.evaluate(
      async ([id, token]) => (await fetch(`/v1/decisions/${id}/reviews`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': token! }, body: JSON.stringify({ verdict: 'release', justification: 'my own table, looks fine' }) })).status,
      [own.decision.id, csrf],
    );
    expect(res).toBe(403);
    await cat.context.close();
  });

  it('an auditor verifies a signature in the browser and sees a tampered record reported by chain status', async () => {
    const dee = await newPage();
    await signIn(dee.page, 'dee');
    await dee.page.getByRole('heading', { name: 'Decisions' }).waitFor();
    await dee.page.getByLabel('Outcome').selectOption('review');
    await dee.page.getByRole('button', { name: 'Search' }).click();
    await dee.page.getByRole('link', { name: reviewed.slice(0, 13) }).first().waitFor();
    // The list carries detached signatures (RFC 7515 App. F): each verifies over the record shown.
    await dee.page.getByRole('button', { name: "Verify this page's signatures" }).click();
    const listOk = dee.page.locator('.verify-ok');
    await listOk.waitFor();
    const shown = await dee.page.locator('tbody tr').count();
    expect(await listOk.textContent()).toContain(`${shown} of ${shown} signatures valid`);
    await axe(dee.page, 'decision search');
    await shot(dee.page, 'auditor-decisions.png');
    await dee.page.goto(`${s.url}/ui/decisions/${reviewed}`);
    await dee.page.getByRole('button', { name: 'Verify signature' }).click();
    const ok = dee.page.locator('.verify-ok');
    await ok.waitFor();
    const kid = s.keys.signing.kid;
    expect(await ok.textContent()).toContain(kid);
    await axe(dee.page, 'decision page');
    await shot(dee.page, 'auditor-decision.png');

    await dee.page.goto(`${s.url}/ui/audit`);
    await dee.page.getByRole('button', { name: 'Verify the chain' }).click();
    await dee.page.locator('.verify-ok').waitFor();
    // Someone with write access to the database edits a recorded outcome.
    const rec = await request(s.url).get(`/v1/decisions/${reviewed}`).set('authorization', `Bearer ${await idp.accessToken({ sub: 'dee', name: 'Dee Auditor', roles: ['auditor'], projects: ['*'] })}`).expect(200);
    const db = new Database(join(s.dataDir, 'audit.sqlite'));
    db.exec('DROP TRIGGER records_no_update');
    db.prepare(`UPDATE records SET decision = replace(decision, '"outcome":"review"', '"outcome":"release"') WHERE seq = ?`).run(rec.body.audit.seq);
    db.close();
    await dee.page.getByRole('button', { name: 'Verify the chain' }).click();
    const bad = dee.page.locator('.verify-bad');
    await bad.waitFor();
    expect(await bad.textContent()).toContain(`seq ${rec.body.audit.seq}`);
    await axe(dee.page, 'chain status');
    await shot(dee.page, 'auditor-chain-tampered.png');
    // The list shows the edited record beside its detached signature: verified in the browser, it is named.
    await dee.page.goto(`${s.url}/ui/decisions?project=diabetes-2026&limit=1000`);
    await dee.page.getByRole('button', { name: "Verify this page's signatures" }).click();
    const listBad = dee.page.locator('.verify-bad');
    await listBad.waitFor();
    const listed = await dee.page.locator('tbody tr').count();
    expect(await listBad.textContent()).toContain(`${listed - 1} of ${listed} signatures valid`);
    expect(await listBad.locator('li').textContent()).toMatch(new RegExp(`^seq ${rec.body.audit.seq}, ${reviewed.slice(0, 13)}.*differs from what was signed`));
    await axe(dee.page, 'decision search (a tampered record)');
    await dee.context.close();
  });

  it('governance sees the rules in force, their history, and a rule diff with its replay', async () => {
    // Released under threshold 10; the candidate's threshold of 30 would reject it.
    const released = await submit({ project: 'diabetes-2026', requester: 'alice', dataset: 'governance-replay', outputs: [{ name: 'by_sex', kind: 'table', cells: [{ labels: { sex: 'F' }, count: 12 }, { labels: { sex: 'M' }, count: 40 }] }] });
    expect(released.decision.outcome).toBe('release');
    const gus = await newPage();
    await signIn(gus.page, 'gus');
    await gus.page.goto(`${s.url}/ui/governance`);
    await gus.page.getByRole('table', { name: /Parameters of default/ }).waitFor();
    const active = (await request(s.url).get(`/v1/rulesets/${s.ruleset().digest}`).set('authorization', `Bearer ${await idp.accessToken({ sub: 'gus', name: 'Gus', roles: ['admin'], projects: ['*'] })}`).expect(200)).body;
    const candidate = structuredClone(active.content);
    candidate.default.version = '2026.12.0';
    candidate.default.parameters.threshold = 30;
    await gus.page.getByLabel(/Or a candidate rule set/).fill(JSON.stringify(candidate));
    await gus.page.getByRole('button', { name: 'Compare' }).click();
    await gus.page.getByRole('table', { name: 'What changes' }).waitFor();
    await gus.page.getByText('parameters.threshold').first().waitFor();
    await gus.page.getByText(/[1-9]\d* would change outcome/).waitFor();
    await gus.page.getByRole('table', { name: 'Decisions whose outcome would change' }).getByText(released.decision.id).waitFor();
    await axe(gus.page, 'governance');
    await shot(gus.page, 'governance.png');
    await gus.context.close();
  });

  it('the sign-in page passes axe too, and no page broke the Content-Security-Policy', async () => {
    const p = await newPage();
    await p.page.goto(`${s.url}/ui/`);
    await p.page.getByRole('button', { name: 'Sign in with your TRE account' }).waitFor();
    await axe(p.page, 'sign-in');
    await p.context.close();
    writeFileSync(join(SHOTS, 'axe.json'), `${JSON.stringify(axeReport, null, 2)}\n`);
    expect(violations).toEqual([]);
  });
});
