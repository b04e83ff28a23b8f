/**
 * The live dashboard in Debian's Chromium (playwright-core): a real host with an emulated board; the
 * page shows the board with its link state and counters, its mic level while it speaks, the
 * transcript with its engine and latency, the command log, latency histograms and the main-loop
 * chart, each appearing when its event happens. A screenshot is saved. Then the guards: a token off
 * loopback, a wrong token, a foreign Host header, a short token, a port in use.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import demo from '../../examples/typescript-starter/src/index.js';
import { Harness } from '../../host/cli/demo-harness.js';
import { type DashboardHost, DashboardServer } from '../../host/dashboard/index.js';
import { artifactsDir, launchChromium } from './browser.js';
import { addReadyBoard } from './helpers.js';

// These run inside the page (playwright serialises them; the page's CSP forbids evaluating strings).
// The DOM's types are not part of this Node project, so the little they use is declared here.
declare const document: {
  querySelector(s: string): { getAttribute(name: string): string | null } | null;
  querySelectorAll(s: string): ArrayLike<{ textContent: string | null }>;
};

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (b: Buffer) => {
        body += b.toString();
        // An event stream never ends: its first complete event is enough.
        if (
          res.headers['content-type']?.startsWith('text/event-stream') &&
          /event: \w+\ndata: .*\n\n/.test(body)
        )
          req.destroy();
      });
      const done = () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      res.on('end', done);
      res.on('close', done);
    });
    req.on('error', reject);
    req.end();
  });
}

test('the dashboard in Chromium shows each board, its mic level, transcripts, the command log, latency and loop delay live', async () => {
  const h = await Harness.start({ commands: demo, asrThreads: 1, dashboard: { port: 0 } });
  const browser = await launchChromium();
  try {
    const dash = h.pipeline.dashboard!;
    assert.match(dash.url, /^http:\/\/127\.0\.0\.1:\d+\/$/, 'loopback, no token');
    const page = await browser.context.newPage();
    await page.goto(dash.url);
    await page.waitForSelector('#conn.live');
    assert.equal(await page.textContent('#boards .empty'), 'no board connected yet');

    const { boardId } = await addReadyBoard(h, { uid: 'dash-1' });
    const card = `.board[data-board="${boardId}"]`;
    await page.waitForSelector(`${card} .pill.link.ready`);
    await page.waitForSelector(`${card} .pill.session.idle`);

    // While the board speaks its meter moves; then the transcript, the command and the histograms arrive.
    const e0 = h.events.length;
    const speaking = h.say(boardId, 'turn the light on');
    await page.waitForFunction(
      (sel) => Number(document.querySelector(`${sel} .fill`)?.getAttribute('data-db')) > -50,
      card,
    );
    await speaking;
    await h.idleAfter(boardId, e0);
    await page.waitForSelector('#transcripts li.transcript .text');
    const heard = await page.textContent('#transcripts li.transcript .text');
    assert.match(heard ?? '', /^"turn the lights? on"$/);
    assert.match(
      (await page.textContent('#transcripts li.transcript .meta')) ?? '',
      /dash-1 · pocketsphinx · \d+ ms/,
    );
    await page.waitForSelector('#log li.command');
    assert.match((await page.textContent('#log li.command')) ?? '', /^lights \{"state":true\}/);
    await page.waitForSelector('#log li.response');
    await page.waitForFunction(
      () => Number(document.querySelector('#hist-asr')?.getAttribute('data-n')) >= 1,
    );
    await page.waitForFunction(
      () => Number(document.querySelector('#hist-respond')?.getAttribute('data-n')) >= 1,
    );
    await page.waitForFunction(
      () =>
        (document.querySelector('#loop polyline[data-series="p99"]')?.getAttribute('points') ?? '').split(' ')
          .length >= 2,
    );
    // Counters arrive from the link (every 2 s while a page is open): the utterance's audio chunks.
    await page.waitForFunction(
      (sel) => Number(document.querySelectorAll(`${sel} .counters b`)[3]?.textContent) > 20,
      card,
    );
    // Mute shows as such.
    h.pipeline.board(boardId)!.session.setMuted(true);
    await page.waitForSelector(`${card} .pill.muted`);
    const shot = join(artifactsDir(), 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`# screenshot: ${shot}`);
    // The page loads nothing from anywhere else: every request went to the dashboard itself.
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(dash.url.replace(/\/$/, ''))) foreign.push(r.url());
    });
    await page.reload();
    await page.waitForSelector('#conn.live');
    assert.deepEqual(foreign, []);
  } finally {
    await browser.close();
    await h.close();
  }
});

const emptyHost = (): DashboardHost =>
  ({
    on: () => undefined,
    off: () => undefined,
    board: () => undefined,
    boards: [],
    link: { stats: () => Promise.reject(new Error('none')) },
  }) as DashboardHost;

test('beyond loopback a token is required: generated and printed once, wrong or missing refused with 401', async () => {
  const dash = await DashboardServer.start(emptyHost(), { host: '0.0.0.0', port: 0 });
  try {
    assert.ok(dash.token && dash.token.length >= 16, 'a token was generated');
    assert.match(dash.announce().detail ?? '', new RegExp(`\\?token=${dash.token}$`));
    const base = `http://127.0.0.1:${dash.port}`;
    const none = await get(`${base}/`);
    assert.equal(none.status, 401);
    assert.match(none.body, /HARK_ERR_DASHBOARD_TOKEN: this dashboard needs its token/);
    assert.equal(
      (await get(`${base}/snapshot.json?token=${'x'.repeat(dash.token.length)}`)).status,
      401,
      'wrong token',
    );
    assert.equal((await get(`${base}/events?token=short`)).status, 401, 'a shorter token');
    const ok = await get(`${base}/snapshot.json?token=${dash.token}`);
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.body).boards, []);
    assert.equal((await get(`${base}/snapshot.json`, { Authorization: `Bearer ${dash.token}` })).status, 200);
    const page = await get(`${base}/?token=${dash.token}`);
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'; script-src 'nonce-/);
    const events = await get(`${base}/events?token=${dash.token}`);
    assert.match(events.body, /event: snapshot/);
    assert.equal(dash.refused, 3);
  } finally {
    await dash.close();
  }
});

test('on loopback a page elsewhere cannot reach the dashboard through a foreign Host name (DNS rebinding)', async () => {
  const dash = await DashboardServer.start(emptyHost(), { port: 0 });
  try {
    const base = `http://127.0.0.1:${dash.port}`;
    assert.equal((await get(`${base}/snapshot.json`)).status, 200);
    assert.equal((await get(`${base}/snapshot.json`, { Host: `localhost:${dash.port}` })).status, 200);
    const evil = await get(`${base}/snapshot.json`, { Host: 'evil.example:80' });
    assert.equal(evil.status, 403);
    assert.match(evil.body, /Host "evil\.example:80" is not this loopback dashboard/);
  } finally {
    await dash.close();
  }
});

test('a short token and a port in use are refused with their codes', async () => {
  await assert.rejects(
    DashboardServer.start(emptyHost(), { port: 0, token: 'tooshort' }),
    (e: Error & { code?: string }) =>
      e.code === 'HARK_ERR_DASHBOARD_TOKEN' && /8 characters: use at least 16/.test(e.message),
  );
  const first = await DashboardServer.start(emptyHost(), { port: 0 });
  try {
    await assert.rejects(
      DashboardServer.start(emptyHost(), { port: first.port }),
      (e: Error & { code?: string }) =>
        e.code === 'HARK_ERR_DASHBOARD_LISTEN' &&
        new RegExp(`127\\.0\\.0\\.1:${first.port} \\(EADDRINUSE\\)`).test(e.message),
    );
  } finally {
    await first.close();
  }
});
