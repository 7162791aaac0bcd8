//! H.264 in the avcC (length-prefixed) form used by MP4 and Matroska.
//!
//! A picture is a reference when any of its slices has `nal_ref_idc != 0` (ITU-T H.264 7.4.1);
//! pictures that are not never enter the decoded picture buffer as references, do not advance
//! `frame_num`, and carry no memory-management operations, so later pictures decode the same
//! without them.

use super::FrameReference;

const NAL_SLICE: u8 = 1;
const NAL_SLICE_PARTITION_A: u8 = 2;
const NAL_IDR: u8 = 5;
const NAL_SPS: u8 = 7;
const NAL_PPS: u8 = 8;
const NAL_SPS_EXT: u8 = 13;
const NAL_SUBSET_SPS: u8 = 15;

/// The NAL length size (1, 2 or 4 bytes) from an AVCDecoderConfigurationRecord.
pub(crate) fn length_size(avcc: &[u8]) -> Option<usize> {
    if *avcc.first()? != 1 {
        return None;
    }
    match avcc.get(4)? & 3 {
        2 => None, // reserved value
        n => Some(usize::from(n) + 1),
    }
}

pub(crate) fn classify(packet: &[u8], length_size: usize) -> FrameReference {
    let mut rest = packet;
    let mut saw_slice = false;
    while !rest.is_empty() {
        let Some(len_bytes) = rest.get(..length_size) else {
            return FrameReference::Unknown;
        };
        let len = len_bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        let Some(nal) = rest.get(length_size..length_size.saturating_add(len)) else {
            return FrameReference::Unknown;
        };
        rest = &rest[length_size + len..];
        let Some(&header) = nal.first() else {
            continue; // zero-length NAL units are padding
        };
        if header & 0x80 != 0 {
            return FrameReference::Unknown; // forbidden_zero_bit set: not H.264
        }
        let ref_idc = (header >> 5) & 3;
        match header & 0x1F {
            NAL_IDR => return FrameReference::Reference,
            NAL_SLICE | NAL_SLICE_PARTITION_A => {
                if ref_idc != 0 {
                    return FrameReference::Reference;
                }
                saw_slice = true;
            }
            // In-band parameter sets stay in force for the pictures after them: a packet that
            // carries one must reach the decoder even if its picture is never referenced.
            NAL_SPS | NAL_PPS | NAL_SPS_EXT | NAL_SUBSET_SPS => return FrameReference::Reference,
            _ => {}
        }
    }
    if saw_slice {
        FrameReference::NonReference
    } else {
        FrameReference::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_decide() {
        // SEI (type 6), then a non-reference slice (ref_idc 0, type 1).
        let b_frame = [0, 0, 0, 2, 0x06, 0x05, 0, 0, 0, 2, 0x01, 0x9E];
        assert_eq!(classify(&b_frame, 4), FrameReference::NonReference);
        let p_frame = [0, 2, 0x41, 0x9A];
        assert_eq!(classify(&p_frame, 2), FrameReference::Reference);
        let idr = [3, 0x05, 0x88, 0x80];
        assert_eq!(classify(&idr, 1), FrameReference::Reference);
        let truncated = [0, 0, 0, 9, 0x01];
        assert_eq!(classify(&truncated, 4), FrameReference::Unknown);
        assert_eq!(length_size(&[1, 0x64, 0, 0x1f, 0xFF]), Some(4));
        assert_eq!(length_size(&[1, 0x64, 0, 0x1f, 0xFE]), None);
    }
}
