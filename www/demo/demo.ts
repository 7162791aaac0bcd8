// The minimal demo page: pick files, run a Retrieval task, watch progress, list the highlights.
import { createEngine, type HighlightTaskRequest, type JobRecord } from '../src/index';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const files = $<HTMLInputElement>('files');
const runButton = $<HTMLButtonElement>('run');
const cancelButton = $<HTMLButtonElement>('cancel');
const progress = $<HTMLProgressElement>('progress');
const status = $<HTMLParagraphElement>('status');
const table = $<HTMLTableElement>('results');

const engine = await createEngine();
let currentTask: string | null = null;

files.onchange = () => {
  runButton.disabled = !files.files?.length;
};

runButton.onclick = async () => {
  const picked = Array.from(files.files ?? []);
  const media: Record<string, File> = {};
  picked.forEach((f, i) => (media[`file${i}:${f.name}`] = f));
  const content = $<HTMLInputElement>('content').value.trim();
  status.className = 'muted';
  table.hidden = true;
  try {
    const { TaskId } = await engine.createHighlightTask(
      {
        Type: 'Retrieval',
        Mode: $<HTMLSelectElement>('mode').value as HighlightTaskRequest['Mode'],
        Sources: Object.keys(media).map((URI) => ({ URI })),
        ...(content ? { Highlight: { Content: content } } : {}),
        Output: { URI: 'memory:' },
      },
      {
        media,
        onProgress: (p) => {
          progress.value = p.Fraction;
          status.textContent = `${p.Stage}: ${(p.Fraction * 100).toFixed(0)}%` + (p.EtaSeconds != null ? `, about ${Math.ceil(p.EtaSeconds)} s left` : '');
        },
        onComplete: show,
      },
    );
    currentTask = TaskId;
    runButton.disabled = true;
    cancelButton.disabled = false;
  } catch (e) {
    status.className = 'error';
    status.textContent = String((e as Error).message ?? e);
  }
};

cancelButton.onclick = () => currentTask && engine.cancelJob(currentTask);

function show(record: JobRecord): void {
  currentTask = null;
  runButton.disabled = false;
  cancelButton.disabled = true;
  progress.value = 1;
  if (record.Status !== 'Succeeded') {
    status.className = 'error';
    status.textContent = `${record.Code}: ${record.Message}`;
    return;
  }
  status.textContent = `${record.Highlights!.length} highlights (profile ${record.Profile})` + (record.Notes?.length ? ` — ${record.Notes.join('; ')}` : '');
  const body = table.tBodies[0];
  body.replaceChildren(
    ...record.Highlights!.map((h, i) => {
      const tr = document.createElement('tr');
      for (const text of [String(i + 1), h.URI.replace(/^file\d+:/, ''), h.Start.toFixed(2), h.End.toFixed(2), h.Score.toFixed(2), h.Reasons.join('; ')]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }),
  );
  table.hidden = false;
}
