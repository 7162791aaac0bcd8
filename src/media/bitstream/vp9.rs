//! VP9 uncompressed frame headers (VP9 Bitstream & Decoding Process Specification v0.6, 6.2)
//! and superframes (annex B).
//!
//! Besides its eight reference slots, a VP9 decoder carries state from one frame to the next:
//! four saved probability contexts, the loop-filter deltas, the segmentation parameters and map,
//! and the previous frame's motion vectors (`UsePrevFrameMvs`, spec 7.2: used by the next frame
//! unless it is error resilient, intra-only or of another size). A frame counts as non-reference
//! only if dropping it leaves all of that unchanged:
//!
//! - it refreshes no slot (`refresh_frame_flags == 0`), does not save adapted probabilities
//!   (`refresh_frame_context == 0`) and has segmentation off;
//! - it is error resilient, in a stream that has been error resilient since its last key frame.
//!   An error-resilient frame resets the saved contexts and loop-filter deltas to their defaults
//!   (`setup_past_independence`), which in such a stream they already hold, and the next frame
//!   (libvpx sets error resilience for a whole stream) will not read this one's motion vectors.
//!   (libvpx's temporal layers without error resilience save their probabilities, so they are
//!   references anyway);
//! - the loop-filter deltas it sends equal the ones in force (tracked across frames);
//! - it is not a `show_existing_frame` (see `frame_is_reference`).
//!
//! The one assumption is that a stream that was error resilient up to a droppable frame stays so
//! for the frame after it; the next frame's header cannot be seen from this packet.

use super::bit_reader::BitReader;
use super::FrameReference;

/// The fields of one frame's uncompressed header that decide its reference status.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct FrameHeader {
    pub show_existing_frame: bool,
    pub key_frame: bool,
    pub show_frame: bool,
    pub error_resilient_mode: bool,
    pub intra_only: bool,
    pub reset_frame_context: u32,
    pub refresh_frame_flags: u32,
    pub refresh_frame_context: bool,
    /// New values for the 4 reference and 2 mode loop-filter deltas, where sent.
    pub lf_delta_updates: [Option<i32>; 6],
    pub segmentation_enabled: bool,
}

/// Loop-filter deltas after `setup_past_independence` (spec 7.2): ref deltas for intra, last,
/// golden, altref, then the two mode deltas.
const DEFAULT_LF_DELTAS: [i32; 6] = [1, 0, -1, -1, 0, 0];

/// What the classifier follows from frame to frame.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vp9State {
    /// Every frame since the last key frame was error resilient; false until a key frame.
    error_resilient_run: bool,
    /// The loop-filter deltas in force; `None` until a frame that resets them.
    lf_deltas: Option<[i32; 6]>,
}

impl Vp9State {
    pub(crate) fn classify(&mut self, packet: &[u8]) -> FrameReference {
        let Some(frames) = split_superframe(packet) else {
            return FrameReference::Unknown;
        };
        let mut reference = false;
        let mut any = false;
        for frame in frames {
            let Some(h) = parse_header(frame) else {
                return FrameReference::Unknown;
            };
            any = true;
            reference |= self.frame_is_reference(&h);
        }
        match (any, reference) {
            (_, true) => FrameReference::Reference,
            (true, false) => FrameReference::NonReference,
            (false, false) => FrameReference::Unknown,
        }
    }

    /// Updates the followed state with one frame and tells whether later frames depend on it.
    fn frame_is_reference(&mut self, h: &FrameHeader) -> bool {
        if h.show_existing_frame {
            // Shows a slot again. Whether that counts as the "previous frame" whose visibility
            // decides the next frame's use of motion vectors differs between decoders, and the
            // packet is a byte or two: decoding it is the safe and cheap answer.
            return true;
        }
        if h.key_frame {
            self.error_resilient_run = h.error_resilient_mode;
        } else {
            self.error_resilient_run &= h.error_resilient_mode;
        }
        let resets = h.key_frame || h.intra_only || h.error_resilient_mode;
        let before = if resets {
            Some(DEFAULT_LF_DELTAS)
        } else {
            self.lf_deltas
        };
        let after = before.map(|mut d| {
            for (slot, u) in d.iter_mut().zip(h.lf_delta_updates) {
                if let Some(v) = u {
                    *slot = v;
                }
            }
            d
        });
        let deltas_unchanged = after.is_some() && after == self.lf_deltas;
        self.lf_deltas = after;
        h.key_frame
            || h.intra_only
            || h.refresh_frame_flags != 0
            || h.refresh_frame_context
            || h.segmentation_enabled
            || !h.error_resilient_mode
            || !self.error_resilient_run
            || !deltas_unchanged
    }
}

/// The frames of a packet: the superframe index at the end lists their sizes (annex B);
/// without one the packet is a single frame.
pub(crate) fn split_superframe(packet: &[u8]) -> Option<Vec<&[u8]>> {
    let &marker = packet.last()?;
    if marker & 0xE0 != 0xC0 {
        return Some(vec![packet]);
    }
    let count = usize::from(marker & 7) + 1;
    let size_bytes = usize::from((marker >> 3) & 3) + 1;
    let index_len = 2 + size_bytes * count;
    if packet.len() < index_len || packet[packet.len() - index_len] != marker {
        // A last byte that only looks like a marker: a plain frame.
        return Some(vec![packet]);
    }
    let index = &packet[packet.len() - index_len + 1..packet.len() - 1];
    let mut frames = Vec::with_capacity(count);
    let mut offset = 0usize;
    let data_end = packet.len() - index_len;
    for entry in index.chunks_exact(size_bytes) {
        let size = entry
            .iter()
            .rev()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        let end = offset.checked_add(size)?;
        if end > data_end {
            return None;
        }
        if size > 0 {
            frames.push(&packet[offset..end]);
        }
        offset = end;
    }
    Some(frames)
}

fn color_config(r: &mut BitReader, profile: u32) -> Option<()> {
    if profile >= 2 {
        r.bit()?; // ten_or_twelve_bit
    }
    let color_space = r.bits(3)?;
    if color_space != 7 {
        r.bit()?; // color_range
        if profile == 1 || profile == 3 {
            r.skip(3)?; // subsampling_x, subsampling_y, reserved_zero
        }
    } else if profile == 1 || profile == 3 {
        r.skip(1)?; // reserved_zero
    }
    Some(())
}

fn render_size(r: &mut BitReader) -> Option<()> {
    if r.bit()? {
        r.skip(32)?; // render_width_minus_1, render_height_minus_1
    }
    Some(())
}

fn sync_code(r: &mut BitReader) -> Option<()> {
    (r.bits(24)? == 0x49_83_42).then_some(())
}

/// Reads an uncompressed header (spec 6.2) as far as the fields we need.
pub(crate) fn parse_header(frame: &[u8]) -> Option<FrameHeader> {
    let mut r = BitReader::new(frame);
    let mut h = FrameHeader::default();
    if r.bits(2)? != 2 {
        return None; // frame_marker
    }
    let low = r.bits(1)?;
    let high = r.bits(1)?;
    let profile = (high << 1) | low;
    if profile == 3 {
        r.skip(1)?;
    }
    h.show_existing_frame = r.bit()?;
    if h.show_existing_frame {
        r.skip(3)?; // frame_to_show_map_idx
        return Some(h);
    }
    h.key_frame = !r.bit()?; // frame_type 0 is KEY_FRAME
    h.show_frame = r.bit()?;
    h.error_resilient_mode = r.bit()?;
    if h.key_frame {
        sync_code(&mut r)?;
        color_config(&mut r, profile)?;
        r.skip(32)?; // frame_width_minus_1, frame_height_minus_1
        render_size(&mut r)?;
        h.refresh_frame_flags = 0xFF;
    } else {
        h.intra_only = if h.show_frame { false } else { r.bit()? };
        if !h.error_resilient_mode {
            h.reset_frame_context = r.bits(2)?;
        }
        if h.intra_only {
            sync_code(&mut r)?;
            if profile > 0 {
                color_config(&mut r, profile)?;
            }
            h.refresh_frame_flags = r.bits(8)?;
            r.skip(32)?;
            render_size(&mut r)?;
        } else {
            h.refresh_frame_flags = r.bits(8)?;
            r.skip(3 * 4)?; // ref_frame_idx[3] and ref_frame_sign_bias
                            // frame_size_with_refs: the size of the first flagged reference, else explicit.
            let mut found = false;
            for _ in 0..3 {
                if r.bit()? {
                    found = true;
                    break;
                }
            }
            if !found {
                r.skip(32)?;
            }
            render_size(&mut r)?;
            r.skip(1)?; // allow_high_precision_mv
            if !r.bit()? {
                r.skip(2)?; // raw_interpolation_filter
            }
        }
    }
    if !h.error_resilient_mode {
        h.refresh_frame_context = r.bit()?;
        r.skip(1)?; // frame_parallel_decoding_mode
    }
    r.skip(2)?; // frame_context_idx
                // loop_filter_params
    r.skip(6 + 3)?; // loop_filter_level, loop_filter_sharpness
    if r.bit()? && r.bit()? {
        // loop_filter_delta_enabled && loop_filter_delta_update
        for u in h.lf_delta_updates.iter_mut() {
            if r.bit()? {
                // su(6): magnitude, then sign
                let magnitude = r.bits(6)? as i32;
                *u = Some(if r.bit()? { -magnitude } else { magnitude });
            }
        }
    }
    // quantization_params
    r.skip(8)?; // base_q_idx
    for _ in 0..3 {
        if r.bit()? {
            r.skip(5)?; // su(4)
        }
    }
    h.segmentation_enabled = r.bit()?;
    Some(h)
}
