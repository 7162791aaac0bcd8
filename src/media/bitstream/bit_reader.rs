//! MSB-first bit reader for the uncompressed headers of VP9 and AV1.
//!
//! Every read returns `None` past the end of the data: the bytes come from untrusted files, and a
//! truncated header must turn into "unknown", never a panic.

pub(crate) struct BitReader<'a> {
    data: &'a [u8],
    /// Position in bits from the start of `data`.
    bit: usize,
}

impl<'a> BitReader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { data, bit: 0 }
    }

    pub(crate) fn bit(&mut self) -> Option<bool> {
        let byte = *self.data.get(self.bit / 8)?;
        let b = (byte >> (7 - (self.bit % 8))) & 1;
        self.bit += 1;
        Some(b == 1)
    }

    /// Reads `n` bits (at most 32) as an unsigned number, most significant bit first.
    pub(crate) fn bits(&mut self, n: u32) -> Option<u32> {
        if n > 32 {
            return None;
        }
        let mut v: u64 = 0;
        for _ in 0..n {
            v = (v << 1) | u64::from(self.bit()?);
        }
        u32::try_from(v).ok()
    }

    pub(crate) fn skip(&mut self, n: usize) -> Option<()> {
        let end = self.bit.checked_add(n)?;
        if end > self.data.len().checked_mul(8)? {
            return None;
        }
        self.bit = end;
        Some(())
    }

    /// `uvlc()` of AV1 (4.10.3): leading zeros, then that many value bits.
    pub(crate) fn uvlc(&mut self) -> Option<u32> {
        let mut zeros = 0;
        while !self.bit()? {
            zeros += 1;
            if zeros >= 32 {
                // The spec defines this as 2^32 - 1; nothing we read needs such values.
                return None;
            }
        }
        let rest = self.bits(zeros)?;
        u32::try_from((1u64 << zeros) - 1 + u64::from(rest)).ok()
    }
}

/// `leb128()` of AV1 (4.10.5): little-endian base-128 with at most 8 bytes. Returns the value and
/// the number of bytes it took.
pub(crate) fn leb128(data: &[u8]) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    for (i, &byte) in data.iter().take(8).enumerate() {
        value |= u64::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes_and_stops_at_end() {
        let mut r = BitReader::new(&[0b1010_0110, 0b0100_0000]);
        assert_eq!(r.bits(3), Some(0b101));
        // "00110": two leading zeros, then "10": 2^2 - 1 + 2.
        assert_eq!(r.uvlc(), Some(5));
        // "010": one leading zero, then "0".
        assert_eq!(r.uvlc(), Some(1));
        assert_eq!(r.bits(8), None);
        assert_eq!(leb128(&[0x80, 0x01]), Some((128, 2)));
        assert_eq!(leb128(&[0x80]), None);
    }
}
