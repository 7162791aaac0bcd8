// Bundles the public package (dist/reelcut.js + its worker + the wasm) and the demo page script.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

const pages = (env) => ({
  mode: env.development ? 'development' : 'production',
  devtool: env.development ? 'source-map' : false,
  target: 'web',
  entry: {
    reelcut: './www/src/index.ts',
    app: './www/app/app.ts',
    demo: './www/demo/demo.ts',
    bench: './www/bench/bench.ts',
    // The wasm AAC encoder, loaded by the engine worker only when it needs it (www/src/aac/load.ts).
    'reelcut.aac': { import: './www/src/aac/encoder.ts', library: { type: 'module' } },
  },
  experiments: { outputModule: true },
  output: {
    path: path.join(root, 'dist'),
    filename: '[name].js',
    chunkFilename: '[name].[contenthash:8].js',
    assetModuleFilename: '[name][ext]',
    library: { type: 'module' },
    clean: false,
  },
  resolve: { extensions: ['.ts', '.js'] },
  module: {
    rules: [
      { test: /\.ts$/, loader: 'ts-loader', options: { transpileOnly: true }, exclude: /node_modules/ },
      // Benchmark peer: ffmpeg.wasm's worker loads its core with import(coreURL) at run time; leave
      // that import to the browser instead of turning it into a bundle lookup that cannot succeed.
      { test: /@ffmpeg[\\/]ffmpeg[\\/]dist[\\/]esm[\\/]worker\.js$/, parser: { import: false } },
      // @mediabunny/aac-encoder imports its host's registry from 'mediabunny'; reelcut is that
      // host (www/src/aac/mediabunny-host.ts), so the encoder comes without mediabunny itself. Only
      // that package's import is redirected: the benchmark's peer uses the real mediabunny.
      // Its Node-only `import('worker_threads')` (never reached in a browser) stays in the one file.
      { test: /@mediabunny[\\/]aac-encoder[\\/]/, resolve: { alias: { mediabunny: path.join(root, 'www/src/aac/mediabunny-host.ts') } }, parser: { dynamicImportMode: 'eager' } },
    ],
  },
  // Each worker is one self-contained chunk: shared chunks would need chunk loading inside module workers.
  optimization: { splitChunks: false },
  performance: { hints: false },
  // ffmpeg.wasm's optional `classWorkerURL` (unused here) is a run-time worker URL webpack cannot follow.
  ignoreWarnings: [{ module: /@ffmpeg[\\/]ffmpeg[\\/]dist[\\/]esm[\\/]classes\.js$/, message: /Critical dependency/ }],
  stats: 'errors-warnings',
});

// The npm package: only the library (ESM entry, its worker, the wasm) in dist/package/. The entry
// keeps `new Worker(new URL('./reelcut.worker.js', import.meta.url))` and the worker keeps
// `new URL('./reelcut_bg.wasm', import.meta.url)`, the patterns webpack 5 and vite follow when an
// app bundles the package.
const pkg = (env) => ({
  ...pages(env),
  name: 'package',
  entry: { reelcut: './www/src/index.ts', 'reelcut.aac': { import: './www/src/aac/encoder.ts', library: { type: 'module' } } },
  output: {
    path: path.join(root, 'dist/package'),
    filename: '[name].js',
    chunkFilename: 'reelcut.[name].js',
    assetModuleFilename: '[name][ext]',
    library: { type: 'module' },
    clean: true,
  },
  optimization: { splitChunks: false, chunkIds: 'named', minimize: false },
});

export default (env = {}) => [{ ...pages(env), name: 'pages' }, pkg(env)];
