#!/usr/bin/env node
// reelcut command line: runs the real engine in headless Chromium.
//   npm run reel -- --request REQ.json --out DIR
//   npm run reel -- a.mp4 b.mp4 [--out DIR]      (default Retrieval job over the files)
//   npm run reel -- a.mp4 --reels 2 --size 1080x1920 ...   (reels, without writing JSON)
//   npm run reel                                   (makes the sample drama episode and runs on it)
// `npm run reel -- --help` lists every option.
import fs from 'node:fs';
import path from 'node:path';
import { ensureBuilt, ensureFixtures, launchEngineHost, rescueUndelivered, restoreReferences, rewriteLocalOutputs, rewriteLocalReferences, runInPage, startServer, succeeded, uploadRoute } from './harness.mjs';

const ACTIONS = ['CreateHighlightTask', 'SubmitScreenMediaHighlightsJob'];

const HELP = `reelcut: find the highlights of videos and make highlight reels, in headless Chromium.

usage:
  npm run reel -- --request REQ.json [--out DIR]   run a request of either API (JSON with "Action")
  npm run reel -- FILE... [options]                 find highlights (or make reels) from local files
  npm run reel                                      make the sample drama episode and find its highlights

options:
  --out DIR              where result.json and output files go (default: out)
  --request FILE         a request: {"Action": "CreateHighlightTask" | "SubmitScreenMediaHighlightsJob", ...}
  --mode Scene|Average   how highlights are found (default Scene)
  --reels N              make N different reels (reel_1.mp4, ...) instead of listing highlights
  --max-duration S       longest reel (or highlight), seconds
  --target-duration S    seconds of highlight material per reel (>= 5)
  --size WxH             reel size, e.g. 1080x1920 (default: the largest input's)
  --transitions A,B      transitions between clips, e.g. fade,wipeleft (see the README's table)
  --hook                 open each reel with its highest-energy moment
  --music FILE           background music for the reels
  -h, --help             this text

Any of --reels, --size, --transitions, --hook, --music makes reels (SubmitScreenMediaHighlightsJob);
otherwise the files' highlights are listed (CreateHighlightTask, Type Retrieval).
Every option is checked, and input files must exist, before the browser starts.
REELCUT_NETWORK='{"connectTimeoutMs":15000,"idleTimeoutMs":30000,"retryDelaysMs":[500,1500,4000]}'
overrides the network timeouts.

examples:
  npm run reel -- ep1.mp4 ep2.mp4 --out hl
  npm run reel -- ep1.mp4 --reels 3 --max-duration 30 --size 1080x1920 --transitions fade,dissolve --out reels
  npm run reel -- --request job.json --out results`;

function usage(msg) {
  if (msg) {
    console.error(`reel: ${msg}\nrun "npm run reel -- --help" for the options`);
    process.exit(2);
  }
  console.log(HELP);
  process.exit(0);
}

const positive = (name, v) => {
  const x = Number(v);
  if (v == null || !Number.isFinite(x) || x <= 0) usage(`${name} needs a positive number, not ${JSON.stringify(v ?? '')}`);
  return x;
};

function parseArgs(argv) {
  const args = { files: [], out: 'out', request: null, mode: null, reels: null, maxDuration: null, targetDuration: null, size: null, transitions: null, hook: false, music: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--request') args.request = value();
    else if (a === '--out') args.out = value();
    else if (a === '--mode') {
      args.mode = value();
      if (!['Scene', 'Average'].includes(args.mode)) usage(`--mode is Scene or Average, not ${JSON.stringify(args.mode)}`);
    } else if (a === '--reels') {
      args.reels = positive(a, value());
      if (!Number.isInteger(args.reels)) usage('--reels needs a whole number');
    } else if (a === '--max-duration') args.maxDuration = positive(a, value());
    else if (a === '--target-duration') args.targetDuration = positive(a, value());
    else if (a === '--size') {
      const m = /^(\d+)x(\d+)$/.exec(value());
      if (!m) usage(`--size is WIDTHxHEIGHT, e.g. 1080x1920, not ${JSON.stringify(argv[i])}`);
      args.size = [Number(m[1]), Number(m[2])];
    } else if (a === '--transitions') args.transitions = value().split(',').map((t) => t.trim()).filter(Boolean);
    else if (a === '--hook') args.hook = true;
    else if (a === '--music') args.music = value();
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else args.files.push(a);
  }
  if (args.request && (args.files.length || makesReels(args) || args.mode || args.maxDuration || args.targetDuration)) {
    usage('--request carries the whole job: give files and job options either in it or on the command line');
  }
  return args;
}

const makesReels = (a) => a.reels != null || a.size != null || a.transitions != null || a.hook || a.music != null;

/** The job the command line's files and options describe. */
function requestFromArgs(files, a) {
  if (!makesReels(a)) {
    return {
      Action: 'CreateHighlightTask',
      Type: 'Retrieval',
      Mode: a.mode ?? 'Scene',
      Sources: files.map((URI) => ({ URI })),
      Output: { URI: 'highlights.json', ...(a.maxDuration ? { MaxDuration: a.maxDuration } : {}), ...(a.targetDuration ? { TargetDuration: a.targetDuration } : {}) },
    };
  }
  if (a.mode === 'Average') usage('reels are planned from the Scene highlights; --mode Average lists highlights only');
  const strategy = { ...(a.hook ? { IntroConfig: { Mode: 'Auto' } } : {}), ...(a.targetDuration ? { TargetDuration: a.targetDuration } : {}) };
  return {
    Action: 'SubmitScreenMediaHighlightsJob',
    InputConfig: {
      MediaArray: files,
      ...(Object.keys(strategy).length ? { HighlightStrategy: strategy } : {}),
      ...(a.music ? { BackgroundMusicArray: [a.music] } : {}),
    },
    ...(a.transitions?.length ? { EditingConfig: { ProcessConfig: { AllowTransition: true, TransitionList: a.transitions } } } : {}),
    OutputConfig: {
      MediaURL: 'reel_{index}.mp4',
      Count: a.reels ?? 1,
      ...(a.size ? { Width: a.size[0], Height: a.size[1] } : {}),
      ...(a.maxDuration ? { MaxDuration: a.maxDuration } : {}),
    },
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const outDir = path.resolve(args.out);
  let request;
  let baseDir = process.cwd();
  if (args.request) {
    baseDir = path.dirname(path.resolve(args.request));
    try {
      request = JSON.parse(fs.readFileSync(args.request, 'utf8'));
    } catch (e) {
      return fail(outDir, { Code: 'InvalidParameter.Request', Message: `cannot read ${args.request}: ${e.message}` });
    }
  } else {
    let files = args.files;
    if (files.length === 0) {
      console.error('[reel] no input given: making the sample drama episode (fixtures/drama.mp4)');
      // The fixture script needs ffmpeg, espeak-ng and sox: set-up installs them first on a new machine.
      ensureBuilt();
      files = [path.join(ensureFixtures(['drama']), 'drama.mp4')];
    }
    // Files named on the command line are checked before anything is built or launched.
    for (const f of [...files, ...(args.music ? [args.music] : [])]) {
      if (!fs.existsSync(f) || !fs.statSync(f).isFile()) return fail(outDir, { Code: 'InvalidMedia.NotFound', Message: `${f}: no such file` });
    }
    request = requestFromArgs(files, args);
  }
  const { Action: action, ...params } = request;
  if (!ACTIONS.includes(action)) {
    return fail(outDir, { Code: 'InvalidParameter.Action', Message: `Action is ${JSON.stringify(action)}; allowed: ${ACTIONS.join(', ')}` });
  }

  ensureBuilt();
  fs.mkdirSync(outDir, { recursive: true });
  const server = await startServer();
  const uploads = uploadRoute(outDir, { base: server.base });
  server.addRoute(uploads);
  let withInputs;
  let back;
  let rewritten;
  try {
    ({ request: withInputs, back } = rewriteLocalReferences(action, params, baseDir, server.fileUrl));
    rewritten = rewriteLocalOutputs(action, withInputs, uploads);
  } catch (e) {
    await server.close();
    return fail(outDir, { Code: e.code ?? 'InvalidParameter.Request', Message: e.message });
  }
  const host = await launchEngineHost(server.base, { log: (m) => console.error(m) });
  let record;
  try {
    let lastLine = 0;
    record = await runInPage(
      host.page,
      action,
      rewritten,
      (p) => {
        if (Date.now() - lastLine < 250 && p.Fraction < 1) return;
        lastLine = Date.now();
        const eta = p.EtaSeconds == null ? '' : `, ETA ${p.EtaSeconds.toFixed(1)} s`;
        console.error(`[reel] ${p.Stage} ${(p.Fraction * 100).toFixed(1)}%${eta}`);
      },
      { network: networkFromEnv() },
    );
    // Files the engine could not deliver are copied out of the browser profile before it goes.
    record = await rescueUndelivered(host.page, record, uploads, outDir);
    record = restoreReferences(record, back, uploads);
  } finally {
    await host.close();
    await server.close();
  }
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'result.json'), JSON.stringify(record, null, 2) + '\n');
  if (record.Notification && record.Notification.Status !== 'Delivered') {
    console.error(`[reel] notification to ${record.Notification.Target} failed after ${record.Notification.Attempts} attempt(s): ${record.Notification.Error}`);
  }
  if (!succeeded(record)) {
    console.error(`[reel] failed: ${record.Code}: ${record.Message}`);
    for (const o of record.Outputs ?? record.SubJobList ?? []) if (o.Location) console.error(`  output ${o.Index} not delivered; kept at ${o.Location}`);
    process.exit(1);
  }
  const n = record.Highlights?.length ?? 0;
  const outputs = record.Outputs ?? record.SubJobList ?? [];
  console.error(`[reel] ${record.Status}: ${n} highlight(s), ${outputs.length} output file(s); result in ${path.join(outDir, 'result.json')}`);
  for (const o of outputs) console.error(`  output ${o.Index}: ${o.Status} ${o.URI ?? o.MediaURL} ${o.Duration ?? ''} s ${o.ErrorCode ?? ''}`);
  for (const h of (record.Highlights ?? []).slice(0, 10)) {
    console.error(`  ${h.Score.toFixed(2)}  ${path.basename(h.URI)} ${h.Start.toFixed(2)}-${h.End.toFixed(2)} s  ${h.Reasons.join('; ')}`);
  }
}

/** REELCUT_NETWORK='{"connectTimeoutMs":…,"idleTimeoutMs":…,"retryDelaysMs":[…]}' overrides the engine's network policy. */
function networkFromEnv() {
  if (!process.env.REELCUT_NETWORK) return null;
  try {
    return JSON.parse(process.env.REELCUT_NETWORK);
  } catch {
    usage('REELCUT_NETWORK must be JSON, e.g. {"connectTimeoutMs":5000}');
  }
}

function fail(outDir, error) {
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'result.json'), JSON.stringify({ Status: 'Failed', ...error }, null, 2) + '\n');
  console.error(`[reel] failed: ${error.Code}: ${error.Message}`);
  process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
