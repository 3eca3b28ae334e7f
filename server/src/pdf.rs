//! The PdfRenderer adapter: typst as a library. The document arrives as JSON
//! in a virtual file that `templates/quote.typ` or `templates/invoice.typ`
//! (or `templates/job_report.typ`) reads, so no client-typed text is ever parsed as typst markup. Fonts
//! (Inter, OFL) are compiled into the binary; no clock time or random id
//! reaches the PDF (an invoice carries its issue day), so the same document
//! always gives the same bytes.
//!
//! Invoices are Factur-X: typst writes a PDF/A-3b with the CII XML attached
//! as `factur-x.xml` (relationship `Data`, listed in the catalog's `/AF`),
//! then `facturx::pdfa` appends the Factur-X XMP properties.

use app::infra::ports::PdfRenderer;
use app::invoice::document::InvoiceDocument;
use app::jobs::report::JobReport;
use app::quote::document::QuoteDocument;
use std::sync::{Arc, OnceLock};
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

const TEMPLATE: &str = include_str!("../templates/quote.typ");
const INVOICE_TEMPLATE: &str = include_str!("../templates/invoice.typ");
const JOB_REPORT_TEMPLATE: &str = include_str!("../templates/job_report.typ");

const FONTS: [&[u8]; 4] = [
    include_bytes!("../fonts/Inter_400Regular.ttf"),
    include_bytes!("../fonts/Inter_400Regular_Italic.ttf"),
    include_bytes!("../fonts/Inter_600SemiBold.ttf"),
    include_bytes!("../fonts/Inter_700Bold.ttf"),
];

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = FONTS.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect();
        Shared {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

fn file_id(path: &str) -> FileId {
    // Paths are constants of this module (or `logo.png`/`logo.jpg`): they are valid.
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| unreachable!("constant virtual path"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// One compilation: the template and the files it may read (the document's
/// data, the signature image, the logo, the Factur-X XML).
struct DocWorld {
    main: Source,
    files: Vec<(FileId, Bytes)>,
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &shared().library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &shared().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .iter()
            .find(|(file, _)| *file == id)
            .map(|(_, bytes)| bytes.clone())
            .ok_or(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        shared().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Documents carry their own dates; none comes from the clock.
        None
    }
}

impl DocWorld {
    fn new(template: &str, data: Vec<u8>) -> DocWorld {
        DocWorld {
            main: Source::new(file_id("/main.typ"), template.to_string()),
            files: vec![(file_id("/data.json"), Bytes::new(data))],
        }
    }

    fn with(mut self, path: &str, bytes: Vec<u8>) -> DocWorld {
        self.files.push((file_id(path), Bytes::new(bytes)));
        self
    }
}

fn describe(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Memoized results unused for this many renders are dropped.
const EVICT_AFTER: usize = 3;

/// Renders with typst.
pub struct TypstRenderer;

fn compile(world: &DocWorld, options: &typst_pdf::PdfOptions) -> Result<Vec<u8>, String> {
    let document = typst::compile(world).output.map_err(|e| describe(&e));
    let pdf = document.and_then(|document| typst_pdf::pdf(&document, options).map_err(|e| describe(&e)));
    // typst memoizes every compilation in a process-wide cache that is
    // never emptied on its own: each distinct document kept ~7 MB for
    // good. Keep only what the last few renders used (the library and
    // fonts stay warm: every render hits them).
    typst::comemo::evict(EVICT_AFTER);
    pdf
}

impl PdfRenderer for TypstRenderer {
    fn render_quote(&self, doc: &QuoteDocument) -> Result<Vec<u8>, String> {
        let data = serde_json::to_vec(doc).map_err(|e| e.to_string())?;
        let mut world = DocWorld::new(TEMPLATE, data);
        if let Some(signature) = &doc.signature {
            world = world.with("/signature.png", signature.image.clone());
        }
        if !doc.logo_file.is_empty() {
            world = world.with(&format!("/{}", doc.logo_file), doc.logo.clone());
        }
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(doc.ident.clone()),
            creator: Smart::Custom(Some("Comptoir".into())),
            timestamp: None,
            ..Default::default()
        };
        compile(&world, &options)
    }

    fn render_invoice(&self, doc: &InvoiceDocument, xml: &str) -> Result<Vec<u8>, String> {
        let data = serde_json::to_vec(doc).map_err(|e| e.to_string())?;
        let mut world = DocWorld::new(INVOICE_TEMPLATE, data).with("/factur-x.xml", xml.as_bytes().to_vec());
        if !doc.logo_file.is_empty() {
            world = world.with(&format!("/{}", doc.logo_file), doc.logo.clone());
        }
        let (year, month, day) = doc.day;
        let date = Datetime::from_ymd_hms(year, month, day, 0, 0, 0).ok_or("invalid issue day")?;
        let standards =
            typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::A_3b]).map_err(|e| e.message().to_string())?;
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(doc.ident.clone()),
            creator: Smart::Custom(Some("Comptoir".into())),
            timestamp: Some(typst_pdf::Timestamp::new_utc(date)),
            standards,
            ..Default::default()
        };
        let pdf = compile(&world, &options)?;
        facturx::pdfa::add_facturx_metadata(&pdf, "INVOICE").map_err(|e| e.to_string())
    }

    fn render_job_report(&self, doc: &JobReport, photos: &[Vec<u8>]) -> Result<Vec<u8>, String> {
        let data = serde_json::to_vec(doc).map_err(|e| e.to_string())?;
        let mut world = DocWorld::new(JOB_REPORT_TEMPLATE, data);
        for (photo, bytes) in doc.photos.iter().zip(photos) {
            world = world.with(&format!("/{}", photo.file), bytes.clone());
        }
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(doc.ident.clone()),
            creator: Smart::Custom(Some("Comptoir".into())),
            timestamp: None,
            ..Default::default()
        };
        compile(&world, &options)
    }
}

/// The renderer the server uses.
pub fn renderer() -> Arc<dyn PdfRenderer> {
    Arc::new(TypstRenderer)
}
