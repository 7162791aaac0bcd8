// npm start: build, then serve the demo page on 127.0.0.1 (a secure context for WebCodecs/OPFS).
import { ensureBuilt, startServer } from '../cli/harness.mjs';

ensureBuilt();
const port = Number(process.env.PORT ?? 8080);
const server = await startServer({ port });
console.log(`reelcut demo: ${server.base}/  (Ctrl-C to stop)`);
