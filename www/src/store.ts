// Job records in IndexedDB, so they survive a page reload (SPEC section 1).

import type { JobRecord } from './types';

/** What is persisted per job: the public record plus what is needed to resume it. */
export interface StoredJob {
  id: string;
  record: JobRecord;
  /** The validated internal JobSpec (JSON from the Rust validator). */
  spec: unknown;
  /** The request as submitted (a structured clone), which the engine runs; absent in records
   *  written before it was kept, which are then not resumed. */
  request?: unknown;
  /** True when every input is re-readable after a reload (http(s)/opfs references, no Blobs). */
  resumable: boolean;
  seq: number;
}

function promisify<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export class JobStore {
  private constructor(private db: IDBDatabase) {}

  static async open(name: string): Promise<JobStore> {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('jobs', { keyPath: 'id' });
    };
    return new JobStore(await promisify(req));
  }

  async put(job: StoredJob): Promise<void> {
    const tx = this.db.transaction('jobs', 'readwrite');
    tx.objectStore('jobs').put(job);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  async get(id: string): Promise<StoredJob | undefined> {
    return promisify(this.db.transaction('jobs').objectStore('jobs').get(id));
  }

  async all(): Promise<StoredJob[]> {
    const jobs: StoredJob[] = await promisify(this.db.transaction('jobs').objectStore('jobs').getAll());
    return jobs.sort((a, b) => a.seq - b.seq);
  }

  close(): void {
    this.db.close();
  }
}
