//! Uploaded image headers (PNG, JPEG): the declared size is read without
//! decoding, never panics, and a JPEG walk never reads past the bytes.
#![no_main]

use domain::image::inspect;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Some(info) = inspect(bytes) {
        let _ = info.fits(4_000, 12_000_000);
    }
});
