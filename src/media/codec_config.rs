//! Decoder configuration records shared by the MP4 and Matroska demuxers, turned into what
//! WebCodecs wants: a codec string (`avc1.64001f`, `hvc1.1.6.L93.B0`, `vp09.00.10.08`,
//! `av01.0.04M.08`, `mp4a.40.2`) and a `description` buffer.
//!
//! Both containers carry the same records (avcC, hvcC, av1C, AudioSpecificConfig, OpusHead, FLAC
//! metadata), so the parsing lives here once. Malformed records yield `None`; the demuxers then fall
//! back to the bare codec identifier so that the engine can report an undecodable codec by name
//! instead of the demuxer failing.

use super::byte_reader::{BitReader, ByteReader};

/// `avc1.PPCCLL` from an AVCDecoderConfigurationRecord (profile, constraint flags, level).
pub(crate) fn avc_codec_string(prefix: &str, avcc: &[u8]) -> Option<String> {
    let [version, profile, compat, level] = *avcc.get(..4)? else {
        return None;
    };
    if version != 1 {
        return None;
    }
    Some(format!("{prefix}.{profile:02x}{compat:02x}{level:02x}"))
}

/// `hvc1.P.C.TL.B…` from an HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 annex E).
pub(crate) fn hevc_codec_string(prefix: &str, hvcc: &[u8]) -> Option<String> {
    let mut r = ByteReader::new(hvcc);
    let _version = r.u8()?;
    let b = r.u8()?;
    let space = match b >> 6 {
        0 => "",
        1 => "A",
        2 => "B",
        _ => "C",
    };
    let tier = if b & 0x20 != 0 { 'H' } else { 'L' };
    let profile = b & 0x1F;
    let compat = r.u32()?.reverse_bits();
    let constraints = r.bytes(6)?;
    let level = r.u8()?;
    let mut s = format!("{prefix}.{space}{profile}.{compat:X}.{tier}{level}");
    let used = constraints
        .iter()
        .rposition(|&c| c != 0)
        .map_or(0, |i| i + 1);
    for c in constraints.iter().take(used) {
        s.push_str(&format!(".{c:X}"));
    }
    Some(s)
}

/// `vp09.PP.LL.DD` from the payload of a `vpcC` full box (after version and flags).
pub(crate) fn vp9_codec_string_from_vpcc(vpcc: &[u8]) -> Option<String> {
    let mut r = ByteReader::new(vpcc);
    let profile = r.u8()?;
    let level = r.u8()?;
    let depth = r.u8()? >> 4;
    Some(vp9_codec_string(profile, level, depth))
}

/// `vp09.PP.LL.DD` from its parts.
pub(crate) fn vp9_codec_string(profile: u8, level: u8, depth: u8) -> String {
    format!("vp09.{profile:02}.{level:02}.{depth:02}")
}

/// `av01.P.LLT.DD` from an AV1CodecConfigurationRecord.
pub(crate) fn av1_codec_string(av1c: &[u8]) -> Option<String> {
    let [marker, b1, b2] = *av1c.get(..3)? else {
        return None;
    };
    if marker & 0x80 == 0 {
        return None;
    }
    let profile = b1 >> 5;
    let level = b1 & 0x1F;
    let tier = if b2 & 0x80 != 0 { 'H' } else { 'M' };
    let depth = match (b2 & 0x40 != 0, b2 & 0x20 != 0) {
        (true, true) => 12,
        (true, false) => 10,
        _ => 8,
    };
    Some(format!("av01.{profile}.{level:02}{tier}.{depth:02}"))
}

/// What an MPEG-4 AudioSpecificConfig tells a decoder and a UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AacConfig {
    /// Audio object type (2 = AAC LC, 5 = SBR/HE-AAC, 29 = PS): the `N` of `mp4a.40.N`.
    pub object_type: u32,
    /// Output sample rate (the SBR extension rate when signalled), 0 if not stated.
    pub sample_rate: u32,
    /// Channel count from the channel configuration, 0 if defined elsewhere (PCE).
    pub channels: u32,
}

const AAC_RATES: [u32; 13] = [
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];

fn aac_rate(r: &mut BitReader) -> Option<u32> {
    let index = r.bits(4)?;
    if index == 15 {
        r.bits(24)
    } else {
        Some(AAC_RATES.get(index as usize).copied().unwrap_or(0))
    }
}

fn aac_object_type(r: &mut BitReader) -> Option<u32> {
    let t = r.bits(5)?;
    if t == 31 {
        Some(32 + r.bits(6)?)
    } else {
        Some(t)
    }
}

/// Parses the start of an AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1).
pub(crate) fn parse_aac_config(asc: &[u8]) -> Option<AacConfig> {
    let mut r = BitReader::new(asc);
    let object_type = aac_object_type(&mut r)?;
    let mut sample_rate = aac_rate(&mut r)?;
    let channel_config = r.bits(4)?;
    if object_type == 5 || object_type == 29 {
        // Explicit SBR signalling: the decoder outputs at the extension rate.
        if let Some(ext) = aac_rate(&mut r) {
            sample_rate = ext;
        }
    }
    let channels = match channel_config {
        1..=6 => channel_config,
        7 => 8,
        _ => 0,
    };
    Some(AacConfig {
        object_type,
        sample_rate,
        channels,
    })
}

/// Builds a two-byte AudioSpecificConfig for inputs that only name the profile (old Matroska
/// `A_AAC/MPEG4/LC` style codec ids).
pub(crate) fn build_aac_config(object_type: u8, sample_rate: u32, channels: u32) -> Vec<u8> {
    let index = AAC_RATES
        .iter()
        .position(|&r| r == sample_rate)
        .unwrap_or(4) as u8;
    let ch = channels.min(7) as u8;
    vec![
        (object_type << 3) | (index >> 1),
        ((index & 1) << 7) | (ch << 3),
    ]
}

/// Turns the payload of an MP4 `dOps` box (big-endian) into the `OpusHead` structure
/// (little-endian) that WebCodecs and Ogg/Matroska use as the Opus description.
/// Returns (OpusHead, channels, input sample rate).
pub(crate) fn opus_head_from_dops(dops: &[u8]) -> Option<(Vec<u8>, u32, u32)> {
    let mut r = ByteReader::new(dops);
    let _version = r.u8()?;
    let channels = r.u8()?;
    let pre_skip = r.u16()?;
    let rate = r.u32()?;
    let gain = r.u16()?;
    let family = r.u8()?;
    let mut head = Vec::with_capacity(19 + 2 + usize::from(channels));
    head.extend_from_slice(b"OpusHead");
    head.push(1);
    head.push(channels);
    head.extend_from_slice(&pre_skip.to_le_bytes());
    head.extend_from_slice(&rate.to_le_bytes());
    head.extend_from_slice(&gain.to_le_bytes());
    head.push(family);
    if family != 0 {
        let streams = r.u8()?;
        let coupled = r.u8()?;
        head.push(streams);
        head.push(coupled);
        head.extend_from_slice(r.bytes(usize::from(channels))?);
    }
    Some((head, u32::from(channels), rate))
}

/// Channel count and input rate from an `OpusHead` (Matroska CodecPrivate).
pub(crate) fn parse_opus_head(head: &[u8]) -> Option<(u32, u32)> {
    if head.get(..8)? != b"OpusHead" {
        return None;
    }
    let channels = *head.get(9)?;
    let rate = u32::from_le_bytes(head.get(12..16)?.try_into().ok()?);
    Some((u32::from(channels), rate))
}

/// Sample rate and channel count from FLAC metadata blocks that start with STREAMINFO (with or
/// without the leading `fLaC` marker).
pub(crate) fn parse_flac_streaminfo(blocks: &[u8]) -> Option<(u32, u32)> {
    let blocks = blocks.strip_prefix(b"fLaC").unwrap_or(blocks);
    let mut r = ByteReader::new(blocks);
    let header = r.u32()?;
    if (header >> 24) & 0x7F != 0 {
        return None; // first block must be STREAMINFO
    }
    let info = r.bytes(18)?;
    let mut b = BitReader::new(info.get(10..)?);
    let rate = b.bits(20)?;
    let channels = b.bits(3)? + 1;
    Some((rate, channels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codec_strings() {
        assert_eq!(
            avc_codec_string("avc1", &[1, 0x64, 0, 0x1f]).as_deref(),
            Some("avc1.64001f")
        );
        let hvcc = [1, 0x01, 0x60, 0, 0, 0, 0xB0, 0, 0, 0, 0, 0, 93];
        assert_eq!(
            hevc_codec_string("hvc1", &hvcc).as_deref(),
            Some("hvc1.1.6.L93.B0")
        );
        assert_eq!(
            av1_codec_string(&[0x81, 0x04, 0x0C]).as_deref(),
            Some("av01.0.04M.08")
        );
        assert_eq!(
            vp9_codec_string_from_vpcc(&[0, 10, 0x80]).as_deref(),
            Some("vp09.00.10.08")
        );
        let aac = parse_aac_config(&[0x11, 0x90]);
        assert_eq!(
            aac,
            Some(AacConfig {
                object_type: 2,
                sample_rate: 48000,
                channels: 2
            })
        );
        assert_eq!(
            parse_aac_config(&build_aac_config(2, 44100, 6)).map(|c| c.channels),
            Some(6)
        );
        assert_eq!(avc_codec_string("avc1", &[1, 2]), None);
    }
}
