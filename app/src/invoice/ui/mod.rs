//! Pages of invoices: the list, an invoice (editable draft or issued), the
//! billing card of a signed quote.

mod accounting;
mod editor;
mod issued;
mod list;
mod page;
mod parts;
mod payment;
mod quote_billing;
mod settings;

pub use accounting::AccountingPage;
pub use list::InvoicesPage;
pub use page::InvoicePage;
pub use quote_billing::QuoteBilling;
