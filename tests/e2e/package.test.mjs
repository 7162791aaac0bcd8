// The npm package as an app developer gets it: `npm pack` holds only the library; its types
// compile under moduleResolution bundler, node16 and nodenext; small apps built from the packed
// tarball with webpack 5 and with vite run a retrieval and a reel in Chromium; capabilities().
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CHROMIUM_ARGS, root, startServer } from '../../cli/harness.mjs';
import { SHARED_MEDIA } from './lib.mjs';

const TSC = path.join(root, 'node_modules/typescript/bin/tsc');
const INPUT = path.join(SHARED_MEDIA, 'bikes-noaudio.mp4');
// The reel has sound: its MP4 audio is AAC, from the wasm encoder the worker loads where the
// browser has none, so the app's bundler must have carried `reelcut.aac.js` along.
const SOUND_INPUT = path.join(SHARED_MEDIA, 'green-screen-720p.mp4');
let work;
let tarball;
let server;
let context;
let page;
const outside = [];

/** A consumer project folder with the packed tarball installed as node_modules/reelcut. */
function consumer(name, files) {
  const dir = path.join(work, name);
  fs.mkdirSync(path.join(dir, 'node_modules/reelcut'), { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', path.join(dir, 'node_modules/reelcut'), '--strip-components=1']);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm' };
/** Serves a built app folder under /<prefix>/. */
function serveDir(prefix, dir) {
  server.addRoute((req, res, url) => {
    if (!url.pathname.startsWith(`/${prefix}/`)) return false;
    const rel = decodeURIComponent(url.pathname.slice(prefix.length + 2)) || 'index.html';
    const file = path.join(dir, rel);
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return true;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(fs.readFileSync(file));
    return true;
  });
}

// The app both bundlers build: a retrieval and a short reel over one file, plus capabilities().
const APP_JS = `import { createEngine } from 'reelcut';
window.runReelcut = async (url, soundUrl) => {
  const engine = await createEngine({ databaseName: 'consumer-' + Math.random() });
  const caps = await engine.capabilities();
  const r = await engine.createHighlightTask({ Type: 'Retrieval', Mode: 'Scene', Sources: [{ URI: url }], Output: { URI: 'memory:' } });
  const retrieval = await engine.waitFor(r.TaskId);
  const c = await engine.createHighlightTask({ Type: 'Compose', Mode: 'Scene', Sources: [{ URI: soundUrl }], Output: { URI: 'memory:', Container: 'mp4', MaxDuration: 5, Video: { TranscodeVideo: { Resolution: '320x240' } } } });
  const reel = await engine.waitFor(c.TaskId);
  engine.terminate();
  return { caps, retrieval: retrieval.Status + ' ' + retrieval.Code + ' ' + (retrieval.Highlights?.length ?? 0), reel: reel.Status + ' ' + reel.Code, size: reel.Outputs?.[0]?.Blob?.size ?? 0, audio: reel.Outputs?.[0]?.AudioCodec + ' ' + reel.Outputs?.[0]?.AudioEncoder, message: reel.Message };
};
window.consumerReady = true;
`;
const HTML = '<!doctype html><meta charset="utf-8"><title>consumer</title><script type="module" src="./main.js"></script>\n';

before(async () => {
  assert.ok(fs.existsSync(INPUT), `${INPUT} is missing: the package test needs ../shared/media`);
  assert.ok(fs.existsSync(path.join(root, 'dist/package/reelcut.js')), 'dist/package is missing: run node scripts/build.mjs');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-pkg-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  tarball = path.join(work, JSON.parse(out)[0].filename);
  server = await startServer();
  const { chromium } = await import('playwright-core');
  const profile = path.join(work, 'profile');
  context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  context.on('request', (r) => {
    const u = new URL(r.url());
    if (!['blob:', 'data:'].includes(u.protocol) && u.host !== new URL(server.base).host) outside.push(r.url());
  });
  page = context.pages()[0] ?? (await context.newPage());
});
after(async () => {
  await context?.close().catch(() => {});
  await server?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds only the library: ESM entry, worker, wasm, types, README, LICENSE', () => {
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, '')).sort();
  for (const need of ['package.json', 'README.md', 'LICENSE', 'dist/package/reelcut.js', 'dist/package/reelcut.worker.js', 'dist/package/reelcut.aac.js', 'dist/package/reelcut_bg.wasm', 'dist/types/src/index.d.ts']) {
    assert.ok(files.includes(need), `${need} in the tarball`);
  }
  const strays = files.filter((f) => !/^(package\.json|README\.md|LICENSE|dist\/package\/reelcut(\.worker|\.aac)?\.js|dist\/package\/reelcut_bg\.wasm|dist\/types\/src\/.+\.d\.ts|dist\/types\/pkg\/reelcut\.d\.ts)$/.test(f));
  assert.deepEqual(strays, [], 'nothing but the library');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.sideEffects, false);
  assert.equal(pkg.exports['.'].types, './dist/types/src/index.d.ts');
  assert.equal(pkg.exports['.'].import, './dist/package/reelcut.js');
  assert.match(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'), new RegExp(pkg.license));
});

// The engine module's size budget (issue 6: 400 KB gzipped), so a change that links a large part
// of std back (core's float formatting through a `{}` on an f64, a new BTreeMap type, a derived
// deserializer) is seen when it lands rather than at the next benchmark.
test('the engine module stays within its 400 KB gzip budget', async () => {
  const zlib = await import('node:zlib');
  const wasm = fs.readFileSync(path.join(root, 'dist/package/reelcut_bg.wasm'));
  const gzipped = zlib.gzipSync(wasm, { level: 9 }).length;
  assert.ok(gzipped <= 400_000, `reelcut_bg.wasm is ${gzipped} bytes gzipped (${wasm.length} raw); budget 400000`);
});

test('types compile in a consumer under moduleResolution bundler, node16 and nodenext', () => {
  const src = `import { createEngine, capabilities, ReelcutError, type Capabilities, type JobRecord } from 'reelcut';
const engine = await createEngine();
const caps: Capabilities = await engine.capabilities();
const again: Capabilities = await capabilities();
const aac: boolean = caps.aac && again.opfs;
const { TaskId } = await engine.createHighlightTask({ Type: 'Retrieval', Sources: [{ URI: 'ep1' }], Output: { URI: 'memory:' } });
const rec: JobRecord = await engine.waitFor(TaskId);
const { JobId } = await engine.submitScreenMediaHighlightsJob({ InputConfig: { MediaArray: ['ep1'], HighlightStrategy: { IntroConfig: { Mode: 'Auto' }, TargetDuration: 20 } }, EditingConfig: { ProcessConfig: { AllowTransition: true, TransitionList: ['fade'] } }, OutputConfig: { MediaURL: 'opfs:/r_{index}.mp4', Count: 2, Width: 720, Height: 1280 } });
await engine.createHighlightTask({ Type: 'Compose', Sources: [{ URI: 'ep1', StartTime: 5 }], Edit: { Mode: 'Sequential', TransitionMode: 'Random', Transitions: [{ Transition: 'wipeleft', Duration: 0.5, Weight: 50 }] }, Output: { URI: 'memory:', Container: 'mp4', Speed: 0.75, Video: { TranscodeVideo: { Codec: 'h264', Resolution: '720x1280', ScaleType: 'crop' } } }, Tags: { show: 'a' } });
if (rec.Status === 'Failed' && !aac) throw new ReelcutError(rec.Code ?? 'Internal', String(JobId));
`;
  const dir = consumer('types', { 'index.ts': src, 'package.json': '{ "name": "consumer", "type": "module" }\n' });
  for (const [module, moduleResolution] of [['esnext', 'bundler'], ['node16', 'node16'], ['nodenext', 'nodenext']]) {
    const tsconfig = { compilerOptions: { target: 'es2022', module, moduleResolution, lib: ['es2022', 'dom', 'dom.iterable'], strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['index.ts'] };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    try {
      execFileSync('node', [TSC, '-p', dir], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      assert.fail(`tsc with moduleResolution ${moduleResolution}:\n${e.stdout}${e.stderr}`);
    }
  }
  // A typo in a method name, a request field, a value's type or an enum value fails to compile.
  const bad = {
    method: 'await e.capabilitie();',
    field: "await e.submitScreenMediaHighlightsJob({ InputConfig: { MediaArray: ['a'] }, OutputConfig: { Widht: 720 } });",
    type: "await e.submitScreenMediaHighlightsJob({ InputConfig: { MediaArray: ['a'] }, OutputConfig: { Count: 'three' } });",
    enum: "await e.createHighlightTask({ Type: 'Retreival', Sources: [{ URI: 'a' }], Output: { URI: 'memory:' } });",
  };
  for (const [what, line] of Object.entries(bad)) {
    fs.writeFileSync(path.join(dir, 'bad.ts'), `import { createEngine } from 'reelcut';\nconst e = await createEngine();\n${line}\n`);
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'dom'], strict: true, noEmit: true, types: [] }, files: ['bad.ts'] }));
    assert.throws(() => execFileSync('node', [TSC, '-p', dir], { stdio: 'pipe' }), `a wrong ${what} does not compile: ${line}`);
  }
});

async function runBuiltApp(prefix) {
  await page.goto(`${server.base}/${prefix}/index.html`);
  await page.waitForFunction(() => window.consumerReady === true, null, { timeout: 30_000 });
  return page.evaluate(([url, soundUrl]) => window.runReelcut(url, soundUrl), [server.fileUrl(INPUT), server.fileUrl(SOUND_INPUT)]);
}

function checkRun(res, name) {
  assert.match(res.retrieval, /^Succeeded Success [1-9]/, `${name}: retrieval`);
  assert.equal(res.reel, 'Succeeded Success', `${name}: reel (${res.message})`);
  assert.ok(res.size > 1000, `${name}: the reel has bytes`);
  assert.ok(res.caps.decoders.video.includes('h264') && res.caps.encoders.video.length > 0, `${name}: capabilities ${JSON.stringify(res.caps)}`);
  assert.equal(typeof res.caps.aac, 'boolean');
  assert.equal(res.audio, `mp4a.40.2 ${res.caps.aac ? 'WebCodecs' : 'WasmAac'}`, `${name}: the reel's audio`);
  assert.equal(res.caps.opfs, true);
}

test('webpack 5 builds an app from the tarball that runs a retrieval and a reel', async () => {
  const dir = consumer('webpack-app', { 'src/main.js': APP_JS });
  const { default: webpack } = await import(path.join(root, 'node_modules/webpack/lib/index.js'));
  const stats = await new Promise((resolve, reject) =>
    webpack({ mode: 'production', context: dir, entry: './src/main.js', output: { path: path.join(dir, 'dist'), filename: 'main.js' }, performance: { hints: false }, resolve: { modules: [path.join(dir, 'node_modules')] } }, (err, s) => (err ? reject(err) : resolve(s))),
  );
  assert.ok(!stats.hasErrors(), stats.toString('errors-only'));
  fs.writeFileSync(path.join(dir, 'dist/index.html'), HTML);
  assert.ok(fs.readdirSync(path.join(dir, 'dist')).some((f) => f.endsWith('.wasm')), 'the wasm was emitted');
  serveDir('webpack', path.join(dir, 'dist'));
  checkRun(await runBuiltApp('webpack'), 'webpack');
});

test('vite builds an app from the tarball that runs a retrieval and a reel', async () => {
  const dir = consumer('vite-app', { 'index.html': HTML, 'main.js': APP_JS });
  const { build } = await import(path.join(root, 'node_modules/vite/dist/node/index.js'));
  await build({ root: dir, base: './', logLevel: 'error', configFile: false, build: { outDir: path.join(dir, 'dist'), target: 'es2022' }, worker: { format: 'es' } });
  assert.ok(fs.readdirSync(path.join(dir, 'dist/assets')).some((f) => f.endsWith('.wasm')), 'the wasm was emitted');
  serveDir('vite', path.join(dir, 'dist'));
  checkRun(await runBuiltApp('vite'), 'vite');
  assert.deepEqual(outside, [], 'no request left 127.0.0.1');
});
