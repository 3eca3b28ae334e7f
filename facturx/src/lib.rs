//! Factur-X (EN 16931 profile) without IO: the semantic model of an invoice
//! as the norm names it (BT-… numbers in the docs), its CII XML
//! ([`cii::to_xml`]) and the PDF/A-3 metadata that makes a PDF a Factur-X
//! ([`pdfa::add_facturx_metadata`]).
//!
//! The caller computes the amounts (Comptoir's one totals function); this
//! crate only writes them down. It also reads what comes back from a
//! platform: lifecycle messages ([`cdar`]) and received invoices
//! ([`extract::embedded_xml`], [`read::read_cii`]). The output is checked by the FNFE-MPE
//! validator (XSD, EN 16931 and French BR-FR rules) in the test suite.

pub mod cdar;
pub mod cii;
pub mod extract;
mod model;
pub mod pdfa;
pub mod read;
mod xml;

pub use model::*;

/// The embedded file's name, fixed by the Factur-X specification.
pub const XML_FILE_NAME: &str = "factur-x.xml";
