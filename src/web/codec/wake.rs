//! Waiting inside async Rust for a browser callback: decoder outputs, `dequeue` events, errors.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A one-shot wake-up shared between a codec's callbacks and the task awaiting them. Every
/// `wait` also ends after a timeout, so a codec that errored without calling back (or a lost
/// event) can never hang a job.
#[derive(Clone, Default)]
pub struct Notify {
    resolve: Rc<RefCell<Option<Function>>>,
}

impl Notify {
    /// Wakes the waiting task, if any.
    pub fn notify(&self) {
        let resolve = self.resolve.borrow_mut().take();
        if let Some(f) = resolve {
            let _ = f.call0(&JsValue::UNDEFINED);
        }
    }

    /// Resolves at the next `notify` or after `timeout_ms`, whichever comes first.
    pub async fn wait(&self, timeout_ms: i32) {
        let slot = self.resolve.clone();
        let promise = Promise::new(&mut |resolve: Function, _reject: Function| {
            set_timeout(&resolve, timeout_ms);
            *slot.borrow_mut() = Some(resolve);
        });
        let _ = JsFuture::from(promise).await;
    }
}

fn set_timeout(callback: &Function, ms: i32) {
    // Workers and pages both have a global `setTimeout`; look it up on whatever global this is.
    let global = js_sys::global();
    if let Ok(f) = Reflect::get(&global, &"setTimeout".into()) {
        if let Some(f) = f.dyn_ref::<Function>() {
            let _ = f.call2(&global, callback, &JsValue::from(ms));
        }
    }
}
