//! Text of floating-point numbers in messages, without core's float formatting.
//!
//! `{}` and `{:.N}` on an f64 or f32 link core's `flt2dec` (Grisu and Dragon4, shortest and exact,
//! with their tables: about 16 KB of the wasm module) for a few dozen error messages and notes.
//! serde_json links zmij (shortest round-trip digits) anyway, so [`Num`] takes its digits from
//! there and lays them out as core's `{}` does; with a precision (`{:.N}`) it rounds the exact
//! binary value to N places with integers. The text is core's, byte for byte (the tests compare
//! the two on edge cases and on random values), for every value a message can hold: the one
//! difference is that `{:.N}` of a value at or above 2^64 / 10^N prints its 17 significant digits
//! and zeros after them, where core prints the exact binary value's digits.
//!
//! Code that only runs natively (tests, examples, the CLI) keeps `{}` on floats.

use std::fmt;

/// A float that displays as core's `{}`, `{:.N}`, `{:+.N}` and `{:>W.N}` display it.
/// Wrap the argument: `format!("{:.1} s", Num(d))`, `format!("{x:+.0} LU", x = Num(x))`.
#[derive(Clone, Copy)]
pub struct Num<T>(pub T);

impl fmt::Display for Num<f64> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_float(f, self.0, zmij::Buffer::new().format_finite(self.0.abs()))
    }
}

impl fmt::Display for Num<f32> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The f64 holds the f32 exactly, so `{:.N}` rounds the same value; the shortest digits
        // are the f32's (0.1f32 is "0.1", not the f64 digits of its binary value).
        let mut buffer = zmij::Buffer::new();
        write_float(f, f64::from(self.0), buffer.format_finite(self.0.abs()))
    }
}

/// `x.clamp(lo, hi)` for f64 without its `lo <= hi` assert, whose message formats the bounds
/// with `{:?}` and so links core's float formatting (f64::clamp is not inlined at opt-level "z").
/// A NaN `x` stays NaN, as with clamp.
pub fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    if x < lo {
        lo
    } else if x > hi {
        hi
    } else {
        x
    }
}

/// The longest text: 5e-324 laid out plainly is 326 bytes, f64::MAX with 19 places 329.
const CAP: usize = 340;

/// Text built on the stack (formatting a message should not allocate twice).
struct Text {
    bytes: [u8; CAP],
    len: usize,
}

impl Text {
    fn push(&mut self, b: u8) {
        if self.len < CAP {
            self.bytes[self.len] = b;
            self.len += 1;
        }
    }

    fn push_zeros(&mut self, n: usize) {
        for _ in 0..n {
            self.push(b'0');
        }
    }

    fn push_u64(&mut self, mut v: u64, min_digits: usize) {
        let mut digits = [0u8; 20];
        let mut n = 0;
        while v > 0 || n < min_digits.max(1) {
            digits[n] = b'0' + (v % 10) as u8;
            v /= 10;
            n += 1;
        }
        for &d in digits[..n].iter().rev() {
            self.push(d);
        }
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits and '.' are pushed.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

/// Signs, non-finite values, the precision and the padding, as core's float formatting has them;
/// `shortest` is zmij's text of |x| (of the f32 for an f32), for `{}`.
fn write_float(f: &mut fmt::Formatter<'_>, x: f64, shortest: &str) -> fmt::Result {
    if x.is_nan() {
        // core never signs NaN, not even with `{:+}` (pad_integral would).
        return if f.sign_plus() {
            f.write_str("NaN")
        } else {
            f.pad_integral(true, "", "NaN")
        };
    }
    let nonnegative = !x.is_sign_negative();
    if x.is_infinite() {
        return f.pad_integral(nonnegative, "", "inf");
    }
    let mut text = Text {
        bytes: [0; CAP],
        len: 0,
    };
    match f.precision() {
        None => plain(shortest, x.abs(), &mut text),
        Some(places) => fixed(x.abs(), places, &mut text),
    }
    f.pad_integral(nonnegative, "", text.as_str())
}

/// zmij's text of `x` (finite, non-negative: "1.0", "0.00001", "1.5e-7", "1e+16"), laid out as
/// core's `{}` lays out the same digits: no exponent, no ".0". `exact` is the value (the f32 or
/// f64) the digits stand for.
fn plain(zmij_text: &str, exact: f64, text: &mut Text) {
    // The significant digits, and where the point goes: the value is 0.DIGITS * 10^point.
    let mut digits = [0u8; 24];
    let (mut len, mut point, mut exponent) = (0, None, 0i32);
    let (mut in_exponent, mut negative_exponent) = (false, false);
    for b in zmij_text.bytes() {
        match b {
            b'e' => in_exponent = true,
            // The value is non-negative: a minus sign is the exponent's.
            b'-' => negative_exponent = true,
            b'.' => point = Some(len as i32),
            b'0'..=b'9' if in_exponent => exponent = exponent * 10 + i32::from(b - b'0'),
            // A leading zero after the point moves it.
            b'0' if len == 0 => point = point.map(|p| p - 1),
            b'0'..=b'9' if len < digits.len() => {
                digits[len] = b;
                len += 1;
            }
            _ => {}
        }
    }
    if negative_exponent {
        exponent = -exponent;
    }
    let mut point = point.unwrap_or(len as i32) + exponent;
    while len > 0 && digits[len - 1] == b'0' {
        len -= 1;
    }
    if len == 0 {
        text.push(b'0');
        return;
    }
    // A value exactly halfway between two shortest candidates (2^-25 = 2.98023223876953125e-8,
    // 17 digits either way): zmij takes the even one, core the upper one. The upper one of an
    // even last digit is that digit plus one, without a carry.
    if (digits[len - 1] - b'0').is_multiple_of(2) {
        let d = digits[..len]
            .iter()
            .fold(0u64, |d, &b| d * 10 + u64::from(b - b'0'));
        if is_exactly(exact, d * 10 + 5, point - len as i32 - 1) {
            digits[len - 1] += 1;
        }
    }
    if point <= 0 {
        text.push(b'0');
        text.push(b'.');
        text.push_zeros((-point) as usize);
        point = 0;
    }
    let point = point as usize;
    for (i, &d) in digits[..len].iter().enumerate() {
        if i == point && i > 0 {
            text.push(b'.');
        }
        text.push(d);
    }
    text.push_zeros(point.saturating_sub(len));
}

/// Whether `x` (finite, positive) is exactly `n * 10^j`, for an odd `n`.
fn is_exactly(x: f64, n: u64, j: i32) -> bool {
    let (m, e) = binary(x);
    // x = odd * 2^e2, and n * 10^j = n * 5^j * 2^j with n * 5^j odd: the powers of two match
    // and so do the odd parts (moved to the side where the power of five is an integer).
    let (odd, e2) = (m >> m.trailing_zeros(), e + m.trailing_zeros() as i32);
    if m == 0 || e2 != j {
        return false;
    }
    let pow5 = |k: u32| 5u128.checked_pow(k);
    if j >= 0 {
        pow5(j as u32).and_then(|p| p.checked_mul(u128::from(n))) == Some(u128::from(odd))
    } else {
        pow5((-j) as u32).and_then(|p| p.checked_mul(u128::from(odd))) == Some(u128::from(n))
    }
}

/// `x = m * 2^e` with `m < 2^53`, for a finite non-negative `x`.
fn binary(x: f64) -> (u64, i32) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    }
}

/// A finite non-negative `x` with `places` decimals: the exact binary value times 10^places,
/// rounded to an integer with ties to even (as core rounds), split at the decimal point.
fn fixed(x: f64, places: usize, text: &mut Text) {
    // 10^19 is the largest power of ten in a u64; more places are written as zeros.
    let exact_places = places.min(19);
    let scale = 10u64.pow(exact_places as u32);
    // m < 2^53, so m * 10^19 < 2^117.
    let (m, e) = binary(x);
    let n = u128::from(m) * u128::from(scale);
    let q = if e >= 0 {
        // Only when n * 2^e < 2^64.
        (e < 64 && n >> (64 - e) == 0).then(|| n << e)
    } else {
        let s = (-e) as u32;
        if s >= 118 {
            // Below 2^-117 * 2^117 / 2: rounds to zero.
            Some(0)
        } else {
            let (q, rem, half) = (n >> s, n & ((1 << s) - 1), 1u128 << (s - 1));
            Some(q + u128::from(rem > half || (rem == half && q & 1 == 1)))
        }
    };
    match q.and_then(|q| u64::try_from(q).ok()) {
        Some(q) => {
            text.push_u64(q / scale, 1);
            if places > 0 {
                text.push(b'.');
                text.push_u64(q % scale, exact_places);
                text.push_zeros(places - exact_places);
            }
        }
        None => {
            // x * 10^places >= 2^64: the shortest digits hold fewer decimals than `places`
            // (x has 17 significant digits, and at least 20 - places of them before the point),
            // so they are padded with zeros; core would print the exact binary value's digits.
            let start = text.len;
            plain(zmij::Buffer::new().format_finite(x), x, text);
            let written = &text.bytes[start..text.len];
            let decimals = written
                .iter()
                .position(|&b| b == b'.')
                .map(|p| written.len() - p - 1);
            if decimals.is_none() && places > 0 {
                text.push(b'.');
            }
            text.push_zeros(places.saturating_sub(decimals.unwrap_or(0)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xorshift64*: reproducible values without a dependency.
    fn random(seed: &mut u64) -> u64 {
        *seed ^= *seed >> 12;
        *seed ^= *seed << 25;
        *seed ^= *seed >> 27;
        seed.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn edge_values() -> Vec<f64> {
        let mut v = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            1.5,
            2.5,
            -2.5,
            0.125,
            0.375,
            -0.01,
            -0.4,
            0.05,
            0.15,
            0.25,
            0.35,
            0.45,
            1.005,
            1.015,
            2.675,
            9.995,
            99.95,
            0.1,
            0.2,
            0.3,
            1.0 / 3.0,
            2.0 / 3.0,
            12.345,
            -3.25,
            100.0,
            1e15,
            1e16,
            1e17,
            1.5e20,
            1e21,
            1e22,
            1e23,
            123_456_789_012_345_680.0,
            9_007_199_254_740_993.0,
            18_446_744_073_709_551_615.0,
            1e-4,
            1e-5,
            1.5e-7,
            1e-10,
            5e-324,
            2.2250738585072014e-308,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -23.0,
            -60.0,
            0.999_999_999_999,
            0.000_499_999,
            0.000_5,
            0.0005000001,
        ];
        for p in -30..=30 {
            v.push(10f64.powi(p));
            v.push(-(10f64.powi(p)) * 0.5);
        }
        // Small odd multiples of powers of two: the values halfway between two shortest texts.
        for p in -1074..=1023 {
            for odd in [1.0, 3.0, 5.0, 7.0, 9.0, 15.0] {
                v.push(odd * 2f64.powi(p));
            }
        }
        v
    }

    fn random_values() -> Vec<f64> {
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        let mut v = Vec::new();
        for _ in 0..20_000 {
            let r = random(&mut seed);
            // Any bit pattern, plus values of the sizes messages hold (seconds, LU, Hz).
            v.push(f64::from_bits(r));
            let scale = 10f64.powi((r % 13) as i32 - 6);
            v.push((r >> 11) as f64 / (1u64 << 53) as f64 * scale * 1000.0 - 500.0 * scale);
            // Values on a decimal grid: ties and near-ties when rounded to fewer places.
            v.push((r % 2_000_001) as f64 / 1000.0 - 1000.0);
            v.push((r % 20_001) as f64 / 8.0 - 1250.0);
        }
        v
    }

    /// The places the exact path covers; core's digits above 2^64 / 10^N are not reproduced.
    fn fixed_is_exact(x: f64, places: usize) -> bool {
        !x.is_finite() || x.abs() * 10f64.powi(places as i32) < 1.8e19
    }

    #[test]
    fn f64_matches_core() {
        for x in edge_values().into_iter().chain(random_values()) {
            assert_eq!(Num(x).to_string(), x.to_string(), "{{}} of {x:e}");
            assert_eq!(format!("{:+}", Num(x)), format!("{x:+}"), "{{:+}} of {x:e}");
            for places in 0..=7 {
                if fixed_is_exact(x, places) {
                    assert_eq!(
                        format!("{:.*}", places, Num(x)),
                        format!("{x:.places$}"),
                        "{{:.{places}}} of {x:e}"
                    );
                    assert_eq!(
                        format!("{:+.*}", places, Num(x)),
                        format!("{x:+.places$}"),
                        "{{:+.{places}}} of {x:e}"
                    );
                }
            }
        }
    }

    #[test]
    fn f32_matches_core() {
        let mut seed = 0x2545_f491_4f6c_dd1d;
        let mut values: Vec<f32> = edge_values().into_iter().map(|x| x as f32).collect();
        values.extend([
            f32::MAX,
            f32::MIN_POSITIVE,
            1e-45,
            16_777_217.0,
            0.1,
            3.4e38,
        ]);
        for p in -149..=127 {
            for odd in [1.0, 3.0, 5.0, 7.0, 9.0, 15.0] {
                values.push(odd * 2f32.powi(p));
            }
        }
        for _ in 0..40_000 {
            let r = random(&mut seed);
            values.push(f32::from_bits(r as u32));
            values.push((r % 200_001) as f32 / 100.0 - 1000.0);
        }
        for x in values {
            assert_eq!(Num(x).to_string(), x.to_string(), "{{}} of {x:e}");
            for places in 0..=4 {
                if fixed_is_exact(f64::from(x), places) {
                    assert_eq!(
                        format!("{:+.*}", places, Num(x)),
                        format!("{x:+.places$}"),
                        "{{:+.{places}}} of {x:e}"
                    );
                }
            }
        }
    }

    #[test]
    fn padding_and_many_places_match_core() {
        for x in [
            1.5,
            -1.5,
            0.0,
            -0.0,
            2.25,
            1234.5678,
            f64::NAN,
            f64::INFINITY,
            -f64::INFINITY,
        ] {
            assert_eq!(format!("{:8.2}|", Num(x)), format!("{x:8.2}|"));
            assert_eq!(format!("{:<8}|", Num(x)), format!("{x:<8}|"));
            assert_eq!(format!("{:^9.1}|", Num(x)), format!("{x:^9.1}|"));
            assert_eq!(format!("{:08.2}|", Num(x)), format!("{x:08.2}|"));
            assert_eq!(format!("{:.2}|", Num(x)), format!("{x:.2}|"));
        }
        // 19 exact places, then zeros: core's text for values with few binary fraction digits.
        for x in [1.5, -0.0, 2.25, 0.0625, f64::NAN] {
            assert_eq!(format!("{:.21}|", Num(x)), format!("{x:.21}|"));
        }
        assert_eq!(format!("{:.22}", Num(0.1)), format!("{:.19}000", 0.1));
        // Above 2^64 / 10^N: the shortest digits, then zeros.
        assert_eq!(format!("{:.2}", Num(1e300)), format!("{}.00", 1e300));
    }

    #[test]
    fn clamp_matches_core() {
        for x in [
            -2.0,
            -1.0,
            0.0,
            0.5,
            1.0,
            3.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(clamp(x, -1.0, 1.0), x.clamp(-1.0, 1.0));
        }
        assert!(clamp(f64::NAN, 0.0, 1.0).is_nan());
    }
}
