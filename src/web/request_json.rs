//! A request as JS gives it, read into a JSON value with js_sys.
//!
//! This is what serde-wasm-bindgen's deserializer made of it (`serde_wasm_bindgen::from_value`
//! into a `serde_json::Value`), value for value: the deserializer was the module's last use of
//! serde's `Unexpected`, whose text of a rejected float links core's float formatting
//! (flt2dec, about 9 KB gzip) and the deserializer itself (4 KB gzip).

use js_sys::{Array, ArrayBuffer, Map, Number, Object, Symbol, Uint8Array};
use serde_json::{Map as JsonMap, Number as JsonNumber, Value};
use wasm_bindgen::{JsCast, JsValue};

use crate::num_text::Num;

/// `null` and `undefined` as null, safe integers as integers and other numbers as floats (NaN
/// and infinities as null, as serde_json keeps them), BigInts within i64/u64, strings, arrays,
/// and Maps with string keys and plain objects as objects. Errors are serde-wasm-bindgen's text.
pub(super) fn json_of(v: &JsValue) -> Result<Value, String> {
    if v.is_null() || v.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if v.is_bigint() {
        return match i64::try_from(v.clone()) {
            Ok(i) => Ok(Value::from(i)),
            Err(v) => u64::try_from(v).map(Value::from).map_err(|_| {
                "Couldn't deserialize i64 or u64 from a BigInt outside i64::MIN..u64::MAX bounds"
                    .to_string()
            }),
        };
    }
    if let Some(x) = v.as_f64() {
        return Ok(if Number::is_safe_integer(v) {
            Value::from(x as i64)
        } else {
            JsonNumber::from_f64(x).map_or(Value::Null, Value::Number)
        });
    }
    if let Some(s) = v.as_string() {
        return Ok(Value::String(s));
    }
    if let Some(a) = v.dyn_ref::<Array>() {
        return a
            .iter()
            .map(|x| json_of(&x))
            .collect::<Result<_, _>>()
            .map(Value::Array);
    }
    // Byte arrays, functions, symbols, Sets and other iterables: no JSON value.
    // (`in` on a primitive throws: objects only.)
    let iterable = || Symbol::iterator().js_in(v) && !v.has_type::<Map>();
    let bytes = v.is_instance_of::<Uint8Array>() || v.is_instance_of::<ArrayBuffer>();
    if bytes || !v.is_object() || iterable() {
        return Err(invalid(v, "any valid JSON value"));
    }
    // A Map by its entries (as an iterable of [key, value]), other objects by Object.entries.
    let entries = match v.dyn_ref::<Map>() {
        Some(map) => Array::from(&map.entries()),
        None => Object::entries(v.unchecked_ref()),
    };
    let mut out = JsonMap::new();
    for entry in entries.iter() {
        let pair: Array = entry.unchecked_into();
        let key = pair.get(0);
        let Some(name) = key.as_string() else {
            return Err(invalid(&key, "a string key"));
        };
        out.insert(name, json_of(&pair.get(1))?);
    }
    Ok(Value::Object(out))
}

/// serde's "invalid type" text, with the value named as serde-wasm-bindgen names it.
fn invalid(v: &JsValue, expected: &str) -> String {
    let unexpected = if v.is_null() || v.is_undefined() {
        "unit value".to_string()
    } else if let Some(b) = v.as_bool() {
        format!("boolean `{b}`")
    } else if let Some(x) = v.as_f64() {
        // serde's WithDecimalPoint: "1.0", "1.5", "inf".
        let text = Num(x).to_string();
        let point = if x.is_finite() && !text.contains('.') {
            ".0"
        } else {
            ""
        };
        format!("floating point `{text}{point}`")
    } else if let Some(s) = v.as_string() {
        format!("string {s:?}")
    } else if v.is_instance_of::<Uint8Array>() || v.is_instance_of::<ArrayBuffer>() {
        "byte array".to_string()
    } else {
        format!("{v:?}")
    };
    format!("invalid type: {unexpected}, expected {expected}")
}
