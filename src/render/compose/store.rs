//! Decoded frames held between output frames.
//!
//! A source frame usually shows on several output frames (a 30 fps reel from 25 fps footage, a
//! still held at a clip's end, the two draws of a blurred fill), so it is copied out of the
//! decoder and converted once, kept under `(clip, timestamp)`, and dropped as soon as an output
//! frame is composed without it (playback only moves forward). Decoded bytes land in one staging
//! buffer; a tightly packed I420 frame is adopted as the picture without a second copy.

use std::collections::HashMap;

use super::picture::{i420_len, Picture};
use super::{DrawOp, SourceFrame};
use crate::analysis::{FrameView, PixelFormat, PlaneLayout};
use crate::ApiError;

/// Old buffers kept for reuse (a frame or two in flight plus their rotations).
const SPARE_BUFFERS: usize = 4;

/// The frames of the output frame being prepared, and the buffers to make them from.
#[derive(Default)]
pub struct FrameStore {
    frames: HashMap<(usize, i64), SourceFrame>,
    /// Which stored frame each `(clip, source_time_s bits)` of the current output frame shows.
    shown: HashMap<(usize, u64), (usize, i64)>,
    staging: Vec<u8>,
    spare: Vec<Vec<u8>>,
}

/// How a decoded frame was laid out by `VideoFrame.copyTo`.
pub struct FrameLayout<'a> {
    pub format: PixelFormat,
    pub width: u32,
    pub height: u32,
    pub full_range: bool,
    /// Encoded with the BT.601 matrix (converted to BT.709 on the way in).
    pub bt601: bool,
    pub offsets: &'a [u32],
    pub strides: &'a [u32],
}

impl FrameStore {
    pub fn contains(&self, clip: usize, timestamp_us: i64) -> bool {
        self.frames.contains_key(&(clip, timestamp_us))
    }

    /// Number of frames held.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// The staging buffer, `len` bytes, for the next decoded frame.
    pub fn staging(&mut self, len: usize) -> &mut [u8] {
        if self.staging.len() != len {
            self.staging.resize(len, 0);
        }
        &mut self.staging
    }

    /// Stores the frame now in the staging buffer as `(clip, timestamp_us)`, turned by
    /// `rotation` ahead of time when its draws need that.
    pub fn insert_staged(
        &mut self,
        clip: usize,
        timestamp_us: i64,
        layout: &FrameLayout,
        rotation: u32,
    ) -> Result<(), ApiError> {
        let (w, h) = (layout.width as usize, layout.height as usize);
        let tight = [0, w * h, w * h + (w / 2) * (h / 2)];
        let adoptable = layout.format == PixelFormat::I420
            && !layout.full_range
            && w.is_multiple_of(2)
            && h.is_multiple_of(2)
            && self.staging.len() == i420_len(w, h)
            && layout.offsets.iter().map(|&o| o as usize).eq(tight)
            && layout
                .strides
                .iter()
                .map(|&s| s as usize)
                .eq([w, w / 2, w / 2]);
        let picture = if adoptable {
            let next = self.spare.pop().unwrap_or_default();
            let data = std::mem::replace(&mut self.staging, next);
            Picture::from_i420(w, h, data)
                .ok_or_else(|| ApiError::internal("staged I420 frame has the wrong size"))?
        } else {
            let planes = layout
                .offsets
                .iter()
                .zip(layout.strides)
                .map(|(&offset, &stride)| PlaneLayout {
                    offset: offset as usize,
                    stride: stride as usize,
                })
                .collect();
            let view = FrameView {
                format: layout.format,
                width: layout.width,
                height: layout.height,
                data: &self.staging,
                planes,
                full_range: layout.full_range,
            };
            Picture::from_frame(&view, self.spare.pop().unwrap_or_default())?
        };
        let mut picture = picture;
        if layout.bt601 && !layout.format.is_rgb() {
            picture.convert_bt601_to_bt709();
        }
        let mut frame = SourceFrame::new(picture, layout.width, layout.height);
        frame.prepare_rotation(rotation);
        self.insert(clip, timestamp_us, frame);
        Ok(())
    }

    /// Stores a ready frame.
    pub fn insert(&mut self, clip: usize, timestamp_us: i64, frame: SourceFrame) {
        if let Some(old) = self.frames.insert((clip, timestamp_us), frame) {
            self.recycle(old);
        }
    }

    /// The current output frame's draws of `clip` at `source_time_s` show frame `timestamp_us`.
    pub fn show(&mut self, clip: usize, source_time_s: f64, timestamp_us: i64) {
        self.shown
            .insert((clip, source_time_s.to_bits()), (clip, timestamp_us));
    }

    /// The frame a layer of `clip` draws for `op`, if it was shown and stored.
    pub fn lookup(&self, clip: usize, op: &DrawOp) -> Option<&SourceFrame> {
        let key = self.shown.get(&(clip, op.source_time_s.to_bits()))?;
        self.frames.get(key)
    }

    /// After an output frame: drops every frame it did not show and forgets what it showed.
    pub fn next_frame(&mut self) {
        let keep: Vec<(usize, i64)> = self.shown.values().copied().collect();
        let gone: Vec<(usize, i64)> = self
            .frames
            .keys()
            .filter(|k| !keep.contains(k))
            .copied()
            .collect();
        for k in gone {
            if let Some(f) = self.frames.remove(&k) {
                self.recycle(f);
            }
        }
        self.shown.clear();
    }

    /// Drops everything (an output frame that needed no composing).
    pub fn clear(&mut self) {
        let all: Vec<SourceFrame> = self.frames.drain().map(|(_, f)| f).collect();
        for f in all {
            self.recycle(f);
        }
        self.shown.clear();
    }

    fn recycle(&mut self, frame: SourceFrame) {
        for buf in frame.into_buffers() {
            if self.spare.len() < SPARE_BUFFERS {
                self.spare.push(buf);
            }
        }
    }
}
