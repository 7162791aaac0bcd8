// Where the Rust renderer writes a file body as it is produced. Bytes are gathered into Blobs of
// a few MiB as they arrive, so the worker holds at most one such batch whatever the output length
// (the browser keeps Blob data outside the worker and pages it to disk when it grows).

const BATCH_BYTES = 4 * 1024 * 1024;

export class BlobSink {
  private parts: Blob[] = [];
  private batch: Uint8Array<ArrayBuffer>[] = [];
  private batchBytes = 0;

  /** Called by the renderer with each piece of the body, in order (the array is its own copy). */
  write(bytes: Uint8Array<ArrayBuffer>): void {
    this.batch.push(bytes);
    this.batchBytes += bytes.byteLength;
    if (this.batchBytes >= BATCH_BYTES) this.seal();
  }

  /** The whole file: the container's head, the body written so far, its tail. */
  finish(head: Uint8Array<ArrayBuffer>, tail: Uint8Array<ArrayBuffer>, type: string): Blob {
    this.seal();
    const blob = new Blob([head, ...this.parts, tail], { type });
    this.parts = [];
    return blob;
  }

  private seal(): void {
    if (this.batch.length === 0) return;
    this.parts.push(new Blob(this.batch));
    this.batch = [];
    this.batchBytes = 0;
  }
}
