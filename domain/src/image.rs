//! What an uploaded image claims to be, read from its header without
//! decoding it: the kind and the declared pixel size. A 200 KB PNG may
//! declare 40000×40000 pixels (6.4 GB once decoded); such files are refused
//! here, before any decoder (typst's included) sees them.

/// Image formats accepted for logos and signatures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    /// PNG.
    Png,
    /// JPEG (baseline or progressive).
    Jpeg,
}

impl ImageKind {
    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
        }
    }

    /// MIME type.
    pub fn mime(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
        }
    }
}

/// Kind and declared size of an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageInfo {
    /// Format.
    pub kind: ImageKind,
    /// Declared width in pixels.
    pub width: u32,
    /// Declared height in pixels.
    pub height: u32,
}

impl ImageInfo {
    /// Declared pixel count.
    pub fn pixels(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// Whether both sides are within `1..=max_side` and the area within `max_pixels`.
    pub fn fits(&self, max_side: u32, max_pixels: u64) -> bool {
        (1..=max_side).contains(&self.width) && (1..=max_side).contains(&self.height) && self.pixels() <= max_pixels
    }
}

/// Largest side of a logo, in pixels.
pub const LOGO_MAX_SIDE: u32 = 4_000;
/// Largest area of a logo (decoded as RGBA: 4 bytes a pixel, 48 MB here).
pub const LOGO_MAX_PIXELS: u64 = 12_000_000;

/// Reads the kind and declared size from the header of a PNG or JPEG.
pub fn inspect(bytes: &[u8]) -> Option<ImageInfo> {
    png(bytes).or_else(|| jpeg(bytes))
}

fn be16(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?)))
}

fn png(bytes: &[u8]) -> Option<ImageInfo> {
    const MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !bytes.starts_with(MAGIC) || bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    Some(ImageInfo {
        kind: ImageKind::Png,
        width: u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?),
        height: u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?),
    })
}

fn jpeg(bytes: &[u8]) -> Option<ImageInfo> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    loop {
        // Markers may be preceded by fill bytes (0xFF).
        while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        at += 2;
        match marker {
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => continue,
            // End of image or start of scan before any frame header.
            0xD9 | 0xDA => return None,
            // Start of frame (every coding process), not DHT, JPG or DAC.
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                return Some(ImageInfo {
                    kind: ImageKind::Jpeg,
                    height: be16(bytes, at + 3)?,
                    width: be16(bytes, at + 5)?,
                });
            }
            _ => {
                let length = be16(bytes, at)? as usize;
                if length < 2 {
                    return None;
                }
                at += length;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_header(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        b.extend(w.to_be_bytes());
        b.extend(h.to_be_bytes());
        b.extend([8, 6, 0, 0, 0]);
        b
    }

    fn jpeg_header(w: u16, h: u16) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8];
        // APP0 (JFIF), 16 bytes.
        b.extend([0xFF, 0xE0, 0x00, 0x10]);
        b.extend(b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00");
        // Fill byte, then SOF2 (progressive).
        b.extend([0xFF, 0xFF, 0xC2, 0x00, 0x11, 0x08]);
        b.extend(h.to_be_bytes());
        b.extend(w.to_be_bytes());
        b.extend([0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
        b
    }

    #[test]
    fn sizes_are_read_from_headers() {
        assert_eq!(
            inspect(&png_header(640, 200)),
            Some(ImageInfo {
                kind: ImageKind::Png,
                width: 640,
                height: 200
            })
        );
        assert_eq!(
            inspect(&jpeg_header(1024, 768)),
            Some(ImageInfo {
                kind: ImageKind::Jpeg,
                width: 1024,
                height: 768
            })
        );
        assert_eq!(inspect(b"GIF89a"), None);
        assert_eq!(inspect(&[0xFF, 0xD8, 0xFF]), None);
        assert_eq!(inspect(&[]), None);
    }

    #[test]
    fn bombs_do_not_fit() {
        let bomb = inspect(&png_header(40_000, 40_000)).unwrap();
        assert!(!bomb.fits(LOGO_MAX_SIDE, LOGO_MAX_PIXELS));
        assert!(
            !inspect(&png_header(4_000, 4_000))
                .unwrap()
                .fits(LOGO_MAX_SIDE, LOGO_MAX_PIXELS)
        );
        assert!(
            inspect(&png_header(1_200, 400))
                .unwrap()
                .fits(LOGO_MAX_SIDE, LOGO_MAX_PIXELS)
        );
        assert!(
            !inspect(&png_header(0, 10))
                .unwrap()
                .fits(LOGO_MAX_SIDE, LOGO_MAX_PIXELS)
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_garbage(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
            let _ = inspect(&bytes);
            let mut jpeg = vec![0xFF, 0xD8];
            jpeg.extend(bytes);
            let _ = inspect(&jpeg);
        }
    }
}
