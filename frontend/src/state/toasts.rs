//! Toasts: short confirmations and failures in `#toasts`, prefixed `[DEMO]` in demo mode.

use super::Mode;
use leptos::prelude::*;
use std::time::Duration;

/// How long a toast stays.
const TOAST_MS: u64 = 5000;

/// Success or failure (colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    /// Green.
    Ok,
    /// Red.
    Error,
    /// Neutral.
    Info,
}

/// One toast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    /// Key for the list.
    pub id: u64,
    /// Colour.
    pub kind: ToastKind,
    /// The text, already prefixed.
    pub text: String,
}

/// The toast queue (a `Copy` handle).
#[derive(Clone, Copy)]
pub struct Toasts {
    /// Toasts on screen, oldest first.
    pub items: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
    mode: Signal<Mode>,
}

/// `[DEMO] text` in demo mode, `text` in live mode.
pub fn prefixed(mode: Mode, text: &str) -> String {
    match mode {
        Mode::Demo => format!("[DEMO] {text}"),
        Mode::Live => text.to_string(),
    }
}

impl Toasts {
    /// An empty queue that prefixes according to `mode`.
    pub fn new(mode: Signal<Mode>) -> Self {
        Self { items: RwSignal::new(Vec::new()), next: StoredValue::new(0), mode }
    }

    /// Shows a toast for a few seconds.
    pub fn push(&self, kind: ToastKind, text: impl AsRef<str>) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        let text = prefixed(self.mode.get_untracked(), text.as_ref());
        self.items.update(|items| {
            items.push(Toast { id, kind, text });
            if items.len() > 5 {
                items.remove(0);
            }
        });
        let items = self.items;
        set_timeout(move || items.update(|i| i.retain(|t| t.id != id)), Duration::from_millis(TOAST_MS));
    }

    /// A success toast.
    pub fn ok(&self, text: impl AsRef<str>) {
        self.push(ToastKind::Ok, text);
    }

    /// A failure toast.
    pub fn error(&self, text: impl AsRef<str>) {
        self.push(ToastKind::Error, text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_toasts_say_so() {
        assert_eq!(prefixed(Mode::Demo, "Saved Acme"), "[DEMO] Saved Acme");
        assert_eq!(prefixed(Mode::Live, "Saved Acme"), "Saved Acme");
    }
}
