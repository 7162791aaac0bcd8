// The CLI's local server (issue 11, item 1): serves only the files a request named, checks Host,
// accepts uploads only for the expected outputs, once each, and is bound to 127.0.0.1. No browser.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { localOutputProblem, restoreReferences, rewriteLocalOutputs, startServer, uploadRoute } from '../../cli/harness.mjs';

function request(base, pathname, { method = 'GET', headers = {}, body = null } = {}) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: u.port, path: pathname, method, headers }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode, body: data, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function withServer(fn) {
  const server = await startServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcut-srv-'));
  const uploads = uploadRoute(path.join(dir, 'out'), { base: server.base });
  server.addRoute(uploads);
  try {
    await fn({ server, uploads, dir });
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('only registered files are served; paths in the URL name nothing', async () => {
  await withServer(async ({ server, dir }) => {
    const secret = path.join(dir, 'secret.txt');
    fs.writeFileSync(secret, 'do not serve');
    const named = path.join(dir, 'input.bin');
    fs.writeFileSync(named, '0123456789');
    for (const p of [`/files/${encodeURIComponent(secret)}`, '/files/%2Fetc%2Fpasswd', `/files/${encodeURIComponent('/etc/passwd')}`, '/..%2F..%2Fetc%2Fpasswd', '/%2E%2E/%2E%2E/etc/passwd']) {
      const r = await request(server.base, p);
      assert.ok(r.status === 404 || r.status === 403 || r.status === 400, `${p} → ${r.status}`);
      assert.doesNotMatch(r.body, /do not serve|root:/);
    }
    const url = new URL(server.fileUrl(named));
    assert.match(url.pathname, /^\/files\/[0-9a-f]{32}\/input\.bin$/, 'an opaque token, not a path');
    assert.ok(!url.pathname.includes(encodeURIComponent(dir)), 'the folder is not in the URL');
    const whole = await request(server.base, url.pathname);
    assert.equal(whole.status, 200);
    assert.equal(whole.body, '0123456789');
    const part = await request(server.base, url.pathname, { headers: { Range: 'bytes=2-4' } });
    assert.equal(part.status, 206);
    assert.equal(part.body, '234');
    // A token from another file's URL does not combine with a different name.
    const swapped = url.pathname.replace(/[^/]+$/, 'secret.txt');
    assert.equal((await request(server.base, swapped)).body, '0123456789', 'the name after the token is decoration only');
  });
});

test('a request with another Host is refused (DNS rebinding)', async () => {
  await withServer(async ({ server, dir }) => {
    const named = path.join(dir, 'input.bin');
    fs.writeFileSync(named, 'x');
    const p = new URL(server.fileUrl(named)).pathname;
    const port = new URL(server.base).port;
    for (const host of [`evil.example:${port}`, `localhost:${port}`, '127.0.0.1', `127.0.0.1:${Number(port) + 1}`]) {
      const r = await request(server.base, p, { headers: { Host: host } });
      assert.equal(r.status, 421, `Host ${host}`);
    }
    assert.equal((await request(server.base, p)).status, 200);
    assert.equal((await request(server.base, '/')).status === 421, false);
  });
});

test('the server listens on 127.0.0.1 only', async () => {
  await withServer(async ({ server }) => {
    assert.match(server.base, /^http:\/\/127\.0\.0\.1:\d+$/);
    const addrs = Object.values(os.networkInterfaces()).flat().filter((a) => a && a.family === 'IPv4' && a.address !== '127.0.0.1');
    const port = Number(new URL(server.base).port);
    for (const a of addrs) {
      const ok = await new Promise((resolve) => {
        const req = http.request({ host: a.address, port, path: '/', timeout: 2000 }, () => resolve(true));
        req.on('error', () => resolve(false));
        req.on('timeout', () => (req.destroy(), resolve(false)));
        req.end();
      });
      assert.equal(ok, false, `reachable on ${a.address}`);
    }
  });
});

test('uploads: only expected outputs, only once, never outside --out', async () => {
  await withServer(async ({ server, uploads, dir }) => {
    const out = path.join(dir, 'out');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'result.json'), '{"keep":true}');
    // Unregistered names are refused, including result.json.
    for (const p of ['/upload/result.json', '/upload/x/result.json', `/upload/${'0'.repeat(32)}/result.json`]) {
      assert.equal((await request(server.base, p, { method: 'PUT', body: 'pwned' })).status, 403, p);
    }
    assert.equal(fs.readFileSync(path.join(out, 'result.json'), 'utf8'), '{"keep":true}');
    const url = { pathname: uploads.expect('reel_{index}.mp4').slice(server.base.length) };
    assert.match(url.pathname, /^\/upload\/[0-9a-f]{32}\/reel_\{index\}\.mp4$/);
    const first = url.pathname.replace('{index}', '1');
    // A name that does not match the template under a valid token is refused.
    assert.equal((await request(server.base, first.replace('reel_1.mp4', 'result.json'), { method: 'PUT', body: 'x' })).status, 403);
    assert.equal((await request(server.base, first.replace('reel_1.mp4', '..%2Fresult.json'), { method: 'PUT', body: 'x' })).status, 403);
    assert.equal((await request(server.base, first, { method: 'GET' })).status, 405);
    assert.equal((await request(server.base, first, { method: 'PUT', body: 'reel one' })).status, 201);
    assert.equal(fs.readFileSync(path.join(out, 'reel_1.mp4'), 'utf8'), 'reel one');
    assert.equal((await request(server.base, first, { method: 'PUT', body: 'again' })).status, 409, 'one time only');
    assert.equal(fs.readFileSync(path.join(out, 'reel_1.mp4'), 'utf8'), 'reel one');
    assert.equal((await request(server.base, url.pathname.replace('{index}', '2'), { method: 'PUT', body: 'two' })).status, 201);
    assert.equal(uploads.localPath(`${server.base}${first}`), path.join(out, 'reel_1.mp4'));
    // No Host, no upload.
    assert.equal((await request(server.base, url.pathname.replace('{index}', '3'), { method: 'PUT', body: 'x', headers: { Host: 'evil.example' } })).status, 421);
  });
});

test('output names that would leave --out are refused before the job runs', () => {
  for (const bad of ['../escape_{index}.mp4', 'a/../../x.mp4', '/etc/x.mp4', 'a\\b.mp4', './x.mp4', 'a//b.mp4']) {
    assert.ok(localOutputProblem(bad), bad);
    assert.throws(() => rewriteLocalOutputs('CreateHighlightTask', { Output: { URI: bad } }, { expect: () => 'x' }), (e) => e.code === 'InvalidParameter.Output.URI', bad);
    assert.throws(() => rewriteLocalOutputs('SubmitScreenMediaHighlightsJob', { OutputConfig: { MediaURL: bad } }, { expect: () => 'x' }), (e) => e.code === 'InvalidParameter.OutputConfig.MediaURL', bad);
  }
  for (const good of ['reel_{index}.mp4', 'sub/dir/r.webm', 'highlights.json']) assert.equal(localOutputProblem(good), null, good);
});

test('messages show the user\'s paths, never internal /files/ or /upload/ URLs', async () => {
  await withServer(async ({ server, uploads, dir }) => {
    const input = server.fileUrl(path.join(dir, 'ep 1.mp4'));
    const up = uploads.expect('reel_{index}.mp4').replace('{index}', '2');
    const back = new Map([[input, 'ep 1.mp4']]);
    const record = restoreReferences({ Sources: [{ URI: input }], Message: `${input} returned HTTP 404`, SubJobList: [{ MediaURL: up, ErrorMessage: `PUT ${up} failed (HTTP 500)` }] }, back, uploads);
    assert.equal(record.Sources[0].URI, 'ep 1.mp4');
    assert.equal(record.Message, 'ep 1.mp4 returned HTTP 404');
    assert.equal(record.SubJobList[0].MediaURL, path.join(dir, 'out', 'reel_2.mp4'));
    assert.equal(record.SubJobList[0].ErrorMessage, `PUT ${path.join(dir, 'out', 'reel_2.mp4')} failed (HTTP 500)`);
    assert.doesNotMatch(JSON.stringify(record), /\/files\/|\/upload\//);
  });
});
