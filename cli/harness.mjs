// Shared by the command line, the benchmark and the browser tests: set-up, a local HTTP server
// (static files, input files with Range, upload endpoints) and headless Chromium with the engine page.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Installs what is missing and builds what changed (both idempotent and quick when done). */
export function ensureBuilt({ quiet = false } = {}) {
  const stdio = ['ignore', quiet ? 'ignore' : process.stderr, 'inherit'];
  execFileSync('bash', [path.join(root, 'scripts/setup.sh')], { stdio });
  execFileSync('node', [path.join(root, 'scripts/build.mjs')], { stdio });
}

/** Generates fixture sets with the project's own script; returns the fixtures folder. */
export function ensureFixtures(sets = ['drama']) {
  execFileSync('bash', [path.join(root, 'scripts/make_fixtures.sh'), ...sets], { stdio: ['ignore', process.stderr, 'inherit'] });
  return path.join(root, 'fixtures');
}

const TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css', '.map': 'application/json' };

/**
 * Serves dist/ at `/`, any local file at `/files/<url-encoded absolute path>` (with Range), and lets
 * tests add routes. Bound to 127.0.0.1 (a secure context for WebCodecs/OPFS).
 */
export async function startServer({ port = 0 } = {}) {
  const routes = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    for (const route of routes) if (route(req, res, url)) return;
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    if (url.pathname.startsWith('/files/')) return serveFile(req, res, decodeURIComponent(url.pathname.slice(7)));
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = path.join(root, 'dist', rel);
    if (!file.startsWith(path.join(root, 'dist'))) return void res.writeHead(403).end();
    return serveFile(req, res, file);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    /** URL under which the engine reads a local file. */
    fileUrl: (p) => `${base}/files/${encodeURIComponent(path.resolve(p))}`,
    /** A route is `(req, res, url) => handled?`. */
    addRoute: (route) => routes.push(route),
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}

function serveFile(req, res, file) {
  let st;
  try {
    st = fs.statSync(file);
    if (!st.isFile()) throw new Error('not a file');
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return true;
  }
  const headers = { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'accept-ranges': 'bytes', 'cache-control': 'no-store' };
  const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (m && st.size > 0) {
    const start = m[1] === '' ? Math.max(0, st.size - Number(m[2])) : Number(m[1]);
    const end = m[1] !== '' && m[2] !== '' ? Math.min(Number(m[2]), st.size - 1) : st.size - 1;
    if (start > end || start >= st.size) {
      res.writeHead(416, { 'content-range': `bytes */${st.size}` }).end();
      return true;
    }
    res.writeHead(206, { ...headers, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${st.size}` });
    fs.createReadStream(file, { start, end }).pipe(res);
  } else {
    res.writeHead(200, { ...headers, 'content-length': st.size });
    if (req.method === 'HEAD' || st.size === 0) res.end();
    else fs.createReadStream(file).pipe(res);
  }
  return true;
}

export const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Headless Debian Chromium with a fresh profile; returns { browser, page, close }. */
export async function launchEngineHost(base, { log = null } = {}) {
  const { chromium } = await import('playwright-core');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  if (log) {
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && log(`[page ${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log(`[page error] ${e.message}`));
  }
  await page.goto(`${base}/cli.html`);
  await page.waitForFunction(() => window.reelcutReady === true, null, { timeout: 60_000 });
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => {});
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Rewrites local file paths among a request's media references into URLs the engine can read,
 * and returns a map back to the original spelling for the result.
 */
export function rewriteLocalReferences(action, request, baseDir, fileUrl) {
  const back = new Map();
  const mapRef = (ref) => {
    if (typeof ref !== 'string' || ref === '' || SCHEME.test(ref)) return ref;
    const url = fileUrl(path.resolve(baseDir, ref));
    back.set(url, ref);
    return url;
  };
  const obj = (v) => (typeof v === 'string' ? safeParse(v) : v);
  const req = structuredClone(request);
  if (action === 'SubmitScreenMediaHighlightsJob') {
    const input = obj(req.InputConfig);
    if (input && typeof input === 'object') {
      for (const key of ['MediaArray', 'OpeningArray', 'EndingArray', 'StickerArray', 'BackgroundMusicArray', 'BackgroundImageArray']) {
        if (Array.isArray(input[key])) input[key] = input[key].map((e) => (typeof e === 'string' ? mapRef(e) : e && typeof e === 'object' && 'MediaURL' in e ? { ...e, MediaURL: mapRef(e.MediaURL) } : e));
      }
      req.InputConfig = input;
    }
  } else {
    if (Array.isArray(req.Sources)) req.Sources = req.Sources.map((s) => (s && typeof s === 'object' ? { ...s, URI: mapRef(s.URI) } : s));
    const edit = obj(req.Edit);
    if (edit && typeof edit === 'object' && Array.isArray(edit.BackgroundMusics)) {
      edit.BackgroundMusics = edit.BackgroundMusics.map((m) => (m && typeof m === 'object' ? { ...m, URI: mapRef(m.URI) } : m));
      req.Edit = edit;
    }
  }
  return { request: req, back };
}

function safeParse(s) {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/**
 * Output locations written as plain file names (no scheme) land in `outDir`: they are rewritten to
 * an upload URL of the local server (the engine PUTs there, as it would to a pre-signed URL), and
 * `uploadRoute` stores the bodies. `{index}` survives the rewrite. Returns the rewritten request.
 */
export function rewriteLocalOutputs(action, request, uploadBase) {
  const mapOut = (uri) => (typeof uri === 'string' && uri !== '' && !SCHEME.test(uri) ? `${uploadBase}/${uri.split('/').map((p) => encodeURIComponent(p).replace(/%7Bindex%7D/gi, '{index}')).join('/')}` : uri);
  const req = structuredClone(request);
  const obj = (v) => (typeof v === 'string' ? safeParse(v) : v);
  if (action === 'SubmitScreenMediaHighlightsJob') {
    const out = obj(req.OutputConfig);
    if (out && typeof out === 'object') req.OutputConfig = { ...out, MediaURL: mapOut(out.MediaURL) };
  } else {
    const out = obj(req.Output);
    if (out && typeof out === 'object') req.Output = { ...out, URI: mapOut(out.URI) };
  }
  return req;
}

/** A server route that writes PUT bodies under `/upload/<name>` into `outDir`. */
export function uploadRoute(outDir, { failFirst = 0 } = {}) {
  let failures = 0;
  return (req, res, url) => {
    if (!url.pathname.startsWith('/upload/') || req.method !== 'PUT') return false;
    if (failures < failFirst) {
      failures++;
      req.resume();
      res.writeHead(503).end('try again');
      return true;
    }
    const name = decodeURIComponent(url.pathname.slice('/upload/'.length));
    const file = path.join(outDir, name);
    if (!file.startsWith(path.resolve(outDir) + path.sep)) return void res.writeHead(403).end(), true;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const out = fs.createWriteStream(file);
    req.pipe(out);
    out.on('finish', () => res.writeHead(201).end());
    out.on('error', () => res.writeHead(500).end());
    return true;
  };
}

/** Submits a request in the page and waits for the final record; progress goes to onProgress. */
export async function runInPage(page, action, request, onProgress = null) {
  if (onProgress) await page.exposeFunction('__reelProgress', onProgress).catch(() => {});
  return page.evaluate(
    async ({ action, request, withProgress }) => {
      window.__engine ??= await window.reelcut.createEngine({ databaseName: 'reelcut-cli' });
      const engine = window.__engine;
      let record;
      try {
        record = await engine.submit(action, request, { onProgress: withProgress ? (p) => window.__reelProgress(p) : undefined });
      } catch (e) {
        return { Action: action, Status: 'Failed', Code: e.code ?? 'Internal', Message: String(e.message ?? e).replace(/^[\w.]+: /, '') };
      }
      const final = await engine.waitFor(record.JobId ?? record.TaskId);
      await engine.flushNotifications();
      return (await engine.getJob(record.JobId ?? record.TaskId)) ?? final;
    },
    { action, request, withProgress: !!onProgress },
  );
}

/** Maps engine-side URLs in a record back to the references the user wrote (uploads → local paths). */
export function restoreReferences(record, back, uploads = null) {
  const fix = (v) => {
    if (typeof v !== 'string') return v;
    if (back.has(v)) return back.get(v);
    if (uploads && v.startsWith(uploads.base + '/')) return path.join(uploads.dir, decodeURIComponent(v.slice(uploads.base.length + 1)));
    return v;
  };
  const walk = (v) => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return fix(v);
  };
  return walk(record);
}

/** True when a record ended in success under either API's status names. */
export function succeeded(record) {
  return (record.Status === 'Succeeded' || record.Status === 'Finished') && (!record.Code || record.Code === 'Success');
}
