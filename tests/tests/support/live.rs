//! The console's live stack in-process (cw-sim behind cw-proxy): it lives in [`cw_tests::live`] (the
//! frontend benchmark uses it too).
// Not every test binary that declares `mod support` uses all of it.
#![allow(unused_imports)]

pub use cw_tests::live::*;
