//! The PdfRenderer adapter: typst as a library. The document arrives as JSON
//! in a virtual file that `templates/quote.typ` reads, so no client-typed
//! text is ever parsed as typst markup. Fonts (Inter, OFL) are compiled into
//! the binary; no date or random id reaches the PDF, so the same document
//! always gives the same bytes.

use app::infra::ports::PdfRenderer;
use app::quote::document::QuoteDocument;
use std::sync::{Arc, OnceLock};
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

const TEMPLATE: &str = include_str!("../templates/quote.typ");

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

/// One compilation: the template, the document's data, the signature image.
struct QuoteWorld {
    main: Source,
    data: Bytes,
    signature: Option<Bytes>,
    logo: Option<(FileId, Bytes)>,
}

impl World for QuoteWorld {
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
        if id == file_id("/data.json") {
            Ok(self.data.clone())
        } else if id == file_id("/signature.png")
            && let Some(signature) = &self.signature
        {
            Ok(signature.clone())
        } else if let Some((logo_id, logo)) = &self.logo
            && id == *logo_id
        {
            Ok(logo.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        shared().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Documents carry their own dates; none comes from the clock.
        None
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

impl PdfRenderer for TypstRenderer {
    fn render_quote(&self, doc: &QuoteDocument) -> Result<Vec<u8>, String> {
        let data = serde_json::to_vec(doc).map_err(|e| e.to_string())?;
        let world = QuoteWorld {
            main: Source::new(file_id("/main.typ"), TEMPLATE.to_string()),
            data: Bytes::new(data),
            signature: doc.signature.as_ref().map(|s| Bytes::new(s.image.clone())),
            logo: (!doc.logo_file.is_empty())
                .then(|| (file_id(&format!("/{}", doc.logo_file)), Bytes::new(doc.logo.clone()))),
        };
        let document = typst::compile(&world).output.map_err(|e| describe(&e));
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(doc.ident.clone()),
            creator: Smart::Custom(Some("Comptoir".into())),
            timestamp: None,
            ..Default::default()
        };
        let pdf = document.and_then(|document| typst_pdf::pdf(&document, &options).map_err(|e| describe(&e)));
        // typst memoizes every compilation in a process-wide cache that is
        // never emptied on its own: each distinct document kept ~7 MB for
        // good. Keep only what the last few renders used (the library and
        // fonts stay warm: every render hits them).
        typst::comemo::evict(EVICT_AFTER);
        pdf
    }
}

/// The renderer the server uses.
pub fn renderer() -> Arc<dyn PdfRenderer> {
    Arc::new(TypstRenderer)
}
