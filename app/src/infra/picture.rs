//! Photos as stored: checked by their bytes (JPEG, PNG or WebP), decoded
//! within limits, turned the way the camera said (EXIF orientation), scaled
//! down and re-encoded as JPEG. Re-encoding writes pixels only: the position
//! (GPS), the camera and every other metadata of the original are gone.
//! Used by the marketplace's request photos and by job photos.

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};

/// Largest picture decoded (50 megapixels): a small file that claims to be
/// huge is refused before its pixels are allocated.
const MAX_PIXELS_SIDE: u32 = 10_000;
const MAX_ALLOC: u64 = 256 << 20;

/// A photo ready to store.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// JPEG bytes, no metadata.
    pub bytes: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// The format by its first bytes, whatever the name or the declared type.
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

/// A HEIC/HEIF or AVIF file (an iPhone's default), which is not decoded here.
pub fn is_heif(bytes: &[u8]) -> bool {
    bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(&bytes[8..12], b"heic" | b"heix" | b"hevc" | b"mif1" | b"msf1" | b"avif")
}

/// Decodes, orients, scales to `max_side` on the long side and re-encodes one
/// photo as JPEG (CPU work: call it off the async threads).
pub fn prepare(bytes: &[u8], max_side: u32, quality: u8) -> Result<Prepared, image::ImageError> {
    let mut sizes = prepare_sizes(bytes, &[(max_side, quality)])?;
    Ok(sizes.remove(0))
}

/// [`prepare`] for several sizes, largest first (the photo and its
/// thumbnail): the original is decoded once, each size scaled from the one
/// before it.
pub fn prepare_sizes(bytes: &[u8], sizes: &[(u32, u8)]) -> Result<Vec<Prepared>, image::ImageError> {
    let format = sniff(bytes).ok_or_else(|| {
        image::ImageError::Unsupported(image::error::UnsupportedError::from_format_and_kind(
            image::error::ImageFormatHint::Unknown,
            image::error::UnsupportedErrorKind::Format(image::error::ImageFormatHint::Unknown),
        ))
    })?;
    let mut reader = ImageReader::new(std::io::Cursor::new(bytes));
    reader.set_format(format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_PIXELS_SIDE);
    limits.max_image_height = Some(MAX_PIXELS_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder()?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder)?;
    picture.apply_orientation(orientation);
    let mut out = Vec::with_capacity(sizes.len());
    for &(max_side, quality) in sizes {
        if picture.width() > max_side || picture.height() > max_side {
            picture = picture.resize(max_side, max_side, FilterType::Triangle);
        }
        let rgb = flatten(&picture);
        let mut bytes = Vec::with_capacity(256 << 10);
        rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, quality))?;
        out.push(Prepared {
            bytes,
            width: rgb.width(),
            height: rgb.height(),
        });
    }
    Ok(out)
}

/// RGB on a white background (a transparent PNG must not turn black).
fn flatten(picture: &DynamicImage) -> RgbImage {
    if !picture.color().has_alpha() {
        return picture.to_rgb8();
    }
    let rgba = picture.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A JPEG `w`×`h` whose EXIF says « rotate 90° » and carries a GPS position.
    pub(crate) fn jpeg_with_gps(w: u32, h: u32) -> Vec<u8> {
        // TIFF, little endian: IFD0 { Orientation = 6, GPS IFD → 38 },
        // GPS IFD { GPSLatitudeRef = "N" }.
        let mut tiff: Vec<u8> = b"II*\0\x08\0\0\0".to_vec();
        tiff.extend_from_slice(&2u16.to_le_bytes());
        tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
        tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0]);
        tiff.extend_from_slice(&0u32.to_le_bytes());
        tiff.extend_from_slice(&1u16.to_le_bytes());
        tiff.extend_from_slice(&[0x01, 0x00, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
        tiff.extend_from_slice(&0u32.to_le_bytes());
        let picture = RgbImage::from_fn(w, h, |x, _| image::Rgb([(x % 256) as u8, 90, 200]));
        let mut out = Vec::new();
        let mut encoder = JpegEncoder::new_with_quality(&mut out, 90);
        image::ImageEncoder::set_exif_metadata(&mut encoder, tiff).unwrap();
        picture.write_with_encoder(encoder).unwrap();
        out
    }

    #[test]
    fn turns_scales_and_strips_the_metadata() {
        let original = jpeg_with_gps(2400, 1200);
        assert!(original.windows(4).any(|w| w == b"Exif"), "the fixture carries EXIF");
        let mut reader = ImageReader::new(std::io::Cursor::new(&original))
            .with_guessed_format()
            .unwrap()
            .into_decoder()
            .unwrap();
        assert_eq!(reader.orientation().unwrap(), Orientation::Rotate90);
        let p = prepare(&original, 1600, 80).unwrap();
        // Turned upright (portrait), then scaled to 1,600 px on the long side.
        assert_eq!((p.width, p.height), (800, 1600));
        assert!(!p.bytes.windows(4).any(|w| w == b"Exif"), "no EXIF left");
        let mut again = ImageReader::new(std::io::Cursor::new(&p.bytes))
            .with_guessed_format()
            .unwrap()
            .into_decoder()
            .unwrap();
        assert!(again.exif_metadata().unwrap().is_none());
        assert_eq!(again.orientation().unwrap(), Orientation::NoTransforms);
    }

    #[test]
    fn small_photos_keep_their_size_and_transparency_becomes_white() {
        let picture = image::RgbaImage::from_pixel(30, 20, image::Rgba([0, 0, 0, 0]));
        let mut png = Vec::new();
        picture
            .write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        let p = prepare(&png, 1600, 80).unwrap();
        assert_eq!((p.width, p.height), (30, 20));
        let back = image::load_from_memory(&p.bytes).unwrap().to_rgb8();
        assert!(back.get_pixel(10, 10).0.iter().all(|c| *c > 240), "white, not black");
    }
}
