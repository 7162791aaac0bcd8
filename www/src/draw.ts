// Executes the Rust renderer's FrameOps on an OffscreenCanvas 2D context, exactly as documented in
// src/render/mod.rs ("Drawing model").

export interface Rect { x: number; y: number; w: number; h: number }
export interface DrawOp { source: number; sourceTimeS: number; srcRect: Rect; dstRect: Rect; rotation: number; blurPx: number }
export interface Layer {
  clip: number | null;
  background: [number, number, number, number] | null;
  draws: DrawOp[];
  fillAfter: { rgb: [number, number, number]; alpha: number } | null;
  dissolve: { progress: number; seed: number } | null;
  offsetX: number;
  offsetY: number;
  clipRect: Rect | null;
  opacity: number;
}
export interface FrameOps { t: number; width: number; height: number; background: [number, number, number, number]; layers: Layer[] }

/** Per-source scale from the geometry's coded pixels to the VideoFrame's natural (display) size. */
export interface SourceScale { codedW: number; codedH: number }

/** A decoded picture to draw: a VideoFrame, or an ImageBitmap converted from one. */
export type Picture = VideoFrame | ImageBitmap;
const naturalSize = (p: Picture): [number, number] => (p instanceof VideoFrame ? [p.displayWidth, p.displayHeight] : [p.width, p.height]);

const rgba = (c: number[]) => `rgba(${c[0]},${c[1]},${c[2]},${(c[3] ?? 255) / 255})`;

export class FrameExecutor {
  readonly canvas: OffscreenCanvas;
  private ctx: OffscreenCanvasRenderingContext2D;
  private scratch: OffscreenCanvas;
  private sctx: OffscreenCanvasRenderingContext2D;
  private small: OffscreenCanvas;
  private smallCtx: OffscreenCanvasRenderingContext2D;
  private mask: OffscreenCanvas | null = null;
  private noise: { seed: number; values: Float32Array } | null = null;

  constructor(
    readonly width: number,
    readonly height: number,
    private sources: SourceScale[],
  ) {
    this.canvas = new OffscreenCanvas(width, height);
    this.ctx = this.canvas.getContext('2d', { alpha: false })!;
    this.scratch = new OffscreenCanvas(width, height);
    this.sctx = this.scratch.getContext('2d')!;
    this.small = new OffscreenCanvas(16, 16);
    this.smallCtx = this.small.getContext('2d')!;
  }

  /** Draws one frame; `frameFor(layerClip, source)` gives the decoded frame to draw (or null: black). */
  draw(ops: FrameOps, frameFor: (clip: number, op: DrawOp) => Picture | null): void {
    const ctx = this.ctx;
    ctx.fillStyle = rgba(ops.background);
    ctx.fillRect(0, 0, this.width, this.height);
    for (const layer of ops.layers) {
      const direct = layer.opacity >= 1 && !layer.fillAfter && !layer.dissolve;
      const target = direct ? ctx : this.sctx;
      target.save();
      if (direct) {
        if (layer.clipRect) {
          target.beginPath();
          target.rect(layer.clipRect.x, layer.clipRect.y, layer.clipRect.w, layer.clipRect.h);
          target.clip();
        }
        target.translate(layer.offsetX, layer.offsetY);
      } else {
        target.clearRect(0, 0, this.width, this.height);
      }
      if (layer.background) {
        target.fillStyle = rgba(layer.background);
        target.fillRect(0, 0, this.width, this.height);
      }
      for (const op of layer.draws) {
        const frame = layer.clip === null ? null : frameFor(layer.clip, op);
        if (frame) this.drawOp(target, op, frame);
      }
      if (layer.fillAfter) {
        target.globalAlpha = layer.fillAfter.alpha;
        target.fillStyle = rgba([...layer.fillAfter.rgb, 255]);
        target.fillRect(0, 0, this.width, this.height);
        target.globalAlpha = 1;
      }
      if (layer.dissolve) this.applyDissolve(layer.dissolve.progress, layer.dissolve.seed);
      target.restore();
      if (!direct) {
        ctx.save();
        if (layer.clipRect) {
          ctx.beginPath();
          ctx.rect(layer.clipRect.x, layer.clipRect.y, layer.clipRect.w, layer.clipRect.h);
          ctx.clip();
        }
        ctx.globalAlpha = layer.opacity;
        ctx.drawImage(this.scratch, layer.offsetX, layer.offsetY);
        ctx.restore();
      }
    }
  }

  private drawOp(target: OffscreenCanvasRenderingContext2D, op: DrawOp, frame: Picture): void {
    const geo = this.sources[op.source];
    // Source rects are in the container's coded pixels; the frame's natural size may differ
    // (pixel aspect applied by the decoder), so scale into it.
    const [fw, fh] = naturalSize(frame);
    const sx = fw / (geo?.codedW || fw);
    const sy = fh / (geo?.codedH || fh);
    const src = { x: op.srcRect.x * sx, y: op.srcRect.y * sy, w: op.srcRect.w * sx, h: op.srcRect.h * sy };
    const dst = op.dstRect;
    if (op.blurPx > 0) {
      // A large blur on a full-size canvas is slow in software: blur a small copy (same look, the
      // radius scaled with it) and let the upscale smooth it further.
      const k = Math.min(16, Math.max(1, op.blurPx / 2));
      const w = Math.max(2, Math.round(dst.w / k));
      const h = Math.max(2, Math.round(dst.h / k));
      if (this.small.width !== w || this.small.height !== h) {
        this.small.width = w;
        this.small.height = h;
      }
      const s = this.smallCtx;
      s.save();
      s.filter = `blur(${(op.blurPx / k).toFixed(2)}px)`;
      this.rotatedDraw(s, frame, src, { x: 0, y: 0, w, h }, op.rotation);
      s.restore();
      target.drawImage(this.small, dst.x, dst.y, dst.w, dst.h);
      return;
    }
    this.rotatedDraw(target, frame, src, dst, op.rotation);
  }

  private rotatedDraw(c: OffscreenCanvasRenderingContext2D, frame: Picture, src: Rect, dst: Rect, rotation: number): void {
    c.save();
    c.translate(dst.x + dst.w / 2, dst.y + dst.h / 2);
    if (rotation) c.rotate((rotation * Math.PI) / 180);
    const [w, h] = rotation % 180 === 0 ? [dst.w, dst.h] : [dst.h, dst.w];
    c.drawImage(frame, src.x, src.y, src.w, src.h, -w / 2, -h / 2, w, h);
    c.restore();
  }

  /** Keeps scratch pixels where noise(x, y, seed) < progress (see dissolve_noise in Rust). */
  private applyDissolve(progress: number, seed: number): void {
    const { width, height } = this;
    if (!this.noise || this.noise.seed !== seed) {
      const values = new Float32Array(width * height);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          let h = (seed ^ Math.imul(x, 0x9e3779b1) ^ Math.imul(y, 0x85ebca77)) >>> 0;
          h ^= h >>> 16;
          h = Math.imul(h, 0x7feb352d) >>> 0;
          h ^= h >>> 15;
          h = Math.imul(h, 0x846ca68b) >>> 0;
          h ^= h >>> 16;
          values[y * width + x] = (h >>> 8) / 16777216;
        }
      }
      this.noise = { seed, values };
    }
    this.mask ??= new OffscreenCanvas(width, height);
    const mctx = this.mask.getContext('2d')!;
    const img = mctx.createImageData(width, height);
    const px = new Uint32Array(img.data.buffer);
    const values = this.noise.values;
    for (let i = 0; i < values.length; i++) px[i] = values[i] < progress ? 0xff000000 : 0;
    mctx.putImageData(img, 0, 0);
    this.sctx.save();
    this.sctx.globalCompositeOperation = 'destination-in';
    this.sctx.drawImage(this.mask, 0, 0);
    this.sctx.restore();
  }
}
