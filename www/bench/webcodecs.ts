// WebCodecs helper for the benchmark's hand-written baselines (pure encode, the mediabunny reel),
// in plain TypeScript as a hand-written app would do it. The engine itself drives WebCodecs from
// Rust (src/web/codec).

/** Resolves when the codec's queue has room again (the `dequeue` event), or on close. */
export function waitForDequeue(codec: VideoDecoder | AudioDecoder | VideoEncoder | AudioEncoder): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      codec.removeEventListener('dequeue', done);
      clearTimeout(timer);
      resolve();
    };
    // The timer guards against a codec that errored and will never dequeue again.
    const timer = setTimeout(done, 250);
    codec.addEventListener('dequeue', done);
  });
}
