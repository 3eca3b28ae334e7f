//! Static assets: cache headers, and brotli/gzip copies written next to the
//! files once per build so that they are served compressed without paying for
//! compression on every request.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderValue;
use http::header::CACHE_CONTROL;
use std::io::Write;
use std::path::{Path, PathBuf};

const COMPRESSIBLE: [&str; 7] = ["js", "wasm", "css", "svg", "webmanifest", "json", "html"];

fn needs_copy(source: &Path, copy: &Path) -> bool {
    match (
        std::fs::metadata(source).and_then(|m| m.modified()),
        std::fs::metadata(copy).and_then(|m| m.modified()),
    ) {
        (Ok(src), Ok(dst)) => dst < src,
        _ => true,
    }
}

fn compress_file(path: &Path) -> std::io::Result<()> {
    let data = std::fs::read(path)?;
    let br = PathBuf::from(format!("{}.br", path.display()));
    if needs_copy(path, &br) {
        let mut out = Vec::with_capacity(data.len() / 3);
        {
            let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
            writer.write_all(&data)?;
        }
        std::fs::write(&br, out)?;
    }
    let gz = PathBuf::from(format!("{}.gz", path.display()));
    if needs_copy(path, &gz) {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&data)?;
        std::fs::write(&gz, encoder.finish()?)?;
    }
    Ok(())
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, files);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| COMPRESSIBLE.contains(&e))
        {
            files.push(path);
        }
    }
}

/// Writes missing or stale `.br` and `.gz` copies of the site's text and WASM
/// files. Runs in the background at start; until it is done, responses are
/// compressed on the fly.
pub fn precompress(site_root: &Path) -> (usize, Vec<String>) {
    let mut files = Vec::new();
    walk(site_root, &mut files);
    let mut errors = Vec::new();
    for file in &files {
        if let Err(e) = compress_file(file) {
            errors.push(format!("{}: {e}", file.display()));
        }
    }
    (files.len(), errors)
}

/// Sets `Cache-Control` by kind of resource.
pub async fn cache_headers(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    if response.headers().contains_key(CACHE_CONTROL) {
        return response;
    }
    let value = if path.starts_with("/pkg/") {
        // File names carry a content hash in release builds.
        if path
            .split('/')
            .next_back()
            .is_some_and(|name| name.matches('.').count() >= 2)
        {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }
    } else if path.starts_with("/icons/") || path.starts_with("/fonts/") || path.starts_with("/vendor/") {
        "public, max-age=604800"
    } else if path == "/sw.js"
        || path == "/sw-register.js"
        || path == "/field-queue.js"
        || path == "/manifest.webmanifest"
    {
        "no-cache"
    } else {
        "no-store"
    };
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static(value));
    response
}
