//! Real headless Chromium driving the built console: the helpers live in [`cw_tests::browser`] (the
//! frontend benchmark uses them too).
// Not every test binary that declares `mod support` uses all of it.
#![allow(unused_imports)]

pub use cw_tests::browser::*;
