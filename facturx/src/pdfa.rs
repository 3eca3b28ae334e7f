//! The XMP that turns a PDF/A-3 with an embedded `factur-x.xml` into a
//! Factur-X: the `fx:` properties and their PDF/A extension schema.
//!
//! typst (through krilla) writes the PDF/A-3 file, the attachment and its
//! `/AF` entry, but no custom XMP. We append an incremental update (allowed by
//! PDF/A) that redefines the metadata stream object with the same XMP plus
//! the Factur-X block: the original bytes stay untouched, the result is as
//! deterministic as the input.

use std::fmt::Write;

/// Why the metadata could not be added (the input is not what typst writes).
#[derive(Debug, PartialEq, Eq)]
pub struct PdfaError(pub &'static str);

impl std::fmt::Display for PdfaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Factur-X metadata: {}", self.0)
    }
}

impl std::error::Error for PdfaError {}

const FX_NAMESPACE: &str = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#";

fn facturx_block(document_type: &str) -> String {
    let properties = [
        ("DocumentFileName", "The name of the embedded XML document"),
        (
            "DocumentType",
            "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER",
        ),
        (
            "Version",
            "The actual version of the standard applying to the embedded XML document",
        ),
        ("ConformanceLevel", "The conformance level of the embedded XML document"),
    ];
    let mut out = String::new();
    let _ = write!(
        out,
        "<rdf:Description rdf:about=\"\" xmlns:fx=\"{FX_NAMESPACE}\">\
         <fx:DocumentType>{document_type}</fx:DocumentType>\
         <fx:DocumentFileName>{}</fx:DocumentFileName>\
         <fx:Version>1.0</fx:Version>\
         <fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>\
         </rdf:Description>",
        crate::XML_FILE_NAME
    );
    out.push_str(
        "<rdf:Description rdf:about=\"\" \
         xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
         xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" \
         xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\
         <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\
         <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>",
    );
    let _ = write!(
        out,
        "<pdfaSchema:namespaceURI>{FX_NAMESPACE}</pdfaSchema:namespaceURI>\
         <pdfaSchema:prefix>fx</pdfaSchema:prefix><pdfaSchema:property><rdf:Seq>"
    );
    for (name, description) in properties {
        let _ = write!(
            out,
            "<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>{name}</pdfaProperty:name>\
             <pdfaProperty:valueType>Text</pdfaProperty:valueType>\
             <pdfaProperty:category>external</pdfaProperty:category>\
             <pdfaProperty:description>{description}</pdfaProperty:description></rdf:li>"
        );
    }
    out.push_str("</rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>");
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The number written right before `pos` (skipping spaces), and where it starts.
fn number_before(bytes: &[u8], mut pos: usize) -> Option<(u64, usize)> {
    while pos > 0 && bytes[pos - 1].is_ascii_whitespace() {
        pos -= 1;
    }
    let end = pos;
    while pos > 0 && bytes[pos - 1].is_ascii_digit() {
        pos -= 1;
    }
    let text = std::str::from_utf8(&bytes[pos..end]).ok()?;
    Some((text.parse().ok()?, pos))
}

/// The value of `/Key` in a dictionary's text, up to the next `/` at the
/// same level (`/Root 12 0 R`, `/ID [<..> <..>]`).
fn dict_entry<'a>(dict: &'a str, key: &str) -> Option<&'a str> {
    let start = dict.find(key)? + key.len();
    let rest = &dict[start..];
    if let Some(stripped) = rest.trim_start().strip_prefix('[') {
        let close = stripped.find(']')?;
        let offset = rest.len() - rest.trim_start().len();
        return Some(&rest[..offset + 1 + close + 1]);
    }
    let end = rest.find(['/', '>']).unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// Adds the Factur-X XMP to a PDF/A-3 written by typst. `document_type` is
/// `INVOICE` (credit notes included, as the specification says).
pub fn add_facturx_metadata(pdf: &[u8], document_type: &str) -> Result<Vec<u8>, PdfaError> {
    // The document's metadata is the last object typst writes: an image
    // (a JPEG logo) may carry an XMP packet of its own earlier in the file.
    let begin = rfind(pdf, b"<?xpacket begin").ok_or(PdfaError("no XMP packet"))?;
    let end_marker = b"<?xpacket end=\"r\"?>";
    let end = find(&pdf[begin..], end_marker).ok_or(PdfaError("unterminated XMP packet"))? + begin + end_marker.len();
    let xmp = std::str::from_utf8(&pdf[begin..end]).map_err(|_| PdfaError("XMP is not UTF-8"))?;
    if !xmp.contains("pdfaid:part") {
        return Err(PdfaError("not a PDF/A file"));
    }
    let close = xmp.rfind("</rdf:RDF>").ok_or(PdfaError("XMP without rdf:RDF"))?;
    let new_xmp = format!("{}{}{}", &xmp[..close], facturx_block(document_type), &xmp[close..]);

    // The stream's object: `N 0 obj` before the packet.
    let obj = rfind(&pdf[..begin], b" obj").ok_or(PdfaError("no metadata object"))?;
    let (generation, gen_start) = number_before(pdf, obj).ok_or(PdfaError("no generation"))?;
    let (object, _) = number_before(pdf, gen_start).ok_or(PdfaError("no object number"))?;

    let startxref = rfind(pdf, b"startxref").ok_or(PdfaError("no startxref"))?;
    let prev: u64 = std::str::from_utf8(&pdf[startxref + 9..])
        .ok()
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .ok_or(PdfaError("bad startxref"))?;
    let trailer_at = rfind(pdf, b"trailer").ok_or(PdfaError("no classic trailer"))?;
    let trailer = std::str::from_utf8(&pdf[trailer_at..startxref]).map_err(|_| PdfaError("trailer is not text"))?;
    let size = dict_entry(trailer, "/Size").ok_or(PdfaError("no /Size"))?;
    let root = dict_entry(trailer, "/Root").ok_or(PdfaError("no /Root"))?;

    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let offset = out.len();
    let _ = write!(
        Sink(&mut out),
        "{object} {generation} obj\n<</Type/Metadata/Subtype/XML/Length {}>>\nstream\n",
        new_xmp.len()
    );
    out.extend_from_slice(new_xmp.as_bytes());
    out.extend_from_slice(b"\nendstream\nendobj\n");
    let xref = out.len();
    let mut trailer_dict = format!("/Size {size}/Root {root}");
    if let Some(info) = dict_entry(trailer, "/Info") {
        let _ = write!(trailer_dict, "/Info {info}");
    }
    if let Some(id) = dict_entry(trailer, "/ID") {
        let _ = write!(trailer_dict, "/ID {id}");
    }
    let _ = write!(
        Sink(&mut out),
        "xref\n{object} 1\n{offset:010} {generation:05} n \ntrailer\n<<{trailer_dict}/Prev {prev}>>\nstartxref\n{xref}\n%%EOF\n"
    );
    Ok(out)
}

struct Sink<'a>(&'a mut Vec<u8>);

impl Write for Sink<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionary_entries_are_read_from_a_trailer() {
        let trailer = "trailer\n<</Size 42/Root 12 0 R/Info 3 0 R/ID [<ab> <cd>]>>\n";
        assert_eq!(dict_entry(trailer, "/Size"), Some("42"));
        assert_eq!(dict_entry(trailer, "/Root"), Some("12 0 R"));
        assert_eq!(dict_entry(trailer, "/Info"), Some("3 0 R"));
        assert_eq!(dict_entry(trailer, "/ID"), Some(" [<ab> <cd>]"));
    }

    #[test]
    fn a_pdf_without_xmp_is_refused() {
        assert_eq!(
            add_facturx_metadata(b"%PDF-1.7\n", "INVOICE"),
            Err(PdfaError("no XMP packet"))
        );
    }
}
