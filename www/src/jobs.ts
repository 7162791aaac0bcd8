// What the worker lends a running job: the Rust engine (`runJob`, src/web/job.rs) drives every
// stage (analysis, highlights, planning, rendering, the record) and calls back here only for what
// the browser shell owns: opening inputs, writing and delivering output files, progress, cancel.

import type { JobIo } from '../pkg/reelcut.js';
import { loadWasmAac } from './aac/load';
import { deliver, deliverFiles, removeOpfs } from './deliver';
import type { SyncReader } from './io';
import { openSink } from './sink';

export interface JobShell {
  jobId: string;
  signal: AbortSignal;
  open(uri: string): Promise<SyncReader>;
  progress(stage: string, fraction: number): void;
}

/** The `JobIo` for one job: readers, sinks and delivery bound to its id and cancel signal. */
export function jobIo(shell: JobShell): JobIo {
  return {
    signal: shell.signal,
    open: (uri) => shell.open(uri),
    progress: (stage, fraction) => shell.progress(stage, fraction),
    openSink: (uri, index) => openSink(uri, shell.jobId, index),
    deliver: (uri, blob) => deliver(uri, blob as Blob, shell.jobId, shell.signal),
    deliverFiles: (files) => deliverFiles(files, shell.jobId, shell.signal),
    removeOpfs: (path) => removeOpfs(path),
    loadWasmAac,
  };
}
