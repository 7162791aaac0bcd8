//! Reading request JSON with good errors: field paths, the cloud APIs' loose forms, one reader per
//! kind of value.
//!
//! The request is walked as a `serde_json::Value` rather than derived into structs, because the
//! cloud APIs are loose in ways derive cannot express with good errors: a top-level parameter may be
//! an object or a JSON string holding it, numbers may arrive as numeric strings, booleans as
//! `"true"`/`"false"`, and every error must name the field path, the value given and what is
//! allowed, under a code such as `InvalidParameter.Edit.Transitions.Weight`.
//!
//! Conventions (the same for every field):
//! - A JSON `null` counts as absent.
//! - Unknown keys are refused at every level (`InvalidParameter.<Path>`, "unknown parameter"), so a
//!   typo never turns into a silently ignored setting.
//! - Enum values are case-sensitive, as documented by the cloud APIs (a wrong case gets a "did you
//!   mean" hint); effect names are case-insensitive (see `catalog.rs`).
//! - Paths in messages are 0-based (`Sources[0].URI`); codes drop the index
//!   (`InvalidParameter.Sources.URI`).

use super::error::ApiError;
use super::validate::MAX_USER_DATA_BYTES;
use crate::num_text::Num;
use serde_json::{Map, Value};

pub(super) type Result<T> = std::result::Result<T, ApiError>;

/// Where a value sits: `path` for messages (with indices), `code` for the error code (without).
#[derive(Debug, Clone, Default)]
pub(super) struct At {
    pub path: String,
    pub code: String,
}

impl At {
    pub(super) fn key(&self, key: &str) -> At {
        if self.path.is_empty() {
            At {
                path: key.to_string(),
                code: key.to_string(),
            }
        } else {
            At {
                path: format!("{}.{key}", self.path),
                code: format!("{}.{key}", self.code),
            }
        }
    }

    pub(super) fn index(&self, i: usize) -> At {
        At {
            path: format!("{}[{i}]", self.path),
            code: self.code.clone(),
        }
    }

    /// An `InvalidParameter.<code>` error with a free message.
    pub(super) fn err(&self, message: impl Into<String>) -> ApiError {
        ApiError::invalid_parameter(&self.code, message)
    }

    /// "`<path>` is `<value>`; `<allowed>`".
    pub(super) fn bad(&self, value: &Value, allowed: impl std::fmt::Display) -> ApiError {
        self.err(format!("{} is {}; {allowed}", self.path, show(value)))
    }

    pub(super) fn required(&self) -> ApiError {
        self.err(format!("{} is required", self.path))
    }
}

/// A value as quoted in messages: strings in single quotes, others as compact JSON, cut at 80 chars.
pub(super) fn show(value: &Value) -> String {
    let text = match value {
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    };
    if text.chars().count() > 80 {
        let cut: String = text.chars().take(77).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// Formats a bound for messages: `10`, `0.5`.
pub(super) fn num(x: f64) -> String {
    Num(x).to_string()
}

/// A top-level parameter that may be given as a JSON string holding the value (SPEC 3: "each an
/// object or a JSON string"); returns the decoded value.
pub(super) fn decode(value: &Value, at: &At) -> Result<Value> {
    match value {
        Value::String(text) => serde_json::from_str(text)
            .map_err(|e| at.err(format!("{} is a string but not valid JSON ({e})", at.path))),
        other => Ok(other.clone()),
    }
}

/// A JSON object whose keys are all in `known`.
pub(super) struct Obj<'a> {
    map: &'a Map<String, Value>,
    pub at: At,
}

impl<'a> Obj<'a> {
    pub(super) fn new(value: &'a Value, at: &At, known: &[&str]) -> Result<Obj<'a>> {
        let map = value
            .as_object()
            .ok_or_else(|| at.bad(value, "expected an object"))?;
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                let key_at = at.key(key);
                let hint = known
                    .iter()
                    .find(|k| k.eq_ignore_ascii_case(key))
                    .map(|k| format!(" (names are case-sensitive: did you mean '{k}'?)"))
                    .unwrap_or_default();
                let place = if at.path.is_empty() {
                    String::new()
                } else {
                    format!(" in {}", at.path)
                };
                return Err(key_at.err(format!(
                    "{} is an unknown parameter{hint}; known{place}: {}",
                    key_at.path,
                    known.join(", ")
                )));
            }
        }
        Ok(Obj {
            map,
            at: at.clone(),
        })
    }

    /// The value of `key` and its location, or `None` when absent or `null`.
    pub(super) fn get(&self, key: &str) -> Option<(&'a Value, At)> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some((v, self.at.key(key))),
        }
    }

    /// The value of `key`, or a "… is required" error.
    pub(super) fn need(&self, key: &str) -> Result<(&'a Value, At)> {
        self.get(key).ok_or_else(|| self.at.key(key).required())
    }
}

pub(super) fn string(value: &Value, at: &At) -> Result<String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        other => Err(at.bad(other, "expected a string")),
    }
}

pub(super) fn non_empty(value: &Value, at: &At) -> Result<String> {
    let s = string(value, at)?;
    if s.trim().is_empty() {
        return Err(at.bad(value, "expected a non-empty string"));
    }
    Ok(s)
}

/// A number given as a JSON number or a numeric string (cloud APIs accept both).
pub(super) fn number(value: &Value, at: &At) -> Result<f64> {
    let parsed = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => numeric_string(s.trim()),
        _ => None,
    };
    match parsed {
        Some(x) if x.is_finite() => Ok(x),
        _ => Err(at.bad(value, "expected a number")),
    }
}

/// A decimal number in a string, in the grammar of Rust's `f64::from_str` (`+5`, `.5`, `5.`,
/// `05`, `1e3` are numbers; `inf` and `nan` are not finite, so they are refused here already),
/// read by serde_json's number parser, the one JSON numbers go through: `f64::from_str` would
/// link core's second float parser and its tables (about 16 KB of the wasm) for this alone.
fn numeric_string(s: &str) -> Option<f64> {
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let split_sign = |t: &str| match t.as_bytes().first() {
        Some(b'-') => ("-", t[1..].to_owned()),
        Some(b'+') => ("", t[1..].to_owned()),
        _ => ("", t.to_owned()),
    };
    let (sign, rest) = split_sign(s);
    let (mantissa, exponent) = match rest.split_once(['e', 'E']) {
        Some((m, e)) => (m.to_owned(), Some(e.to_owned())),
        None => (rest, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((&mantissa, ""));
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return None;
    }
    // JSON's form of the same number: no `+`, no leading zeros, digits on both sides of a point.
    let int = int.trim_start_matches('0');
    let mut text = format!("{sign}{}", if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        text.push('.');
        text.push_str(frac);
    }
    if let Some(e) = exponent {
        let (e_sign, e_digits) = split_sign(&e);
        if e_digits.is_empty() || !digits(&e_digits) {
            return None;
        }
        text.push('e');
        text.push_str(e_sign);
        text.push_str(&e_digits);
    }
    // Out of range (`1e400`) is an error here, as it is infinite for `f64::from_str`.
    serde_json::from_str::<Value>(&text).ok()?.as_f64()
}

/// A number in `lo..=hi`.
pub(super) fn number_in(value: &Value, at: &At, lo: f64, hi: f64) -> Result<f64> {
    let x = number(value, at)?;
    if !(lo..=hi).contains(&x) {
        return Err(at.bad(value, format!("allowed {}..{}", num(lo), num(hi))));
    }
    Ok(x)
}

/// A number > 0.
pub(super) fn positive(value: &Value, at: &At) -> Result<f64> {
    let x = number(value, at)?;
    if x <= 0.0 {
        return Err(at.bad(value, "allowed > 0"));
    }
    Ok(x)
}

/// A number >= `lo`.
pub(super) fn at_least(value: &Value, at: &At, lo: f64) -> Result<f64> {
    let x = number(value, at)?;
    if x < lo {
        return Err(at.bad(value, format!("allowed >= {}", num(lo))));
    }
    Ok(x)
}

/// A whole number in `lo..=hi` (a numeric string is fine; `50.5` is not).
pub(super) fn integer_in(value: &Value, at: &At, lo: i64, hi: i64) -> Result<i64> {
    let x = number(value, at)?;
    if x.fract() != 0.0 || x < lo as f64 || x > hi as f64 {
        return Err(at.bad(value, format!("allowed integers {lo}..{hi}")));
    }
    // In range of i64 by the check above.
    Ok(x as i64)
}

/// [`integer_in`] as `u32`; callers keep `hi <= u32::MAX`.
pub(super) fn u32_in(value: &Value, at: &At, lo: u32, hi: u32) -> Result<u32> {
    let x = integer_in(value, at, i64::from(lo), i64::from(hi))?;
    u32::try_from(x).map_err(|_| at.bad(value, format!("allowed integers {lo}..{hi}")))
}

/// A bool given as JSON `true`/`false` or the strings `"true"`/`"false"`.
pub(super) fn boolean(value: &Value, at: &At) -> Result<bool> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(at.bad(other, "expected true or false")),
    }
}

/// One of the names in `table`, exactly as spelled there.
pub(super) fn name<T: Copy>(value: &Value, at: &At, table: &[(&str, T)]) -> Result<T> {
    let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
    let Value::String(given) = value else {
        return Err(at.bad(value, format!("expected one of: {}", names.join(", "))));
    };
    if let Some((_, v)) = table.iter().find(|(n, _)| n == given) {
        return Ok(*v);
    }
    let hint = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(given))
        .map(|n| format!(" (names are case-sensitive: did you mean '{n}'?)"))
        .unwrap_or_default();
    Err(at.bad(value, format!("allowed: {}{hint}", names.join(", "))))
}

/// An array of at most `max` entries (at least `min`).
pub(super) fn array<'a>(
    value: &'a Value,
    at: &At,
    min: usize,
    max: usize,
) -> Result<&'a Vec<Value>> {
    let items = value
        .as_array()
        .ok_or_else(|| at.bad(value, "expected an array"))?;
    if items.len() < min || items.len() > max {
        let allowed = if min == 0 {
            format!("at most {max}")
        } else {
            format!("{min}..{max}")
        };
        return Err(at.err(format!(
            "{} has {} entries; allowed {allowed}",
            at.path,
            items.len()
        )));
    }
    Ok(items)
}

/// An array of non-empty strings (media references, texts), each at most `max_chars` characters.
pub(super) fn strings(
    value: &Value,
    at: &At,
    max: usize,
    max_chars: Option<usize>,
) -> Result<Vec<String>> {
    let items = array(value, at, 0, max)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item_at = at.index(i);
        let s = non_empty(item, &item_at)?;
        if let Some(limit) = max_chars {
            let n = s.chars().count();
            if n > limit {
                return Err(item_at.err(format!(
                    "{} is {} ({n} characters); allowed at most {limit} characters",
                    item_at.path,
                    show(item)
                )));
            }
        }
        out.push(s);
    }
    Ok(out)
}

/// An optional field read with `read`.
pub(super) fn opt<T>(
    obj: &Obj,
    key: &str,
    read: impl FnOnce(&Value, &At) -> Result<T>,
) -> Result<Option<T>> {
    obj.get(key).map(|(v, at)| read(v, &at)).transpose()
}

/// Converts a bit rate in bit/s to the model's integer, at least 1.
pub(super) fn bps(x: f64) -> u64 {
    // Saturating float-to-int conversion; x > 0 was checked.
    x.round().max(1.0) as u64
}

/// `UserData` as echoed text: a string as given, an object/array serialised; at most 64 KiB.
pub(super) fn user_data_text(value: &Value, at: &At) -> Result<String> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Object(_) | Value::Array(_) => value.to_string(),
        other => return Err(at.bad(other, "expected a string (JSON text) or an object")),
    };
    if text.len() > MAX_USER_DATA_BYTES {
        return Err(at.err(format!(
            "{} is {} bytes; allowed at most {MAX_USER_DATA_BYTES} bytes (64 KiB)",
            at.path,
            text.len()
        )));
    }
    Ok(text)
}

/// A notification destination: an `http(s)://` URL, or any other non-empty name, which is used as a
/// `BroadcastChannel` name (SPEC section 1).
pub(super) fn notify_target(value: &Value, at: &At) -> Result<String> {
    let s = non_empty(value, at)?;
    let lower = s.to_ascii_lowercase();
    if (lower.starts_with("http://") || lower.starts_with("https://"))
        && s.split_once("://")
            .is_some_and(|(_, rest)| rest.trim().is_empty())
    {
        return Err(at.bad(
            value,
            "expected an http(s) URL with a host, or a channel name",
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::numeric_string;

    #[test]
    fn numeric_strings_read_as_f64_from_str_reads_them() {
        for s in [
            "0",
            "5",
            "+5",
            "-5",
            ".5",
            "5.",
            "-.5",
            "05",
            "007.250",
            "1e3",
            "1E+3",
            "2.5e-3",
            "-0",
            "123456789012345678901234567890",
            "0.1",
            "1e-400",
        ] {
            assert_eq!(numeric_string(s), s.parse::<f64>().ok(), "{s}");
        }
        for s in [
            "", ".", "+", "-", "e3", "1e", "1e+", "1.2.3", "1,5", "abc", "0x10", "inf", "NaN",
            "1e400", "--1", "1e--3", " 1",
        ] {
            assert_eq!(numeric_string(s), None, "{s}");
        }
    }
}
