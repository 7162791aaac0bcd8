//! What a codec's callbacks share with the task driving it: decoded outputs in order, the first
//! error, and the wake-up for the waiting task.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

use super::Notify;
use crate::ApiError;

/// Longest wait for a callback before re-checking state (a codec that errored may stay silent).
const WAIT_MS: i32 = 50;

pub struct OutputQueue<T> {
    items: RefCell<VecDeque<T>>,
    error: RefCell<Option<ApiError>>,
    pub notify: Notify,
}

impl<T: 'static> OutputQueue<T> {
    /// The codec's `error` callback: fails the queue with `describe(error)`.
    pub fn error_callback(
        self: &Rc<Self>,
        describe: impl Fn(&JsValue) -> ApiError + 'static,
    ) -> Closure<dyn FnMut(JsValue)> {
        let q = self.clone();
        Closure::new(move |e: JsValue| q.fail(describe(&e)))
    }
    /// The codec's `dequeue` handler: wakes the task waiting for room.
    pub fn dequeue_callback(self: &Rc<Self>) -> Closure<dyn FnMut()> {
        let q = self.clone();
        Closure::new(move || q.notify.notify())
    }
}

impl<T> OutputQueue<T> {
    pub fn new() -> Rc<Self> {
        Rc::new(Self {
            items: RefCell::new(VecDeque::new()),
            error: RefCell::new(None),
            notify: Notify::default(),
        })
    }
    pub fn push(&self, item: T) {
        self.items.borrow_mut().push_back(item);
        self.notify.notify();
    }
    /// Keeps the first error only: later ones are consequences of it.
    pub fn fail(&self, err: ApiError) {
        self.error.borrow_mut().get_or_insert(err);
        self.notify.notify();
    }
    /// Puts back an item taken too early (it stays first).
    pub fn push_front(&self, item: T) {
        self.items.borrow_mut().push_front(item);
    }
    pub fn pop(&self) -> Option<T> {
        self.items.borrow_mut().pop_front()
    }
    pub fn len(&self) -> usize {
        self.items.borrow().len()
    }
    /// `f` of the oldest item, if any.
    pub fn front_map<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        self.items.borrow().front().map(f)
    }
    /// `f` of the newest item, if any.
    pub fn back_map<R>(&self, f: impl FnOnce(&T) -> R) -> Option<R> {
        self.items.borrow().back().map(f)
    }
    /// Takes every item, oldest first.
    pub fn take_all(&self) -> Vec<T> {
        self.items.borrow_mut().drain(..).collect()
    }
    /// Puts items back in front of any that arrived meanwhile (they stay in order).
    pub fn restore(&self, items: Vec<T>) {
        let mut q = self.items.borrow_mut();
        for item in items.into_iter().rev() {
            q.push_front(item);
        }
    }
    pub fn error(&self) -> Option<ApiError> {
        self.error.borrow().clone()
    }
    /// `Err` with the first error, once a callback reported one.
    pub fn check(&self) -> Result<(), ApiError> {
        self.error().map_or(Ok(()), Err)
    }
    /// Waits for the next output, dequeue or error (or a short timeout).
    pub async fn wait(&self) {
        self.notify.wait(WAIT_MS).await;
    }
    /// Waits while `busy()` holds (a codec's queue is full), failing on the first error.
    pub async fn wait_while(&self, busy: impl Fn() -> bool) -> Result<(), ApiError> {
        while busy() {
            self.check()?;
            self.wait().await;
        }
        self.check()
    }
    /// Drops every queued output (closing the frames).
    pub fn clear(&self) {
        let items = std::mem::take(&mut *self.items.borrow_mut());
        drop(items);
    }
}
