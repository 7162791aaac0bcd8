//! Ogg Opus and Ogg Vorbis: pages (checked against their CRC-32), the first logical stream's
//! packets assembled from the lacing values. Opus: the `OpusHead` packet is the description;
//! Vorbis: the three header packets in Xiph lacing (as Matroska's CodecPrivate), the form
//! WebCodecs takes. Packet times come from the pages' granule positions.

use super::{packet, single_track, AudioPackets, Bytes};
use crate::media::codec_config::parse_opus_head;
use crate::media::{AudioInfo, MediaInfo, Packet};
use crate::ApiError;

fn crc32(data: &[u8]) -> u32 {
    data.iter().fold(0u32, |mut crc, &b| {
        crc ^= u32::from(b) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04C1_1DB7
            } else {
                crc << 1
            };
        }
        crc
    })
}

struct Page {
    serial: u32,
    granule: i64,
    /// Segment lengths (255 = the packet goes on).
    lacing: Vec<u8>,
    body: Vec<u8>,
    continued: bool,
}

pub(super) struct OggDemuxer {
    bytes: Bytes,
    pos: u64,
    serial: u32,
    info: MediaInfo,
    rate: u32,
    /// Packets of the pages read so far, with the sample position they start at.
    ready: std::collections::VecDeque<(Vec<u8>, u64)>,
    partial: Vec<u8>,
    /// Granule position of the last page read (the samples before its last finished packet).
    granule: u64,
    ended: bool,
}

impl OggDemuxer {
    pub(super) fn open(bytes: Bytes) -> Result<Self, ApiError> {
        let mut this = Self {
            bytes,
            pos: 0,
            serial: 0,
            info: single_track(
                "ogg",
                AudioInfo {
                    codec: String::new(),
                    description: None,
                    sample_rate: 0,
                    channels: 0,
                },
                "",
                0.0,
            ),
            rate: 0,
            ready: Default::default(),
            partial: Vec::new(),
            granule: 0,
            ended: false,
        };
        let first = this
            .page()?
            .ok_or_else(|| ApiError::corrupt("Ogg: no page"))?;
        this.serial = first.serial;
        this.take(first);
        let head = this.header_packet()?;
        let (codec, description, rate, channels, headers) = if head.starts_with(b"OpusHead") {
            let (channels, _) = parse_opus_head(&head)
                .ok_or_else(|| ApiError::corrupt("Ogg Opus: OpusHead is too short"))?;
            ("opus", head, 48000, channels, 2)
        } else if head.len() >= 30 && head.starts_with(b"\x01vorbis") {
            let channels = u32::from(head[11]);
            let rate = u32::from_le_bytes([head[12], head[13], head[14], head[15]]);
            let comment = this.header_packet()?;
            let setup = this.header_packet()?;
            if !comment.starts_with(b"\x03vorbis") || !setup.starts_with(b"\x05vorbis") {
                return Err(ApiError::corrupt(
                    "Ogg Vorbis: the header packets are missing",
                ));
            }
            let mut d = vec![2u8];
            for len in [head.len(), comment.len()] {
                d.extend(std::iter::repeat_n(255, len / 255));
                d.push((len % 255) as u8);
            }
            for p in [&head, &comment, &setup] {
                d.extend_from_slice(p);
            }
            ("vorbis", d, rate, channels, 3)
        } else {
            let what = if head.starts_with(b"\x7FFLAC") {
                "FLAC in Ogg"
            } else if head.starts_with(b"Speex") {
                "Speex"
            } else if head.starts_with(b"\x80theora") {
                "Theora video"
            } else {
                "an unknown codec"
            };
            return Err(ApiError::unsupported(format!(
                "Ogg with {what} (reelcut reads Ogg Opus and Ogg Vorbis)"
            )));
        };
        if headers == 2 {
            let tags = this.header_packet()?;
            if !tags.starts_with(b"OpusTags") {
                return Err(ApiError::corrupt("Ogg Opus: OpusTags is missing"));
            }
        }
        if rate == 0 || channels == 0 {
            return Err(ApiError::corrupt(format!(
                "Ogg {codec}: no sample rate or channels"
            )));
        }
        this.rate = rate;
        this.info = single_track(
            "ogg",
            AudioInfo {
                codec: codec.into(),
                description: Some(description),
                sample_rate: rate,
                channels,
            },
            codec,
            0.0,
        );
        Ok(this)
    }

    /// A header packet (the stream must go on to the audio).
    fn header_packet(&mut self) -> Result<Vec<u8>, ApiError> {
        self.next_raw()?
            .map(|(p, _)| p)
            .ok_or_else(|| ApiError::corrupt("Ogg: the stream ends inside its headers"))
    }

    /// The next page of any stream, `None` at the end of the file.
    fn page(&mut self) -> Result<Option<Page>, ApiError> {
        let at = self.pos;
        let Some(h) = self.bytes.exact(at, 27)? else {
            return Ok(None);
        };
        if &h[..4] != b"OggS" || h[4] != 0 {
            return Err(ApiError::corrupt(format!(
                "Ogg: no page at byte {at} (the file is damaged)"
            )));
        }
        let h = h.to_vec();
        let n = usize::from(h[26]);
        let Some(lacing) = self.bytes.exact(at + 27, n)?.map(<[u8]>::to_vec) else {
            return Ok(None);
        };
        let body_len: usize = lacing.iter().map(|&l| usize::from(l)).sum();
        let Some(body) = self
            .bytes
            .exact(at + 27 + n as u64, body_len)?
            .map(<[u8]>::to_vec)
        else {
            return Ok(None); // a page cut short by the end of the file
        };
        let mut whole = h.clone();
        whole[22..26].fill(0);
        whole.extend_from_slice(&lacing);
        whole.extend_from_slice(&body);
        let stored = u32::from_le_bytes([h[22], h[23], h[24], h[25]]);
        if crc32(&whole) != stored {
            return Err(ApiError::corrupt(format!(
                "Ogg: the page at byte {at} fails its checksum (the file is damaged)"
            )));
        }
        self.pos = at + 27 + n as u64 + body_len as u64;
        Ok(Some(Page {
            serial: u32::from_le_bytes([h[14], h[15], h[16], h[17]]),
            granule: i64::from_le_bytes(h[6..14].try_into().unwrap_or([0; 8])),
            lacing,
            body,
            continued: h[5] & 1 != 0,
        }))
    }

    /// Splits a page of our stream into packets.
    fn take(&mut self, page: Page) {
        if !page.continued {
            self.partial.clear();
        }
        // The packets finished on this page lie between the previous page's granule position and
        // this one's: spread evenly (their exact lengths would need the codec's own headers).
        let from = self.granule;
        let to = if page.granule >= 0 {
            (page.granule as u64).max(from)
        } else {
            from
        };
        let finished = page.lacing.iter().filter(|&&l| l < 255).count().max(1) as u64;
        let mut offset = 0;
        let mut k = 0;
        for &l in &page.lacing {
            let l = usize::from(l);
            self.partial
                .extend_from_slice(&page.body[offset..offset + l]);
            offset += l;
            if l < 255 {
                let at = from + (to - from) * k / finished;
                self.ready
                    .push_back((std::mem::take(&mut self.partial), at));
                k += 1;
            }
        }
        self.granule = to;
    }

    fn next_raw(&mut self) -> Result<Option<(Vec<u8>, u64)>, ApiError> {
        while self.ready.is_empty() && !self.ended {
            match self.page()? {
                Some(p) if p.serial == self.serial => self.take(p),
                Some(_) => {}
                None => self.ended = true,
            }
        }
        Ok(self.ready.pop_front())
    }
}

impl AudioPackets for OggDemuxer {
    fn info(&self) -> &MediaInfo {
        &self.info
    }

    fn next_packet(&mut self) -> Result<Option<Packet>, ApiError> {
        loop {
            match self.next_raw()? {
                // Empty packets (possible in Ogg) carry nothing for the decoder.
                Some((p, _)) if p.is_empty() => continue,
                Some((p, at)) => return Ok(Some(packet(p, at, 0, self.rate))),
                None => return Ok(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn crc() {
        // CRC-32 with polynomial 0x04C11DB7, no reflection, zero init (Ogg's): check value.
        assert_eq!(super::crc32(b"123456789"), 0x89A1_897F);
    }
}
