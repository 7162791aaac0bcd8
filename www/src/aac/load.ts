// Loads the wasm AAC encoder (./encoder.ts, about 1 MB with libavcodec inside) on first use. It is
// built as its own self-contained module, `reelcut.aac.js`, beside the engine worker (webpack entry
// `reelcut.aac`): `new URL('./reelcut.aac.js', import.meta.url)` is the pattern webpack 5 and vite
// follow when an app bundles the package, so the file travels with the worker into the app's
// build, and a job that never needs AAC from wasm never downloads it.

let loading: Promise<unknown> | null = null;

/** The `WasmAacEncoder` class (AudioEncoder-shaped); the module is fetched once per worker. */
export function loadWasmAac(): Promise<unknown> {
  loading ??= import(/* webpackIgnore: true */ /* @vite-ignore */ new URL(/* webpackIgnore: true */ './reelcut.aac.js', import.meta.url).href)
    .then((m: { WasmAacEncoder: unknown }) => m.WasmAacEncoder)
    .catch((e: unknown) => {
      loading = null; // a later job may try again (the file may come back online)
      throw e;
    });
  return loading;
}
