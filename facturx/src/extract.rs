//! Finds the CII XML embedded in a Factur-X PDF without a PDF library: the
//! embedded file is a stream whose dictionary says `/Type /EmbeddedFile`
//! (streams are never inside object streams, so a byte scan finds them all).
//! Flate-compressed or plain; the first one holding a CII invoice wins.

use std::io::Read;

/// Largest embedded XML accepted once inflated (a zip bomb stops here).
pub const MAX_XML_BYTES: u64 = 8 << 20;

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The value of `/Length` in a stream dictionary, when it is a direct number.
fn direct_length(dict: &[u8]) -> Option<usize> {
    let at = find(dict, b"/Length", 0)? + b"/Length".len();
    let rest = &dict[at..];
    let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    let digits: Vec<u8> = rest[start..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    let after = &rest[start + digits.len()..];
    // `12 0 R` is an indirect length: not usable here.
    let trimmed: Vec<u8> = after
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(4)
        .copied()
        .collect();
    if trimmed.first().is_some_and(|b| b.is_ascii_digit()) {
        return None;
    }
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

fn inflate(raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(raw)
        .take(MAX_XML_BYTES + 1)
        .read_to_end(&mut out)
        .ok()?;
    (out.len() as u64 <= MAX_XML_BYTES).then_some(out)
}

/// How far back from `/EmbeddedFile` the object's start is looked for.
const DICT_WINDOW: usize = 4096;
/// Candidate streams looked at, at most (a crafted file cannot make the
/// scan quadratic).
const MAX_CANDIDATES: usize = 64;

/// The embedded invoice XML of a PDF, if any.
pub fn embedded_xml(pdf: &[u8]) -> Option<String> {
    let mut from = 0;
    let mut candidates = 0;
    while let Some(at) = find(pdf, b"/EmbeddedFile", from) {
        from = at + 1;
        // Skip `/EmbeddedFiles` (the name tree) and the `/EF` key's uses.
        if pdf.get(at + 13) == Some(&b's') {
            continue;
        }
        candidates += 1;
        if candidates > MAX_CANDIDATES {
            return None;
        }
        // The object's start, close before: its dictionary may hold nested ones.
        let window = at.saturating_sub(DICT_WINDOW);
        let Some(dict_start) = pdf[window..at]
            .windows(3)
            .rposition(|w| w == b"obj")
            .map(|p| p + window)
        else {
            continue;
        };
        let Some(stream_kw) = pdf
            .get(at..(at + DICT_WINDOW).min(pdf.len()))
            .and_then(|w| find(w, b"stream", 0))
            .map(|p| p + at)
        else {
            continue;
        };
        let dict = &pdf[dict_start..stream_kw];
        if find(dict, b"endobj", 0).is_some() || find(dict, b"/Type", 0).is_none() {
            continue;
        }
        let mut body = stream_kw + b"stream".len();
        if pdf.get(body) == Some(&b'\r') {
            body += 1;
        }
        if pdf.get(body) == Some(&b'\n') {
            body += 1;
        }
        let end = match direct_length(dict).and_then(|len| body.checked_add(len)) {
            Some(end) if end <= pdf.len() => end,
            _ => find(pdf, b"endstream", body)?,
        };
        let raw = pdf.get(body..end)?;
        let bytes = if find(dict, b"/FlateDecode", 0).is_some() {
            inflate(raw)?
        } else {
            raw.to_vec()
        };
        if let Ok(text) = String::from_utf8(bytes)
            && text.contains("CrossIndustryInvoice")
        {
            return Some(text);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn pdf_with(stream: &[u8], filter: &str) -> Vec<u8> {
        let mut pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /EmbeddedFiles >>\nendobj\n".to_vec();
        pdf.extend_from_slice(
            format!(
                "2 0 obj\n<< /Type /EmbeddedFile /Subtype /text#2Fxml {filter}/Length {} >>\nstream\n",
                stream.len()
            )
            .as_bytes(),
        );
        pdf.extend_from_slice(stream);
        pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF\n");
        pdf
    }

    #[test]
    fn finds_a_plain_or_compressed_invoice() {
        let xml = "<rsm:CrossIndustryInvoice/>";
        assert_eq!(embedded_xml(&pdf_with(xml.as_bytes(), "")).as_deref(), Some(xml));
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(xml.as_bytes()).unwrap();
        let packed = z.finish().unwrap();
        assert_eq!(
            embedded_xml(&pdf_with(&packed, "/Filter /FlateDecode ")).as_deref(),
            Some(xml)
        );
    }

    #[test]
    fn ignores_what_is_not_an_invoice() {
        assert_eq!(embedded_xml(&pdf_with(b"hello", "")), None);
        assert_eq!(embedded_xml(b"%PDF-1.7 /EmbeddedFile"), None);
        assert_eq!(embedded_xml(b""), None);
    }

    #[test]
    fn crafted_lengths_and_repetitions_are_refused_quickly() {
        let huge = b"1 0 obj\n<< /Type /EmbeddedFile /Length 18446744073709551615 >>\nstream\nabc\nendstream\nendobj";
        assert_eq!(embedded_xml(huge), None);
        let many = b"1 0 obj "
            .iter()
            .copied()
            .chain(b"/EmbeddedFile ".repeat(200_000))
            .collect::<Vec<u8>>();
        // Stops after MAX_CANDIDATES instead of scanning back 200,000 times.
        assert_eq!(embedded_xml(&many), None);
    }
}
