//! The boolean entropy decoder of VP8 (RFC 6386 section 7), enough to read the frame header at
//! the start of the first partition.

pub(crate) struct BoolDecoder<'a> {
    data: &'a [u8],
    /// Next byte of `data` to shift in.
    pos: usize,
    /// Two-byte window of the arithmetic-coded value, as in the RFC's reference decoder.
    value: u32,
    range: u32,
    bit_count: u32,
    /// Bytes shifted in past the end of the data. The reference decoder reads zeros there; a
    /// header that needs more than the window's worth of them is truncated.
    overrun: usize,
}

impl<'a> BoolDecoder<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Option<Self> {
        if data.len() < 2 {
            return None;
        }
        Some(Self {
            data,
            pos: 2,
            value: (u32::from(data[0]) << 8) | u32::from(data[1]),
            range: 255,
            bit_count: 0,
            overrun: 0,
        })
    }

    /// One bool whose probability of being 0 is `prob / 256`.
    pub(crate) fn bool(&mut self, prob: u8) -> Option<bool> {
        let split = 1 + (((self.range - 1) * u32::from(prob)) >> 8);
        let big_split = split << 8;
        let bit = if self.value >= big_split {
            self.range -= split;
            self.value -= big_split;
            true
        } else {
            self.range = split;
            false
        };
        while self.range < 128 {
            self.value <<= 1;
            self.range <<= 1;
            self.bit_count += 1;
            if self.bit_count == 8 {
                self.bit_count = 0;
                match self.data.get(self.pos) {
                    Some(&b) => self.value |= u32::from(b),
                    None => self.overrun += 1,
                }
                self.pos += 1;
            }
        }
        // The window holds two bytes; once both are padding, nothing decoded is real data.
        if self.overrun > 2 {
            return None;
        }
        Some(bit)
    }

    /// `L(n)` of the RFC: an n-bit unsigned literal, most significant bit first, at even odds.
    pub(crate) fn literal(&mut self, n: u32) -> Option<u32> {
        let mut v = 0;
        for _ in 0..n {
            v = (v << 1) | u32::from(self.bool(128)?);
        }
        Some(v)
    }

    pub(crate) fn flag(&mut self) -> Option<bool> {
        self.bool(128)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn even_odds_bools_read_the_bytes_back() {
        // At probability 128 the coder is close to raw bits: a stream of zero bytes decodes to
        // zeros, and a short stream fails instead of inventing data.
        let mut d = BoolDecoder::new(&[0, 0, 0, 0]).expect("two bytes");
        assert_eq!(d.literal(16), Some(0));
        assert!(BoolDecoder::new(&[0]).is_none());
        let mut d = BoolDecoder::new(&[0, 0]).expect("two bytes");
        assert_eq!(d.literal(64), None);
    }
}
