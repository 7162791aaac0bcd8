// Builds the wasm core and the JS bundles, skipping steps whose inputs did not change.
// Steps: cargo (wasm32, release) → wasm-bindgen (--target web) → tsc (types) → webpack → pages.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env });

function newest(paths) {
  let t = 0;
  const walk = (p) => {
    if (!fs.existsSync(p)) return;
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    else t = Math.max(t, st.mtimeMs);
  };
  paths.forEach((p) => walk(path.join(root, p)));
  return t;
}
const mtime = (p) => (fs.existsSync(path.join(root, p)) ? fs.statSync(path.join(root, p)).mtimeMs : 0);

const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, 'target');
const wasmOut = path.join(targetDir, 'wasm32-unknown-unknown/release/reelcut.wasm');
if (newest(['src', 'Cargo.toml', 'Cargo.lock', '.cargo']) > mtime('www/pkg/reelcut_bg.wasm') || process.argv.includes('--force')) {
  console.error('[build] cargo build --target wasm32-unknown-unknown --release');
  run('cargo', ['build', '--lib', '--target', 'wasm32-unknown-unknown', '--release']);
  console.error('[build] wasm-bindgen');
  // Without the name section (function names, only for stack traces: a quarter of the module).
  run('wasm-bindgen', [wasmOut, '--target', 'web', '--remove-name-section', '--remove-producers-section', '--out-dir', 'www/pkg']);
  // binaryen at -O1 (local simplification, dead code, coalesced locals): 1.02 -> 0.98 MB, 399 ->
  // 391 KB gzip. Its higher levels make the module smaller raw but larger gzipped (they reorder
  // functions, and similar code no longer sits together for the compressor): 429 KB at -O2, 427 at
  // -Oz. The features are those rustc emits for wasm32 plus the kernels' SIMD.
  console.error('[build] wasm-opt -O1');
  const features = ['simd', 'bulk-memory', 'nontrapping-float-to-int', 'sign-ext', 'mutable-globals', 'reference-types', 'multivalue'];
  const wasm = 'www/pkg/reelcut_bg.wasm';
  run('node', ['node_modules/binaryen/bin/wasm-opt', '-O1', ...features.map((f) => `--enable-${f}`), wasm, '-o', wasm]);
}
if (newest(['www', 'webpack.config.js', 'tsconfig.json']) > mtime('dist/reelcut.js') || process.argv.includes('--force')) {
  console.error('[build] tsc (type check + declarations)');
  run('node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
  console.error('[build] webpack');
  run('node', ['node_modules/webpack-cli/bin/cli.js', '--config', 'webpack.config.js']);
  // The app is the served page (index.html, a PWA); the old demo stays as demo.html.
  const pages = [
    ['www/app/index.html', 'index.html'],
    ['www/app/app.css', 'app.css'],
    ['www/app/sw.js', 'sw.js'],
    ['www/app/manifest.webmanifest', 'manifest.webmanifest'],
    ['www/app/icon.svg', 'icon.svg'],
    ['www/demo/index.html', 'demo.html'],
    ['www/pages/cli.html', 'cli.html'],
  ];
  for (const [from, to] of pages) fs.copyFileSync(path.join(root, from), path.join(root, 'dist', to));
  // The job model and records are declared by wasm-bindgen/tsify from the Rust types; the
  // package's declarations import them from here.
  fs.mkdirSync(path.join(root, 'dist/types/pkg'), { recursive: true });
  fs.copyFileSync(path.join(root, 'www/pkg/reelcut.d.ts'), path.join(root, 'dist/types/pkg/reelcut.d.ts'));
  fixDeclarationSpecifiers(path.join(root, 'dist/types/src'));
  plainUrlPatterns(path.join(root, 'dist/package'));
}

/**
 * webpack writes `new URL(/* worker import *\/ "./x.js", import.meta.url)`; vite recognises the
 * worker and asset patterns only without the comment, so the package's files drop them. The wasm
 * AAC module's URL (www/src/aac/load.ts) is left to the browser at build time, and webpack gives
 * it its own base (`__webpack_require__.b`); the package's worker gets the plain
 * `new URL('./reelcut.aac.js', import.meta.url)` back, so an app's bundler copies that file too.
 */
function plainUrlPatterns(dir) {
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.js'))) {
    const file = path.join(dir, name);
    const text = fs.readFileSync(file, 'utf8');
    const fixed = text
      .replace(/\/\* webpackChunkName: "[^"]*" \*\/ /g, '')
      .replace(/new URL\(\/\* (?:worker|asset) import \*\/ /g, 'new URL(')
      .replace(/new URL\(\/\* webpackIgnore: true \*\/ '\.\/reelcut\.aac\.js', __webpack_require__\.b\)/g, "new URL('./reelcut.aac.js', import.meta.url)");
    if (fixed !== text) fs.writeFileSync(file, fixed);
  }
}

/**
 * Relative specifiers in the emitted declarations get an explicit `.js` (`'./types'` becomes
 * `'./types.js'`), so the package's types resolve under moduleResolution node16/nodenext as well
 * as bundler.
 */
function fixDeclarationSpecifiers(dir) {
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (fs.statSync(file).isDirectory()) {
      fixDeclarationSpecifiers(file);
      continue;
    }
    if (!name.endsWith('.d.ts')) continue;
    const text = fs.readFileSync(file, 'utf8');
    const fixed = text.replace(/((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+?)\2/g, (m, pre, q, spec) =>
      /\.(js|mjs|cjs|json)$/.test(spec) ? m : `${pre}${q}${spec}.js${q}`,
    );
    if (fixed !== text) fs.writeFileSync(file, fixed);
  }
}
