// Bundles the public package (dist/reelcut.js + its worker + the wasm) and the demo page script.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

export default (env = {}) => ({
  mode: env.development ? 'development' : 'production',
  devtool: env.development ? 'source-map' : false,
  target: 'web',
  entry: {
    reelcut: './www/src/index.ts',
    demo: './www/demo/demo.ts',
    bench: './www/bench/bench.ts',
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
    ],
  },
  // Each worker is one self-contained chunk: shared chunks would need chunk loading inside module workers.
  optimization: { splitChunks: false },
  performance: { hints: false },
  // ffmpeg.wasm's optional `classWorkerURL` (unused here) is a run-time worker URL webpack cannot follow.
  ignoreWarnings: [{ module: /@ffmpeg[\\/]ffmpeg[\\/]dist[\\/]esm[\\/]classes\.js$/, message: /Critical dependency/ }],
  stats: 'errors-warnings',
});
