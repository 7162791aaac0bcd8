//! VP8 frame headers (RFC 6386 sections 9.1-9.11 and 19.2).
//!
//! A VP8 decoder keeps three reference buffers (last, golden, altref) plus state that survives
//! from frame to frame: the entropy probabilities (unless a frame asks for them to be restored
//! afterwards), the segment map and segment data, and the loop-filter deltas. A frame can be
//! skipped only if it changes none of these, so besides the three refresh flags and the two
//! buffer copies we also require `refresh_entropy_probs == 0` (libvpx sets it only in error
//! resilient mode; the tests show that dropping a frame with it set corrupts later frames), no
//! segmentation update, and no loop-filter delta that differs from the value in force. The last
//! needs the deltas tracked across frames: error-resilient libvpx streams repeat them in every
//! frame header.

use super::bool_decoder::BoolDecoder;
use super::FrameReference;

/// The parts of a frame header that decide whether it changes decoder state.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct FrameHeader {
    pub key_frame: bool,
    pub refresh_golden: bool,
    pub refresh_alternate: bool,
    pub copy_to_golden: u32,
    pub copy_to_alternate: u32,
    pub refresh_entropy_probs: bool,
    pub refresh_last: bool,
    /// The frame updates the segment map or segment feature data (kept for later frames).
    pub updates_segmentation: bool,
    /// New values for the 4 reference-frame and 4 mode loop-filter deltas, where sent.
    pub lf_delta_updates: [Option<i32>; 8],
}

/// Classifies VP8 frames in decode order, following the loop-filter deltas.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vp8State {
    /// The deltas in force after the last frame; `None` until a key frame has been seen.
    lf_deltas: Option<[i32; 8]>,
}

impl Vp8State {
    pub(crate) fn classify(&mut self, packet: &[u8]) -> FrameReference {
        let Some(h) = parse_frame(packet) else {
            // Bit 0 of the frame tag clear: a key frame, a reference whatever its header holds;
            // the deltas it sets are then unknown.
            if packet.first().is_some_and(|b| b & 1 == 0) {
                self.lf_deltas = None;
                return FrameReference::Reference;
            }
            return FrameReference::Unknown;
        };
        // Key frames start from zero deltas (RFC 6386 9.6); other frames change only the
        // deltas they send.
        let before = if h.key_frame {
            Some([0; 8])
        } else {
            self.lf_deltas
        };
        let changes_deltas = h
            .lf_delta_updates
            .iter()
            .enumerate()
            .any(|(i, u)| u.is_some_and(|v| before.is_none_or(|b| b[i] != v)));
        self.lf_deltas = before.map(|mut d| {
            for (slot, u) in d.iter_mut().zip(h.lf_delta_updates) {
                if let Some(v) = u {
                    *slot = v;
                }
            }
            d
        });
        let changes_state = h.key_frame
            || h.refresh_golden
            || h.refresh_alternate
            || h.copy_to_golden != 0
            || h.copy_to_alternate != 0
            || h.refresh_entropy_probs
            || h.refresh_last
            || h.updates_segmentation
            || changes_deltas;
        if changes_state {
            FrameReference::Reference
        } else {
            FrameReference::NonReference
        }
    }
}

/// Reads the frame tag and the bool-coded header of the first partition.
pub(crate) fn parse_frame(packet: &[u8]) -> Option<FrameHeader> {
    let (&b0, &b1, &b2) = (packet.first()?, packet.get(1)?, packet.get(2)?);
    let tag = u32::from(b0) | (u32::from(b1) << 8) | (u32::from(b2) << 16);
    let key_frame = tag & 1 == 0;
    let first_partition_size = (tag >> 5) as usize;
    // Key frames add a start code and the frame size (7 bytes) before the first partition.
    let start: usize = if key_frame {
        if packet.get(3..6)? != [0x9D, 0x01, 0x2A] {
            return None;
        }
        10
    } else {
        3
    };
    let first = packet.get(start..start.checked_add(first_partition_size)?)?;
    parse_header(first, key_frame)
}

/// A signed value: magnitude of `bits` bits, then a sign flag.
fn signed(d: &mut BoolDecoder, bits: u32) -> Option<i32> {
    let magnitude = d.literal(bits)? as i32;
    Some(if d.flag()? { -magnitude } else { magnitude })
}

/// An optional signed field: a flag, then the value if the flag is set.
fn optional_signed(d: &mut BoolDecoder, bits: u32) -> Option<Option<i32>> {
    if d.flag()? {
        Some(Some(signed(d, bits)?))
    } else {
        Some(None)
    }
}

/// Reads the frame header up to `refresh_last` (RFC 6386 19.2).
pub(crate) fn parse_header(first_partition: &[u8], key_frame: bool) -> Option<FrameHeader> {
    let mut d = BoolDecoder::new(first_partition)?;
    let mut h = FrameHeader {
        key_frame,
        ..FrameHeader::default()
    };
    if key_frame {
        d.literal(2)?; // color_space, clamping_type
    }
    if d.flag()? {
        // segmentation_enabled
        let update_map = d.flag()?;
        let update_data = d.flag()?;
        if update_data {
            d.flag()?; // segment_feature_mode
            for _ in 0..4 {
                optional_signed(&mut d, 7)?; // quantizer
            }
            for _ in 0..4 {
                optional_signed(&mut d, 6)?; // loop filter level
            }
        }
        if update_map {
            for _ in 0..3 {
                if d.flag()? {
                    d.literal(8)?; // segment_prob
                }
            }
        }
        h.updates_segmentation = update_map || update_data;
    }
    d.flag()?; // filter_type
    d.literal(6)?; // loop_filter_level
    d.literal(3)?; // sharpness_level
    if d.flag()? && d.flag()? {
        // loop_filter_adj_enable && mode_ref_lf_delta_update
        for u in h.lf_delta_updates.iter_mut() {
            *u = optional_signed(&mut d, 6)?;
        }
    }
    d.literal(2)?; // log2_nbr_of_dct_partitions
    d.literal(7)?; // y_ac_qi
    for _ in 0..5 {
        optional_signed(&mut d, 4)?; // y_dc, y2_dc, y2_ac, uv_dc, uv_ac deltas
    }
    if key_frame {
        h.refresh_entropy_probs = d.flag()?;
        return Some(h);
    }
    h.refresh_golden = d.flag()?;
    h.refresh_alternate = d.flag()?;
    if !h.refresh_golden {
        h.copy_to_golden = d.literal(2)?;
    }
    if !h.refresh_alternate {
        h.copy_to_alternate = d.literal(2)?;
    }
    d.flag()?; // sign_bias_golden
    d.flag()?; // sign_bias_alternate
    h.refresh_entropy_probs = d.flag()?;
    h.refresh_last = d.flag()?;
    Some(h)
}
