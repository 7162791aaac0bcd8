// npm start: build, then serve the app on 127.0.0.1 (a secure context for WebCodecs/OPFS).
// The port is PORT or --port N (default 8080); a busy port is reported in words and the next free
// one is taken (a port given explicitly with --port is not replaced: it is an error instead).
import net from 'node:net';
import { ensureBuilt, startServer } from '../cli/harness.mjs';

const args = process.argv.slice(2);
const flag = args.indexOf('--port');
const explicit = flag >= 0 ? args[flag + 1] : undefined;
const wanted = Number(explicit ?? process.env.PORT ?? 8080);
if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) {
  console.error(`reelcut: --port/PORT must be a port number (0-65535), not "${explicit ?? process.env.PORT}"`);
  process.exit(2);
}

if (!process.env.REELCUT_SKIP_BUILD) ensureBuilt();

let server;
for (let port = wanted, tries = 0; !server; port++, tries++) {
  try {
    await probe(port);
    server = await startServer({ port });
  } catch (e) {
    if (e?.code !== 'EADDRINUSE' && e?.code !== 'EACCES') {
      console.error(`reelcut: cannot serve on 127.0.0.1:${port}: ${e?.message ?? e}`);
      process.exit(1);
    }
    const why = e.code === 'EADDRINUSE' ? 'is already in use' : 'is not allowed';
    if (explicit !== undefined || tries >= 20) {
      console.error(`reelcut: port ${port} on 127.0.0.1 ${why}. Choose another with --port N or PORT=N npm start.`);
      process.exit(1);
    }
    console.error(`reelcut: port ${port} ${why}; trying ${port + 1}.`);
  }
}
console.log(`reelcut app: ${server.base}/  (Ctrl-C to stop)`);

/** Resolves if 127.0.0.1:port can be bound (then frees it), rejects with the listen error if not. */
function probe(port) {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => s.close(() => resolve()));
  });
}
