//! Containers: streaming demuxers (MP4/MOV, WebM/Matroska) behind one [`Demuxer`] trait, and
//! Sans-I/O writers (progressive MP4, WebM/Matroska).

pub mod audio_file;
pub mod bitstream;
pub mod budget;
mod byte_reader;
mod codec_config;
pub mod codec_error;
pub mod demux_mkv;
pub mod demux_mp4;
pub mod encoding;
pub mod mux;
pub mod mux_fmp4;
pub mod mux_mp4;
pub mod mux_webm;
pub mod playlist;
pub mod read_ahead;
pub mod types;

pub use types::*;

use crate::ApiError;

/// Sniffs the container from its first bytes and opens the matching demuxer.
///
/// The source is wrapped in a [`read_ahead::ReadAhead`] window: demuxers issue many small reads,
/// and in the browser each one is a synchronous call into JavaScript.
pub fn open(source: Box<dyn ByteSource>) -> Result<Box<dyn Demuxer>, ApiError> {
    let mut source: Box<dyn ByteSource> = Box::new(read_ahead::ReadAhead::new(source));
    if source.is_empty() {
        return Err(ApiError::corrupt("the file is empty (0 bytes)"));
    }
    let head = source.read_at(0, 64)?;
    if is_matroska(&head) {
        return Ok(Box::new(demux_mkv::MkvDemuxer::open(source)?));
    }
    if is_mp4(&head) {
        return Ok(Box::new(demux_mp4::Mp4Demuxer::open(source)?));
    }
    Err(ApiError::unsupported(format!(
        "unrecognised container ({}); reelcut reads MP4/MOV/M4V and WebM/MKV",
        describe_magic(&head)
    )))
}

fn is_matroska(head: &[u8]) -> bool {
    head.len() >= 4 && head[..4] == [0x1A, 0x45, 0xDF, 0xA3]
}

fn is_mp4(head: &[u8]) -> bool {
    head.len() >= 8
        && matches!(
            &head[4..8],
            b"ftyp" | b"moov" | b"mdat" | b"free" | b"wide" | b"skip" | b"styp" | b"pnot"
        )
}

/// Whether the first bytes of a file are those of a container [`open`] reads.
pub(crate) fn is_container(head: &[u8]) -> bool {
    is_matroska(head) || is_mp4(head)
}

/// Names well-known containers we do not read, for a clear error.
pub(crate) fn describe_magic(head: &[u8]) -> String {
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"AVI " {
        "AVI".into()
    } else if head.len() >= 4 && &head[..4] == b"RIFF" {
        "RIFF/WAV".into()
    } else if head.len() >= 3 && &head[..3] == b"FLV" {
        "FLV".into()
    } else if head.len() >= 3 && &head[..3] == b"ID3"
        || head.len() >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0
    {
        "MP3 audio".into()
    } else if head.len() >= 4 && &head[..4] == b"OggS" {
        "Ogg".into()
    } else if !head.is_empty() && head[0] == 0x47 {
        "MPEG-TS".into()
    } else if head.len() >= 16
        && head[..16]
            == [
                0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62,
                0xCE, 0x6C,
            ]
    {
        "ASF/WMV".into()
    } else {
        "unknown signature".into()
    }
}
