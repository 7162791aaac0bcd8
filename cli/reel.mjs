#!/usr/bin/env node
// reelcut command line: runs the real engine in headless Chromium.
//   npm run reel -- --request REQ.json --out DIR
//   npm run reel -- a.mp4 b.mp4 [--out DIR]      (default Retrieval job over the files)
//   npm run reel                                   (makes the sample drama episode and runs on it)
import fs from 'node:fs';
import path from 'node:path';
import { ensureBuilt, ensureFixtures, launchEngineHost, rescueUndelivered, restoreReferences, rewriteLocalOutputs, rewriteLocalReferences, runInPage, startServer, succeeded, uploadRoute } from './harness.mjs';

const ACTIONS = ['CreateHighlightTask', 'SubmitScreenMediaHighlightsJob'];

function usage(msg) {
  if (msg) console.error(`reel: ${msg}`);
  console.error('usage: npm run reel -- --request REQ.json --out DIR | npm run reel -- FILE... [--out DIR]');
  process.exit(2);
}

function parseArgs(argv) {
  const args = { files: [], out: 'out', request: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--request') args.request = argv[++i] ?? usage('--request needs a file');
    else if (a === '--out') args.out = argv[++i] ?? usage('--out needs a folder');
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else args.files.push(a);
  }
  return args;
}

function defaultRequest(files) {
  return { Action: 'CreateHighlightTask', Type: 'Retrieval', Mode: 'Scene', Sources: files.map((URI) => ({ URI })), Output: { URI: 'highlights.json' } };
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
      files = [path.join(ensureFixtures(['drama']), 'drama.mp4')];
    }
    request = defaultRequest(files);
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
