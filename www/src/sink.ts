// Where the Rust renderer writes a file body as it is produced (`sink.write(bytes)`, in order).
// An output that goes to OPFS or to an upload is written straight into a work file in OPFS, so
// neither the worker nor the browser holds it in memory; a `memory:` output, whose result is a
// Blob anyway, is gathered into Blobs of a few MiB as it arrives (the worker holds one batch).

const BATCH_BYTES = 4 * 1024 * 1024;
const WORK_DIR = 'reelcut-work';

// The interface is declared once, beside the Rust code that calls it (src/web/sink.rs).
import type { OutputSink } from '../pkg/reelcut.js';

export type { OutputSink };

/** The sink for an output delivered to `uri` (`memory:`/null, `opfs:`, or an upload). */
export async function openSink(uri: string | null, jobId: string, index: number): Promise<OutputSink> {
  if (!uri || uri.startsWith('memory:')) return new BlobSink();
  return OpfsSink.create(`${jobId}-${index}.body`);
}

class BlobSink implements OutputSink {
  private parts: Blob[] = [];
  private batch: Uint8Array<ArrayBuffer>[] = [];
  private batchBytes = 0;

  write(bytes: Uint8Array<ArrayBuffer>): void {
    this.batch.push(bytes.slice());
    this.batchBytes += bytes.byteLength;
    if (this.batchBytes >= BATCH_BYTES) this.seal();
  }

  async finish(head: Uint8Array<ArrayBuffer>, tail: Uint8Array<ArrayBuffer>, type: string): Promise<Blob> {
    this.seal();
    const blob = new Blob([head, ...this.parts, tail], { type });
    this.parts = [];
    return blob;
  }

  async dispose(): Promise<void> {
    this.parts = [];
    this.batch = [];
  }

  private seal(): void {
    if (this.batch.length === 0) return;
    this.parts.push(new Blob(this.batch));
    this.batch = [];
    this.batchBytes = 0;
  }
}

interface SyncAccessHandle {
  write(buffer: Uint8Array, options: { at: number }): number;
  flush(): void;
  close(): void;
}

class OpfsSink implements OutputSink {
  private offset = 0;
  private open = true;

  private constructor(
    private dir: FileSystemDirectoryHandle,
    private name: string,
    private file: FileSystemFileHandle,
    private handle: SyncAccessHandle,
  ) {}

  static async create(name: string): Promise<OpfsSink> {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(WORK_DIR, { create: true });
    const file = await dir.getFileHandle(name, { create: true });
    const handle = await (file as unknown as { createSyncAccessHandle(): Promise<SyncAccessHandle> }).createSyncAccessHandle();
    return new OpfsSink(dir, name, file, handle);
  }

  write(bytes: Uint8Array<ArrayBuffer>): void {
    this.offset += this.handle.write(bytes, { at: this.offset });
  }

  async finish(head: Uint8Array<ArrayBuffer>, tail: Uint8Array<ArrayBuffer>, type: string): Promise<Blob> {
    this.close();
    // The body stays on disk: the Blob refers to the work file, which outlives the delivery.
    return new Blob([head, await this.file.getFile(), tail], { type });
  }

  async dispose(): Promise<void> {
    this.close();
    await this.dir.removeEntry(this.name).catch(() => undefined);
  }

  private close(): void {
    if (!this.open) return;
    this.open = false;
    this.handle.flush();
    this.handle.close();
  }
}
