// Shared by the command line, the benchmark and the browser tests: set-up, a local HTTP server
// (static files, input files with Range, upload endpoints) and headless Chromium with the engine page.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import crypto from 'node:crypto';
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
 * Serves dist/ at `/` and, with Range, only the local files registered with `fileUrl(path)`: each
 * gets an opaque random token (`/files/<token>/<name>`), so no request can name a path of its own.
 * Every request must carry `Host: 127.0.0.1:<port>` (a page on another name that resolves here, the
 * DNS-rebinding shape, gets 421). Bound to 127.0.0.1 only (a secure context for WebCodecs/OPFS).
 * Tests add routes; they run after the Host check.
 */
export async function startServer({ port = 0 } = {}) {
  const routes = [];
  const files = new Map(); // token -> absolute path
  let expectedHost = null;
  const server = http.createServer((req, res) => {
    if (req.headers.host !== expectedHost) {
      req.resume();
      return void res.writeHead(421, { 'content-type': 'text/plain' }).end('wrong Host');
    }
    const url = new URL(req.url, 'http://x');
    for (const route of routes) if (route(req, res, url)) return;
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume();
      return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    }
    if (url.pathname.startsWith('/files/')) {
      const token = url.pathname.slice(7).split('/')[0];
      const file = files.get(token);
      if (!file) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return serveFile(req, res, file);
    }
    let rel;
    try {
      rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    } catch {
      return void res.writeHead(400).end();
    }
    const dist = path.join(root, 'dist');
    const file = path.join(dist, rel);
    if (!file.startsWith(dist + path.sep)) return void res.writeHead(403).end();
    return serveFile(req, res, file);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const { address, port: bound } = server.address();
  if (address !== '127.0.0.1') throw new Error(`server bound to ${address}, expected 127.0.0.1`);
  expectedHost = `127.0.0.1:${bound}`;
  const base = `http://${expectedHost}`;
  const tokens = new Map(); // absolute path -> token
  return {
    base,
    /** Registers a local file and returns the opaque URL under which the engine reads it. */
    fileUrl: (p) => {
      const abs = path.resolve(p);
      let token = tokens.get(abs);
      if (!token) {
        token = randomToken();
        tokens.set(abs, token);
        files.set(token, abs);
      }
      return `${base}/files/${token}/${encodeURIComponent(path.basename(abs))}`;
    },
    /** A route is `(req, res, url) => handled?`. */
    addRoute: (route) => routes.push(route),
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}

function randomToken() {
  return crypto.randomBytes(16).toString('hex');
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
    const editing = obj(req.EditingConfig);
    if (editing && typeof editing === 'object' && Array.isArray(editing.BackgroundMusics)) {
      editing.BackgroundMusics = editing.BackgroundMusics.map((m) => (m && typeof m === 'object' ? { ...m, URI: mapRef(m.URI) } : m));
      req.EditingConfig = editing;
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
 * Output locations written as plain file names (no scheme) land in `outDir`: each is registered with
 * `uploads.expect(name)` and rewritten to its one-time upload URL on the local server (the engine
 * PUTs there, as it would to a pre-signed URL). `{index}` survives the rewrite. A name that would
 * leave `outDir` (`..`, an absolute path, a backslash) is refused before anything runs. Returns the
 * rewritten request.
 */
export function rewriteLocalOutputs(action, request, uploads) {
  const field = action === 'SubmitScreenMediaHighlightsJob' ? 'OutputConfig.MediaURL' : 'Output.URI';
  const mapOut = (uri) => {
    if (typeof uri !== 'string' || uri === '' || SCHEME.test(uri)) return uri;
    const problem = localOutputProblem(uri);
    if (problem) throw Object.assign(new Error(`${field} is ${JSON.stringify(uri)}: ${problem}`), { code: `InvalidParameter.${field}` });
    return uploads.expect(uri);
  };
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

/** Why a plain output name cannot be written inside `--out`, or null. */
export function localOutputProblem(name) {
  if (name.includes('\\')) return 'a backslash is not allowed in an output name';
  if (path.isAbsolute(name)) return 'an output name must be relative to --out';
  const parts = name.split('/');
  if (parts.some((p) => p === '..' || p === '.')) return "an output name may not contain '.' or '..' segments";
  if (parts.some((p) => p === '')) return 'an output name may not contain empty segments';
  return null;
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Upload endpoints for the expected outputs only. `route.expect(name)` registers an output name
 * (`{index}` allowed) under a random token and returns its URL path `/upload/<token>/<name>`; a PUT
 * is accepted only to a registered token, for a name matching its template, and only once per name
 * (a second PUT of a delivered name gets 409). The body goes to a temporary file renamed into place
 * when complete, so a broken upload never replaces a file. Anything else gets 403/405.
 * `route.localPath(url)` maps an upload URL back to the file in `outDir`.
 */
export function uploadRoute(outDir, { failFirst = 0, base = '' } = {}) {
  const dir = path.resolve(outDir);
  const expected = new Map(); // token -> { pattern, delivered: Set<name> }
  let failures = 0;
  const route = (req, res, url) => {
    if (!url.pathname.startsWith('/upload/')) return false;
    const refuse = (status, text) => {
      req.resume();
      res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
      return true;
    };
    if (req.method !== 'PUT') return refuse(405, 'PUT only');
    const [token, ...rest] = url.pathname.slice('/upload/'.length).split('/');
    const entry = expected.get(token);
    let name = null;
    try {
      name = rest.map(decodeURIComponent).join('/');
    } catch {
      /* malformed */
    }
    if (!entry || !name || !entry.pattern.test(name) || localOutputProblem(name)) return refuse(403, 'not an expected output');
    if (entry.delivered.has(name)) return refuse(409, 'already delivered');
    const file = path.join(dir, name);
    if (!file.startsWith(dir + path.sep)) return refuse(403, 'outside the output folder');
    if (failures < failFirst) {
      failures++;
      return refuse(503, 'try again');
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const part = `${file}.part-${randomToken().slice(0, 8)}`;
    const out = fs.createWriteStream(part);
    let done = false;
    const abandon = () => {
      if (done) return;
      done = true;
      out.destroy();
      fs.rmSync(part, { force: true });
    };
    req.on('aborted', abandon);
    req.on('error', abandon);
    req.pipe(out);
    out.on('finish', () => {
      if (done) return;
      done = true;
      fs.renameSync(part, file);
      entry.delivered.add(name);
      res.writeHead(201).end();
    });
    out.on('error', () => {
      abandon();
      res.writeHead(500).end();
    });
    return true;
  };
  route.expect = (name) => {
    const token = randomToken();
    const named = escapeRegExp(name).replace(/\\\{index\\\}/g, '[1-9][0-9]{0,3}');
    // An HLS/DASH playlist's segments land beside it, named after it (src/media/playlist.rs).
    const seg = /^(.*)\\\.(m3u8|mpd)$/.exec(named);
    const siblings = seg ? `|${seg[1]}(?:_video|_audio)?_(?:init\\.mp4|[0-9]+\\.m4s)` : '';
    const pattern = new RegExp(`^(?:${named}${siblings})$`);
    expected.set(token, { pattern, delivered: new Set() });
    return `${base}/upload/${token}/${name.split('/').map((p) => encodeURIComponent(p).replace(/%7Bindex%7D/gi, '{index}')).join('/')}`;
  };
  route.localPath = (url) => {
    const m = /\/upload\/[0-9a-f]{32}\/(.*)$/.exec(url);
    if (!m || (base && !url.startsWith(base + '/upload/'))) return null;
    try {
      return path.join(dir, decodeURIComponent(m[1]));
    } catch {
      return null;
    }
  };
  return route;
}

/**
 * Submits a request in the page and waits for the final record; progress goes to onProgress.
 * `network` overrides the engine's timeouts and retries (see www/src/net.ts).
 */
export async function runInPage(page, action, request, onProgress = null, { network = null } = {}) {
  if (onProgress) await page.exposeFunction('__reelProgress', onProgress).catch(() => {});
  // The request goes in and the record comes out as JSON text: Playwright rebuilds objects by
  // assignment, which turns a "__proto__" key (a tag, a UserData field) into a prototype and drops
  // it; JSON.parse keeps it as the own key the engine recorded.
  const json = await page.evaluate(
    async ({ action, requestJson, withProgress, network }) => {
      const request = JSON.parse(requestJson);
      window.__engine ??= await window.reelcut.createEngine({ databaseName: 'reelcut-cli', ...(network ? { network } : {}) });
      const engine = window.__engine;
      let record;
      try {
        record = await engine.submit(action, request, { onProgress: withProgress ? (p) => window.__reelProgress({ ...p, PageTime: performance.now() / 1000 }) : undefined });
      } catch (e) {
        const code = e.code ?? 'Internal';
        // The message may already start with the code: say it once.
        const message = String(e.message ?? e).replace(/^(?:[\w.]+: )+/, '');
        return JSON.stringify({ Action: action, Status: 'Failed', Code: code, Message: message });
      }
      const final = await engine.waitFor(record.JobId ?? record.TaskId);
      await engine.flushNotifications();
      return JSON.stringify((await engine.getJob(record.JobId ?? record.TaskId)) ?? final);
    },
    { action, requestJson: JSON.stringify(request), withProgress: !!onProgress, network },
  );
  return JSON.parse(json);
}

/**
 * Outputs whose upload failed are kept by the engine in the browser's OPFS (`Location: opfs:/…`),
 * which dies with the CLI's browser profile: copy each into `<outDir>/undelivered/` (through a
 * one-time upload URL of the local server) and point the record at the copy. A segmented
 * (HLS/DASH) output copies every file it kept (`Files[].Location`: the segments not uploaded and
 * the playlist) into a folder of its own, under the names the playlist uses, so they work
 * together there. Returns the record.
 */
export async function rescueUndelivered(page, record, uploads, outDir) {
  const job = record.JobId ?? record.TaskId ?? 'job';
  const moved = []; // [opfs location, local path]
  const copy = async (location, name) => {
    const url = uploads.expect(name);
    const ok = await page
      .evaluate(
        async ({ location, url }) => {
          const parts = location.replace(/^opfs:\/*/, '').split('/').filter(Boolean);
          let dir = await navigator.storage.getDirectory();
          for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
          const file = await (await dir.getFileHandle(parts[parts.length - 1])).getFile();
          const res = await fetch(url, { method: 'PUT', body: file });
          return res.ok;
        },
        { location, url },
      )
      .catch(() => false);
    if (!ok) return null;
    const local = path.join(outDir, name);
    moved.push([location, local]);
    return local;
  };
  const safe = (s) => s.replace(/[^\w.-]+/g, '_');
  for (const list of [record.Outputs, record.SubJobList].filter(Array.isArray)) {
    for (const o of list) {
      if (typeof o.Location !== 'string' || !o.Location.startsWith('opfs:')) continue;
      if (Array.isArray(o.Files) && o.Files.length > 0) {
        const folder = `undelivered/${safe(`${job}-${o.Index ?? 1}`)}`;
        for (const f of o.Files) {
          if (typeof f.Location !== 'string' || !f.Location.startsWith('opfs:')) continue;
          const local = await copy(f.Location, `${folder}/${safe(f.Name ?? path.basename(f.Location))}`);
          if (!local) continue;
          if (f.Location === o.Location) o.Location = local;
          f.Location = local;
        }
      } else {
        const local = await copy(o.Location, `undelivered/${job}-${o.Index ?? 1}-${safe(path.basename(o.Location))}`);
        if (local) o.Location = local;
      }
    }
  }
  // Messages name where the files were kept: name the copies instead.
  moved.sort((a, b) => b[0].length - a[0].length);
  const rename = (s) => moved.reduce((t, [from, to]) => t.split(from).join(to), s);
  for (const list of [record.Outputs, record.SubJobList].filter(Array.isArray)) {
    for (const o of list) if (typeof o.ErrorMessage === 'string') o.ErrorMessage = rename(o.ErrorMessage);
  }
  if (typeof record.Message === 'string') record.Message = rename(record.Message);
  return record;
}

/**
 * Maps engine-side URLs in a record back to the references the user wrote (inputs → as written,
 * uploads → local paths), also inside messages, so no internal `/files/<token>` URL reaches the user.
 */
export function restoreReferences(record, back, uploads = null) {
  const pairs = [...back.entries()].sort((a, b) => b[0].length - a[0].length);
  const uploadUrl = /https?:\/\/127\.0\.0\.1:\d+\/upload\/[0-9a-f]{32}\/[^\s"'),;]*/g;
  const fix = (v) => {
    if (typeof v !== 'string') return v;
    if (back.has(v)) return back.get(v);
    let s = v;
    for (const [url, ref] of pairs) if (s.includes(url)) s = s.split(url).join(ref);
    if (uploads) s = s.replace(uploadUrl, (u) => uploads.localPath(u) ?? u);
    return s;
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
