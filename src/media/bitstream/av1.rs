//! AV1 in the low-overhead OBU format of MP4 (`av01`) and Matroska (`V_AV1`): sequence header
//! (AV1 spec 5.5) and frame header up to `refresh_frame_flags` (5.9.2).
//!
//! Everything an AV1 frame leaves for later frames (pixels, CDFs, loop-filter deltas,
//! segmentation, order hints, film grain) is stored with it in the reference slots named by
//! `refresh_frame_flags`; a frame that refreshes none changes nothing later frames can see.

use super::bit_reader::{leb128, BitReader};
use super::FrameReference;

const OBU_SEQUENCE_HEADER: u32 = 1;
const OBU_FRAME_HEADER: u32 = 3;
const OBU_FRAME: u32 = 6;

const KEY_FRAME: u32 = 0;
const INTRA_ONLY_FRAME: u32 = 2;
const SWITCH_FRAME: u32 = 3;
/// `seq_force_screen_content_tools` / `seq_force_integer_mv` value meaning "signalled per frame".
const SELECT: u32 = 2;

/// What frame headers need from the sequence header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SequenceHeader {
    reduced_still_picture_header: bool,
    decoder_model_info_present: bool,
    equal_picture_interval: bool,
    buffer_removal_time_length: u32,
    frame_presentation_time_length: u32,
    /// (operating_point_idc, decoder_model_present_for_this_op) per operating point.
    operating_points: Vec<(u32, bool)>,
    frame_id_length: Option<u32>,
    force_screen_content_tools: u32,
    force_integer_mv: u32,
    order_hint_bits: u32,
}

/// One OBU: type, temporal and spatial id, payload.
struct Obu<'a> {
    kind: u32,
    temporal_id: u32,
    spatial_id: u32,
    payload: &'a [u8],
}

/// Splits low-overhead-format data into OBUs; `None` if a header or size is malformed.
fn obus(mut data: &[u8]) -> Option<Vec<Obu<'_>>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let header = data[0];
        if header & 0x80 != 0 {
            return None; // obu_forbidden_bit
        }
        let kind = u32::from((header >> 3) & 0xF);
        let has_extension = header & 0x04 != 0;
        let has_size = header & 0x02 != 0;
        let mut pos = 1;
        let (mut temporal_id, mut spatial_id) = (0, 0);
        if has_extension {
            let ext = *data.get(1)?;
            temporal_id = u32::from(ext >> 5);
            spatial_id = u32::from((ext >> 3) & 3);
            pos = 2;
        }
        let size = if has_size {
            let (size, len) = leb128(data.get(pos..)?)?;
            pos += len;
            usize::try_from(size).ok()?
        } else {
            data.len() - pos
        };
        let end = pos.checked_add(size)?;
        let payload = data.get(pos..end)?;
        out.push(Obu {
            kind,
            temporal_id,
            spatial_id,
            payload,
        });
        data = &data[end..];
    }
    Some(out)
}

/// Finds and parses the sequence header among the configOBUs of an AV1CodecConfigurationRecord.
pub(crate) fn sequence_header_from_av1c(av1c: &[u8]) -> Option<SequenceHeader> {
    if av1c.first()? & 0x80 == 0 {
        return None; // marker bit
    }
    obus(av1c.get(4..)?)?
        .into_iter()
        .find(|o| o.kind == OBU_SEQUENCE_HEADER)
        .and_then(|o| parse_sequence_header(o.payload))
}

pub(crate) fn parse_sequence_header(payload: &[u8]) -> Option<SequenceHeader> {
    let mut r = BitReader::new(payload);
    r.skip(3)?; // seq_profile
    r.skip(1)?; // still_picture
    let reduced = r.bit()?;
    let mut s = SequenceHeader {
        reduced_still_picture_header: reduced,
        decoder_model_info_present: false,
        equal_picture_interval: false,
        buffer_removal_time_length: 0,
        frame_presentation_time_length: 0,
        operating_points: vec![(0, false)],
        frame_id_length: None,
        force_screen_content_tools: SELECT,
        force_integer_mv: SELECT,
        order_hint_bits: 0,
    };
    if reduced {
        r.skip(5)?; // seq_level_idx[0]
    } else {
        if r.bit()? {
            // timing_info
            r.skip(64)?; // num_units_in_display_tick, time_scale
            s.equal_picture_interval = r.bit()?;
            if s.equal_picture_interval {
                r.uvlc()?; // num_ticks_per_picture_minus_1
            }
            s.decoder_model_info_present = r.bit()?;
            if s.decoder_model_info_present {
                let buffer_delay_length = r.bits(5)? + 1;
                r.skip(32)?; // num_units_in_decoding_tick
                s.buffer_removal_time_length = r.bits(5)? + 1;
                s.frame_presentation_time_length = r.bits(5)? + 1;
                s.operating_points.clear();
                return finish_operating_points(r, s, Some(buffer_delay_length));
            }
        }
        s.operating_points.clear();
        return finish_operating_points(r, s, None);
    }
    finish_sequence_header(r, s)
}

/// The operating point loop of the sequence header, then the rest of it.
fn finish_operating_points(
    mut r: BitReader,
    mut s: SequenceHeader,
    buffer_delay_length: Option<u32>,
) -> Option<SequenceHeader> {
    let initial_display_delay_present = r.bit()?;
    let count = r.bits(5)? + 1;
    for _ in 0..count {
        let idc = r.bits(12)?;
        let level = r.bits(5)?;
        if level > 7 {
            r.skip(1)?; // seq_tier
        }
        let mut model_present = false;
        if let Some(delay_len) = buffer_delay_length {
            model_present = r.bit()?;
            if model_present {
                // decoder_buffer_delay, encoder_buffer_delay, low_delay_mode_flag
                r.skip(2 * delay_len as usize + 1)?;
            }
        }
        if initial_display_delay_present && r.bit()? {
            r.skip(4)?; // initial_display_delay_minus_1
        }
        s.operating_points.push((idc, model_present));
    }
    finish_sequence_header(r, s)
}

fn finish_sequence_header(mut r: BitReader, mut s: SequenceHeader) -> Option<SequenceHeader> {
    let width_bits = r.bits(4)? + 1;
    let height_bits = r.bits(4)? + 1;
    r.skip((width_bits + height_bits) as usize)?; // max_frame_width/height_minus_1
    if !s.reduced_still_picture_header && r.bit()? {
        // frame_id_numbers_present_flag
        let delta_minus_2 = r.bits(4)?;
        let additional_minus_1 = r.bits(3)?;
        s.frame_id_length = Some(additional_minus_1 + delta_minus_2 + 3);
    }
    r.skip(3)?; // use_128x128_superblock, enable_filter_intra, enable_intra_edge_filter
    if s.reduced_still_picture_header {
        return Some(s);
    }
    r.skip(4)?; // interintra_compound, masked_compound, warped_motion, dual_filter
    let order_hint = r.bit()?;
    if order_hint {
        r.skip(2)?; // enable_jnt_comp, enable_ref_frame_mvs
    }
    s.force_screen_content_tools = if r.bit()? { SELECT } else { r.bits(1)? };
    s.force_integer_mv = if s.force_screen_content_tools > 0 {
        if r.bit()? {
            SELECT
        } else {
            r.bits(1)?
        }
    } else {
        SELECT
    };
    if order_hint {
        s.order_hint_bits = r.bits(3)? + 1;
    }
    Some(s)
}

/// The parts of a frame header that decide its reference status.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FrameHeader {
    /// `show_existing_frame`: shows the frame in slot `slot` again.
    ShowExisting { slot: usize },
    Coded {
        frame_type: u32,
        refresh_frame_flags: u32,
    },
}

pub(crate) fn parse_frame_header(
    payload: &[u8],
    seq: &SequenceHeader,
    temporal_id: u32,
    spatial_id: u32,
) -> Option<FrameHeader> {
    let mut r = BitReader::new(payload);
    if seq.reduced_still_picture_header {
        // Always a shown key frame.
        return Some(FrameHeader::Coded {
            frame_type: KEY_FRAME,
            refresh_frame_flags: 0xFF,
        });
    }
    if r.bit()? {
        let slot = r.bits(3)? as usize;
        return Some(FrameHeader::ShowExisting { slot });
    }
    let frame_type = r.bits(2)?;
    let intra = frame_type == KEY_FRAME || frame_type == INTRA_ONLY_FRAME;
    let show_frame = r.bit()?;
    if show_frame && seq.decoder_model_info_present && !seq.equal_picture_interval {
        r.skip(seq.frame_presentation_time_length as usize)?; // temporal_point_info
    }
    if !show_frame {
        r.skip(1)?; // showable_frame
    }
    let shown_key = frame_type == KEY_FRAME && show_frame;
    let error_resilient = if frame_type == SWITCH_FRAME || shown_key {
        true
    } else {
        r.bit()?
    };
    r.skip(1)?; // disable_cdf_update
    let screen_content = if seq.force_screen_content_tools == SELECT {
        r.bits(1)?
    } else {
        seq.force_screen_content_tools
    };
    if screen_content > 0 && seq.force_integer_mv == SELECT {
        r.skip(1)?; // force_integer_mv
    }
    if let Some(len) = seq.frame_id_length {
        r.skip(len as usize)?; // current_frame_id
    }
    if frame_type != SWITCH_FRAME {
        r.skip(1)?; // frame_size_override_flag
    }
    r.skip(seq.order_hint_bits as usize)?; // order_hint
    if !(intra || error_resilient) {
        r.skip(3)?; // primary_ref_frame
    }
    if seq.decoder_model_info_present && r.bit()? {
        // buffer_removal_time_present_flag
        for &(idc, model_present) in &seq.operating_points {
            if !model_present {
                continue;
            }
            let in_temporal = (idc >> temporal_id) & 1 == 1;
            let in_spatial = (idc >> (spatial_id + 8)) & 1 == 1;
            if idc == 0 || (in_temporal && in_spatial) {
                r.skip(seq.buffer_removal_time_length as usize)?;
            }
        }
    }
    let refresh_frame_flags = if frame_type == SWITCH_FRAME || shown_key {
        0xFF
    } else {
        r.bits(8)?
    };
    Some(FrameHeader::Coded {
        frame_type,
        refresh_frame_flags,
    })
}

/// Keeps the sequence header and the frame type held in each reference slot, which a
/// `show_existing_frame` of a key frame needs (showing a key frame again refreshes every slot).
#[derive(Debug, Clone)]
pub(crate) struct Av1State {
    seq: Option<SequenceHeader>,
    /// The raw payload `seq` was parsed from, to tell a repeated sequence header from a new one.
    seq_bytes: Vec<u8>,
    slot_types: [Option<u32>; 8],
}

impl Av1State {
    pub(crate) fn new(av1c: Option<&[u8]>) -> Self {
        let seq = av1c.and_then(sequence_header_from_av1c);
        let seq_bytes = av1c
            .and_then(|c| c.get(4..))
            .and_then(obus)
            .and_then(|o| {
                o.into_iter()
                    .find(|o| o.kind == OBU_SEQUENCE_HEADER)
                    .map(|o| o.payload.to_vec())
            })
            .unwrap_or_default();
        Self {
            seq,
            seq_bytes,
            slot_types: [None; 8],
        }
    }

    pub(crate) fn classify(&mut self, packet: &[u8]) -> FrameReference {
        let Some(units) = obus(packet) else {
            return FrameReference::Unknown;
        };
        let mut reference = false;
        let mut frames = 0;
        for obu in units {
            match obu.kind {
                // A new sequence header changes how every later frame is read: the packet
                // carrying it must be decoded. A repeat of the one in force changes nothing.
                OBU_SEQUENCE_HEADER if obu.payload != self.seq_bytes.as_slice() => {
                    reference = true;
                    self.seq = parse_sequence_header(obu.payload);
                    self.seq_bytes = obu.payload.to_vec();
                }
                OBU_FRAME_HEADER | OBU_FRAME => {
                    let Some(seq) = &self.seq else {
                        return FrameReference::Unknown;
                    };
                    let Some(h) =
                        parse_frame_header(obu.payload, seq, obu.temporal_id, obu.spatial_id)
                    else {
                        return FrameReference::Unknown;
                    };
                    frames += 1;
                    match h {
                        FrameHeader::ShowExisting { slot } => match self.slot_types[slot] {
                            Some(KEY_FRAME) => {
                                reference = true;
                                self.slot_types = [Some(KEY_FRAME); 8];
                            }
                            Some(_) => {}
                            None => return FrameReference::Unknown,
                        },
                        FrameHeader::Coded {
                            frame_type,
                            refresh_frame_flags,
                        } => {
                            if refresh_frame_flags != 0 {
                                reference = true;
                            }
                            for (i, t) in self.slot_types.iter_mut().enumerate() {
                                if refresh_frame_flags & (1 << i) != 0 {
                                    *t = Some(frame_type);
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        match (frames, reference) {
            (_, true) => FrameReference::Reference,
            (0, false) => FrameReference::Unknown,
            _ => FrameReference::NonReference,
        }
    }
}
