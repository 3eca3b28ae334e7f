//! `COMPTOIR_BENCH_ONLY=photos tools bench`: a 12-megapixel JPEG as a phone
//! sends it (4,000 × 3,000, quality 92, EXIF with an orientation and a GPS
//! position) through the job photo pipeline (`app::jobs::photos::process`:
//! decode, turn, scale to 1,600 px and 320 px, re-encode): time per photo
//! and bytes stored. Prints figures; never fails on time.

use image::codecs::jpeg::JpegEncoder;
use std::time::Instant;

/// Rounds of the pipeline timed.
const ROUNDS: usize = 9;

/// A picture with a photo's statistics: smooth light, edges, fine texture
/// (pure noise would compress like no photo does; flat colour far better).
fn phone_photo(w: u32, h: u32) -> Vec<u8> {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % 23) as i32 - 11
    };
    let picture = image::RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let wall = (fx * 9.0).floor() as i32 % 2 == 0 && fy > 0.35;
        let light = 150.0 + 80.0 * (fx * 3.1).sin() * (fy * 2.3).cos();
        let tone = if wall { light * 0.8 } else { light } as i32;
        let grain = noise();
        let px = |base: i32| (base + grain).clamp(0, 255) as u8;
        image::Rgb([px(tone + 20), px(tone), px(tone - 25)])
    });
    let mut tiff: Vec<u8> = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&[0x01, 0x00, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, 92);
    image::ImageEncoder::set_exif_metadata(&mut encoder, tiff).expect("exif");
    picture.write_with_encoder(encoder).expect("encode");
    out
}

/// Runs the photo benchmark.
pub fn run() -> Result<(), String> {
    let original = phone_photo(4000, 3000);
    println!(
        "Job photos: a 12-megapixel JPEG (4000 × 3000, {:.1} MB, EXIF orientation + GPS) → stored photo and thumbnail",
        original.len() as f64 / 1e6
    );
    let mut times = Vec::with_capacity(ROUNDS);
    let mut last = None;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let (photo, thumb) = app::jobs::photos::process(&original).map_err(|e| e.to_string())?;
        times.push(started.elapsed());
        last = Some((photo, thumb));
    }
    times.sort();
    let (photo, thumb) = last.expect("rounds");
    let exif = photo.bytes.windows(4).any(|w| w == b"Exif") || thumb.bytes.windows(4).any(|w| w == b"Exif");
    println!(
        "  time per photo: median {:.0} ms, max {:.0} ms over {ROUNDS} (bar < 1,500 ms)",
        times[ROUNDS / 2].as_secs_f64() * 1e3,
        times[ROUNDS - 1].as_secs_f64() * 1e3
    );
    println!(
        "  stored: {} × {} photo {:.0} KB + {} × {} thumbnail {:.0} KB (bar ≤ 400 KB); EXIF left: {}",
        photo.width,
        photo.height,
        photo.bytes.len() as f64 / 1024.0,
        thumb.width,
        thumb.height,
        thumb.bytes.len() as f64 / 1024.0,
        if exif { "yes" } else { "none" }
    );
    Ok(())
}
