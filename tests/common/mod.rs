//! Helpers shared by the pixel tests: synthetic pictures, raw YUV files, running ffmpeg, PSNR.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use reelcut::render::compose::picture::Picture;

pub const FFMPEG: &str = "/usr/bin/ffmpeg";

fn require_ffmpeg() {
    assert!(
        Path::new(FFMPEG).exists(),
        "ffmpeg not found at {FFMPEG}: the reference renderings need it (apt-get install ffmpeg)"
    );
}

/// A temporary file name unique to this process and call (tests run in parallel threads).
pub fn tmp_path(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("reelcut-test-{}-{n}-{name}", std::process::id()))
}

/// A picture from a function giving (Y, U, V) per luma pixel; chroma is taken at the top-left
/// pixel of each 2x2 block.
pub fn picture_from_fn(w: usize, h: usize, f: impl Fn(usize, usize) -> [u8; 3]) -> Picture {
    let (cw, ch) = (w / 2, h / 2);
    let mut data = vec![0u8; w * h + 2 * cw * ch];
    for y in 0..h {
        for x in 0..w {
            data[y * w + x] = f(x, y)[0];
        }
    }
    for y in 0..ch {
        for x in 0..cw {
            let p = f(2 * x, 2 * y);
            data[w * h + y * cw + x] = p[1];
            data[w * h + cw * ch + y * cw + x] = p[2];
        }
    }
    Picture::from_i420(w, h, data).expect("even size")
}

/// A camera-like test picture: smooth gradients, a few textures of moderate frequency and some
/// hard-edged shapes; `seed` shifts everything so two pictures differ.
pub fn natural(w: usize, h: usize, seed: f64) -> Picture {
    picture_from_fn(w, h, |x, y| {
        let (u, v) = (x as f64 / w as f64, y as f64 / h as f64);
        let tex = 18.0 * ((u * 23.0 + seed).sin() * (v * 17.0 - seed).cos())
            + 10.0 * ((u + v) * 41.0 + 2.0 * seed).sin();
        let shape = if (u - 0.3 - 0.1 * seed.sin()).abs() < 0.12 && (v - 0.55).abs() < 0.2 {
            50.0
        } else {
            0.0
        };
        let luma = 40.0 + 150.0 * (0.6 * u + 0.4 * v) + tex + shape;
        let cb = 128.0 + 50.0 * ((u * 5.0 + seed).sin()) - shape * 0.4;
        let cr = 128.0 + 45.0 * ((v * 4.0 - seed).cos()) + shape * 0.3;
        [luma, cb, cr].map(|c| c.round().clamp(16.0, 240.0) as u8)
    })
}

/// Writes `frames` copies of `pic` as raw yuv420p.
pub fn write_yuv(path: &Path, pic: &Picture, frames: usize) {
    let mut all = Vec::with_capacity(pic.data().len() * frames);
    for _ in 0..frames {
        all.extend_from_slice(pic.data());
    }
    std::fs::write(path, all).expect("write raw input");
}

/// Runs ffmpeg with raw yuv420p inputs (`w x h` each, at `fps`), `filter` as the
/// filter_complex (or a plain -vf chain with one input), and returns the raw yuv420p output frames
/// of `out_w x out_h`.
pub fn ffmpeg_yuv(
    inputs: &[(&Picture, usize)],
    fps: u32,
    filter: &str,
    out_w: usize,
    out_h: usize,
) -> Vec<Picture> {
    let raw: Vec<RawInput> = inputs
        .iter()
        .map(|(pic, frames)| RawInput {
            bytes: pic.data(),
            pix_fmt: "yuv420p",
            width: pic.width(),
            height: pic.height(),
            frames: *frames,
        })
        .collect();
    ffmpeg_raw(&raw, fps, filter, out_w, out_h)
}

/// One raw video input of [`ffmpeg_raw`]: `bytes` is one frame of `pix_fmt` at `width x height`,
/// repeated `frames` times.
pub struct RawInput<'a> {
    pub bytes: &'a [u8],
    pub pix_fmt: &'a str,
    pub width: usize,
    pub height: usize,
    pub frames: usize,
}

/// [`ffmpeg_yuv`] with inputs in any raw pixel format (an RGBA image over a YUV picture).
pub fn ffmpeg_raw(
    inputs: &[RawInput],
    fps: u32,
    filter: &str,
    out_w: usize,
    out_h: usize,
) -> Vec<Picture> {
    require_ffmpeg();
    let mut cmd = Command::new(FFMPEG);
    cmd.args(["-v", "error"]);
    let mut paths = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let path = tmp_path(&format!("in{i}.raw"));
        std::fs::write(&path, input.bytes.repeat(input.frames)).expect("write raw input");
        let size = format!("{}x{}", input.width, input.height);
        cmd.args(["-f", "rawvideo", "-pix_fmt", input.pix_fmt, "-s", &size])
            .args(["-framerate", &fps.to_string(), "-i"])
            .arg(&path);
        paths.push(path);
    }
    // One filter thread: xfade's custom expressions keep their registers per filter, and slice
    // threads would race on them.
    cmd.args(["-filter_complex_threads", "1", "-filter_complex", filter])
        .args(["-f", "rawvideo", "-pix_fmt", "yuv420p", "-"]);
    let out = cmd.output().expect("run ffmpeg");
    for p in paths {
        let _ = std::fs::remove_file(p);
    }
    assert!(
        out.status.success(),
        "ffmpeg failed on {filter}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let len = out_w * out_h * 3 / 2;
    out.stdout
        .chunks_exact(len)
        .map(|f| Picture::from_i420(out_w, out_h, f.to_vec()).expect("frame"))
        .collect()
}

/// PSNR in dB over the samples of the given planes (0 = Y, 1 = U, 2 = V); infinite when equal.
pub fn psnr_planes(a: &Picture, b: &Picture, planes: &[usize]) -> f64 {
    assert_eq!((a.width(), a.height()), (b.width(), b.height()), "sizes");
    let (mut se, mut n) = (0f64, 0usize);
    for &p in planes {
        for (x, y) in a.plane(p).data.iter().zip(b.plane(p).data) {
            let d = f64::from(*x) - f64::from(*y);
            se += d * d;
        }
        n += a.plane(p).data.len();
    }
    if se == 0.0 {
        return f64::INFINITY;
    }
    10.0 * (255.0 * 255.0 / (se / n as f64)).log10()
}

/// PSNR over all three planes.
pub fn psnr(a: &Picture, b: &Picture) -> f64 {
    psnr_planes(a, b, &[0, 1, 2])
}

/// A picture of the `block x block` means of each plane (for comparing noise-like patterns by
/// their local statistics).
pub fn block_means(p: &Picture, block: usize) -> Vec<f64> {
    let mut out = Vec::new();
    for i in 0..3 {
        let pl = p.plane(i);
        let b = if i == 0 { block } else { block / 2 };
        for by in (0..pl.height / b * b).step_by(b) {
            for bx in (0..pl.width / b * b).step_by(b) {
                let mut s = 0f64;
                for y in by..by + b {
                    for x in bx..bx + b {
                        s += f64::from(pl.data[y * pl.width + x]);
                    }
                }
                out.push(s / (b * b) as f64);
            }
        }
    }
    out
}

/// PSNR of two equally long sample lists.
pub fn psnr_values(a: &[f64], b: &[f64]) -> f64 {
    let se: f64 = a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum();
    if se == 0.0 {
        return f64::INFINITY;
    }
    10.0 * (255.0 * 255.0 / (se / a.len() as f64)).log10()
}
