/**
 * The dashboard page: one self-contained HTML document (no external script, font or style, so it
 * works on a host without internet and under a strict Content-Security-Policy of 'self'). It takes a
 * snapshot and then live updates from `/events` (Server-Sent Events) and redraws only what changed.
 */

const STYLE = `
:root { color-scheme: dark; --bg:#11151c; --card:#1a2029; --line:#2a3340; --fg:#e6e9ee; --dim:#8c96a5;
  --ok:#3fb950; --warn:#d29922; --bad:#f85149; --blue:#58a6ff; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, sans-serif; background:var(--bg); color:var(--fg); }
header { display:flex; gap:1rem; align-items:baseline; padding:.8rem 1.2rem; border-bottom:1px solid var(--line); }
header h1 { font-size:1.1rem; margin:0; } header .dim { color:var(--dim); }
#conn.live { color:var(--ok); } #conn.down { color:var(--bad); }
main { display:grid; grid-template-columns: repeat(auto-fit, minmax(330px, 1fr)); gap:1rem; padding:1rem 1.2rem; }
section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:.8rem 1rem; min-width:0; }
section h2 { font-size:.85rem; text-transform:uppercase; letter-spacing:.06em; color:var(--dim); margin:0 0 .6rem; }
.board { border-top:1px solid var(--line); padding:.6rem 0; } .board:first-of-type { border-top:0; padding-top:0; }
.board .name { font-weight:600; } .board .model { color:var(--dim); font-size:.85em; }
.pill { display:inline-block; padding:0 .45em; border-radius:999px; font-size:.8em; background:var(--line); margin-left:.3em; }
.pill.ready, .pill.idle { background:#1f3b26; color:var(--ok); } .pill.listening, .pill.thinking, .pill.responding { background:#12304f; color:var(--blue); }
.pill.error, .pill.failed, .pill.disconnected { background:#4a1d1d; color:var(--bad); } .pill.muted { background:#3d2f12; color:var(--warn); }
.meter { height:10px; background:#0c1016; border-radius:5px; overflow:hidden; margin:.4rem 0; }
.meter .fill { height:100%; width:0; background:linear-gradient(90deg, var(--ok), var(--warn) 75%, var(--bad)); transition:width 90ms linear; }
.counters { display:grid; grid-template-columns: repeat(3, 1fr); gap:.1rem .8rem; font-size:.8em; color:var(--dim); }
.counters b { color:var(--fg); font-weight:500; }
ul { list-style:none; margin:0; padding:0; max-height:22rem; overflow:auto; }
li { padding:.3rem 0; border-top:1px solid var(--line); font-size:.9em; } li:first-child { border-top:0; }
li .meta { color:var(--dim); font-size:.8em; } li.error { color:var(--bad); } li.net { color:var(--warn); }
.verdict.accepted { color:var(--ok); } .verdict.rejected { color:var(--bad); }
.hist { margin-bottom:.8rem; } .hist .label { font-size:.8em; color:var(--dim); }
.bars { display:flex; align-items:flex-end; gap:2px; height:48px; } .bars div { flex:1; background:var(--blue); min-height:1px; border-radius:2px 2px 0 0; }
.axis { display:flex; gap:2px; font-size:.65em; color:var(--dim); } .axis span { flex:1; text-align:center; }
svg { width:100%; height:120px; } svg polyline { fill:none; stroke-width:1.5; }
.empty { color:var(--dim); font-style:italic; }
`;

const SCRIPT = `
'use strict';
const token = new URLSearchParams(location.search).get('token');
const q = token ? '?token=' + encodeURIComponent(token) : '';
const BUCKETS = __BUCKETS__;
const $ = (s, el = document) => el.querySelector(s);
const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
const time = (t) => new Date(t).toLocaleTimeString();
let loop = [];

function board(b) {
  let card = document.querySelector('.board[data-board="' + CSS.escape(b.boardId) + '"]');
  if (!card) {
    $('#boards .empty')?.remove();
    card = el('div', 'board'); card.dataset.board = b.boardId;
    card.append(el('div', 'head'), el('div', 'meter'), el('div', 'counters'));
    card.querySelector('.meter').append(el('div', 'fill'));
    $('#boards').append(card);
  }
  const head = card.querySelector('.head'); head.replaceChildren(
    el('span', 'name', b.boardId), el('span', 'model', ' ' + (b.model || '')),
    el('span', 'pill link ' + b.link, b.link), el('span', 'pill session ' + b.session, b.session));
  if (b.muted) head.append(el('span', 'pill muted', 'muted'));
  const db = b.level && Date.now() - b.level.t < 1500 ? b.level.rmsDb : -100;
  const fill = card.querySelector('.fill');
  fill.style.width = Math.max(0, Math.min(100, ((db + 60) / 60) * 100)).toFixed(1) + '%';
  fill.dataset.db = db.toFixed(1);
  const c = b.counters || {};
  card.querySelector('.counters').replaceChildren(...[
    ['frames', c.framesOk], ['bad', c.framesBad], ['lost', c.framesLost], ['audio', c.audioChunks],
    ['gaps', c.audioGaps], ['reconnects', c.reconnects], ['in', c.bytesIn === undefined ? undefined : (c.bytesIn / 1024).toFixed(0) + ' KiB'],
    ['out', c.bytesOut === undefined ? undefined : (c.bytesOut / 1024).toFixed(0) + ' KiB'], ['rtt', c.lastRttMs === undefined ? undefined : c.lastRttMs.toFixed(1) + ' ms'],
  ].map(([k, v]) => { const s = el('span', '', k + ' '); s.append(el('b', '', v === undefined ? '–' : String(v))); return s; }));
}

function transcript(t, top = true) {
  $('#transcripts .empty')?.remove();
  const li = el('li', 'transcript');
  li.append(el('span', 'text', '"' + t.text + '"'));
  const meta = el('div', 'meta', time(t.t) + ' · ' + t.boardId + ' · ' + t.engine + ' · ' + t.latencyMs.toFixed(0) + ' ms');
  if (t.confidence !== undefined) meta.append(' · confidence ' + t.confidence.toFixed(2));
  if (t.verdict) meta.append(' · ', el('span', 'verdict ' + t.verdict, t.verdict));
  if (t.handledBy) meta.append(' · handled by ' + t.handledBy);
  li.append(meta);
  top ? $('#transcripts').prepend(li) : $('#transcripts').append(li);
}

function logEntry(e, top = true) {
  $('#log .empty')?.remove();
  const li = el('li', e.kind);
  li.append(el('span', '', e.text), el('div', 'meta', time(e.t) + ' · ' + (e.boardId || 'host') + ' · ' + e.kind));
  top ? $('#log').prepend(li) : $('#log').append(li);
}

function histogram(h) {
  let box = document.getElementById('hist-' + h.stage);
  if (!box) {
    box = el('div', 'hist'); box.id = 'hist-' + h.stage;
    box.append(el('div', 'label'), el('div', 'bars'), el('div', 'axis'));
    box.querySelector('.axis').append(...BUCKETS.map((b) => el('span', '', b >= 1000 ? b / 1000 + 's' : String(b))), el('span', '', '+'));
    $('#latency').append(box);
  }
  const fmt = (v) => (v === null || v > 1e9 ? '>5 s' : '≤' + v + ' ms');
  box.querySelector('.label').textContent = h.label + ' — n ' + h.n + (h.n ? ', p50 ' + fmt(h.p50) + ', p95 ' + fmt(h.p95) : '');
  box.dataset.n = String(h.n);
  const max = Math.max(1, ...h.counts);
  box.querySelector('.bars').replaceChildren(...h.counts.map((c) => { const d = el('div'); d.style.height = (c / max) * 100 + '%'; d.title = String(c); return d; }));
}

function loopChart() {
  const svg = $('#loop svg'); const w = 300, h = 100;
  const max = Math.max(5, ...loop.map((p) => p.max));
  const line = (k) => loop.map((p, i) => ((i / Math.max(1, loop.length - 1)) * w).toFixed(1) + ',' + (h - (p[k] / max) * h).toFixed(1)).join(' ');
  svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h); svg.setAttribute('preserveAspectRatio', 'none');
  svg.replaceChildren();
  for (const [k, color] of [['max', '#f85149'], ['p99', '#d29922'], ['p50', '#3fb950']]) {
    const pl = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    pl.setAttribute('points', line(k)); pl.setAttribute('stroke', color); pl.dataset.series = k; svg.append(pl);
  }
  const last = loop[loop.length - 1];
  $('#loop .label').textContent = last ? 'now p50 ' + last.p50.toFixed(1) + ' ms · p99 ' + last.p99.toFixed(1) + ' ms · max ' + last.max.toFixed(1) + ' ms (scale ' + max.toFixed(0) + ' ms)' : '';
}

function snapshot(s) {
  $('#host').textContent = s.host;
  for (const id of ['boards', 'transcripts', 'log', 'latency']) $('#' + id).replaceChildren();
  if (!s.boards.length) $('#boards').append(el('div', 'empty', 'no board connected yet'));
  s.boards.forEach((b) => board(b));
  if (!s.transcripts.length) $('#transcripts').append(el('li', 'empty', 'nothing heard yet'));
  s.transcripts.slice().reverse().forEach((t) => transcript(t, false));
  if (!s.log.length) $('#log').append(el('li', 'empty', 'no command yet'));
  s.log.slice().reverse().forEach((e) => logEntry(e, false));
  s.histograms.forEach(histogram);
  loop = s.loop; loopChart();
}

function connect() {
  const es = new EventSource('/events' + q);
  es.addEventListener('open', () => { $('#conn').textContent = 'live'; $('#conn').className = 'live'; });
  es.addEventListener('error', () => { $('#conn').textContent = 'reconnecting…'; $('#conn').className = 'down'; });
  es.addEventListener('snapshot', (e) => snapshot(JSON.parse(e.data)));
  es.addEventListener('board', (e) => board(JSON.parse(e.data)));
  es.addEventListener('transcript', (e) => transcript(JSON.parse(e.data)));
  es.addEventListener('log', (e) => logEntry(JSON.parse(e.data)));
  es.addEventListener('histogram', (e) => histogram(JSON.parse(e.data)));
  es.addEventListener('loop', (e) => { loop.push(JSON.parse(e.data)); if (loop.length > 120) loop.shift(); loopChart(); });
}
connect();
`;

/** The page, with the histogram bucket bounds the server uses. */
export function dashboardPage(buckets: readonly number[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hark dashboard</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>hark</h1><span class="dim" id="host"></span><span id="conn" class="down">connecting…</span></header>
<main>
  <section><h2>Boards</h2><div id="boards"></div></section>
  <section><h2>Transcripts</h2><ul id="transcripts"></ul></section>
  <section><h2>Command log</h2><ul id="log"></ul></section>
  <section><h2>Latency per stage</h2><div id="latency"></div></section>
  <section id="loop"><h2>Main-loop delay</h2><svg></svg><div class="label dim"></div></section>
</main>
<script>${SCRIPT.replace('__BUCKETS__', JSON.stringify(buckets))}</script>
</body>
</html>
`;
}
