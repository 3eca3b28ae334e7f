//! The editor's state: one signal per field, lines as a list of rows with
//! their own signals (typed text kept as typed, parsed into the draft).

use crate::domain::money::{format_eur, parse_eur};
use crate::domain::quote_totals::{Deposit, Discount};
use crate::domain::vat::{Unit, VatRate, format_quantity, parse_percent, parse_quantity};
use crate::domain::{ContactId, DealId, QuoteId};
use crate::error::FieldErrors;
use crate::quote::validate::check_draft;
use crate::quote::{ClientInput, LineInput, QuoteDraft};
use leptos::prelude::*;

/// One row of the body being edited.
#[derive(Clone, Copy)]
pub struct LineState {
    /// Stable key for rendering.
    pub key: u64,
    /// A section title.
    pub section: bool,
    /// Description or title.
    pub description: RwSignal<String>,
    /// Quantity as typed.
    pub quantity: RwSignal<String>,
    /// Unit.
    pub unit: RwSignal<Unit>,
    /// Unit price HT as typed.
    pub price: RwSignal<String>,
    /// VAT rate.
    pub vat: RwSignal<VatRate>,
    /// Discount percentage as typed (empty: none).
    pub discount: RwSignal<String>,
}

fn amount_text(cents: i64) -> String {
    if cents == 0 {
        return String::new();
    }
    format_eur(cents)
        .replace(['\u{00A0}', '€'], "")
        .replace('\u{202F}', " ")
        .trim()
        .to_string()
}

fn percent_text(bp: i64) -> String {
    crate::domain::vat::format_percent(bp).replace(['\u{00A0}', '%'], "")
}

impl LineState {
    /// Rows from a stored line.
    pub fn from_input(key: u64, l: &LineInput) -> LineState {
        LineState {
            key,
            section: l.section,
            description: RwSignal::new(l.description.clone()),
            quantity: RwSignal::new(if l.section {
                String::new()
            } else {
                format_quantity(l.quantity)
            }),
            unit: RwSignal::new(l.unit),
            price: RwSignal::new(amount_text(l.unit_price)),
            vat: RwSignal::new(l.vat),
            discount: RwSignal::new(match l.discount {
                Discount::Percent(bp) if bp > 0 => percent_text(bp),
                _ => String::new(),
            }),
        }
    }

    /// The line as the draft holds it; parse errors go to `errors` at `lines.{i}.…`.
    pub fn to_input(self, i: usize, errors: &mut FieldErrors) -> LineInput {
        let field = |name: &str| format!("lines.{i}.{name}");
        if self.section {
            return LineInput {
                section: true,
                description: self.description.get(),
                quantity: 0,
                unit: Unit::Piece,
                unit_price: 0,
                vat: VatRate::Standard,
                discount: Discount::None,
            };
        }
        let quantity = parse_quantity(&self.quantity.get()).unwrap_or_else(|m| {
            errors.push(&field("quantity"), m);
            1_000
        });
        let price_text = self.price.get();
        let unit_price = if price_text.trim().is_empty() {
            0
        } else {
            parse_eur(&price_text).unwrap_or_else(|m| {
                errors.push(&field("unit_price"), m);
                0
            })
        };
        let discount_text = self.discount.get();
        let discount = if discount_text.trim().is_empty() {
            Discount::None
        } else {
            match parse_percent(&discount_text) {
                Ok(bp) => Discount::Percent(bp),
                Err(m) => {
                    errors.push(&field("discount"), m);
                    Discount::None
                }
            }
        };
        LineInput {
            section: false,
            description: self.description.get(),
            quantity,
            unit: self.unit.get(),
            unit_price,
            vat: self.vat.get(),
            discount,
        }
    }
}

/// Every field of the editor.
#[derive(Clone, Copy)]
pub struct EditorState {
    /// Stored quote (none until the first save of a new quote).
    pub id: RwSignal<Option<QuoteId>>,
    /// Deal it answers.
    pub deal_id: RwSignal<Option<DealId>>,
    /// Title.
    pub title: RwSignal<String>,
    /// Existing contact picked.
    pub contact_id: RwSignal<Option<ContactId>>,
    /// Client fields.
    pub name: RwSignal<String>,
    /// Company.
    pub company: RwSignal<String>,
    /// Email.
    pub email: RwSignal<String>,
    /// Phone.
    pub phone: RwSignal<String>,
    /// Address.
    pub address: RwSignal<String>,
    /// Postcode.
    pub postcode: RwSignal<String>,
    /// City.
    pub city: RwSignal<String>,
    /// Site address.
    pub site_address: RwSignal<String>,
    /// Site postcode.
    pub site_postcode: RwSignal<String>,
    /// Site city.
    pub site_city: RwSignal<String>,
    /// Body.
    pub lines: RwSignal<Vec<LineState>>,
    /// Next row key.
    pub next_key: RwSignal<u64>,
    /// `none`, `percent`, `amount`.
    pub deposit_kind: RwSignal<String>,
    /// Deposit as typed.
    pub deposit_value: RwSignal<String>,
    /// `YYYY-MM-DD`.
    pub valid_until: RwSignal<String>,
    /// Payment terms.
    pub payment_terms: RwSignal<String>,
    /// Notes.
    pub notes: RwSignal<String>,
    /// Free quote.
    pub free_quote: RwSignal<bool>,
    /// Fee of a paid quote, as typed.
    pub quote_fee: RwSignal<String>,
    /// Template.
    pub template: RwSignal<String>,
    /// Reminders.
    pub reminders: RwSignal<bool>,
}

impl EditorState {
    /// State holding a stored draft.
    pub fn new(id: Option<QuoteId>, d: &QuoteDraft) -> EditorState {
        let lines: Vec<LineState> = d
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| LineState::from_input(i as u64, l))
            .collect();
        let (deposit_kind, deposit_value) = match d.deposit {
            Deposit::None => ("none", String::new()),
            Deposit::Percent(bp) => ("percent", percent_text(bp)),
            Deposit::Amount(c) => ("amount", amount_text(c)),
        };
        EditorState {
            id: RwSignal::new(id),
            deal_id: RwSignal::new(d.deal_id),
            title: RwSignal::new(d.title.clone()),
            contact_id: RwSignal::new(d.client.contact_id),
            name: RwSignal::new(d.client.name.clone()),
            company: RwSignal::new(d.client.company.clone()),
            email: RwSignal::new(d.client.email.clone()),
            phone: RwSignal::new(d.client.phone.clone()),
            address: RwSignal::new(d.client.address.clone()),
            postcode: RwSignal::new(d.client.postcode.clone()),
            city: RwSignal::new(d.client.city.clone()),
            site_address: RwSignal::new(d.site_address.clone()),
            site_postcode: RwSignal::new(d.site_postcode.clone()),
            site_city: RwSignal::new(d.site_city.clone()),
            next_key: RwSignal::new(lines.len() as u64),
            lines: RwSignal::new(lines),
            deposit_kind: RwSignal::new(deposit_kind.into()),
            deposit_value: RwSignal::new(deposit_value),
            valid_until: RwSignal::new(d.valid_until.clone()),
            payment_terms: RwSignal::new(d.payment_terms.clone()),
            notes: RwSignal::new(d.notes.clone()),
            free_quote: RwSignal::new(d.free_quote),
            quote_fee: RwSignal::new(amount_text(d.quote_fee)),
            template: RwSignal::new(d.template.clone()),
            reminders: RwSignal::new(d.reminders_enabled),
        }
    }

    /// Appends a row (a copy of `input`).
    pub fn push_line(&self, input: &LineInput) {
        let key = self.next_key.get_untracked();
        self.next_key.set(key + 1);
        self.lines.update(|l| l.push(LineState::from_input(key, input)));
    }

    /// The draft, with every typing error and malformed value at its field
    /// (reads every signal: a memo over it follows every keystroke).
    pub fn draft(&self) -> (QuoteDraft, FieldErrors) {
        let mut errors = FieldErrors::new();
        let lines: Vec<LineInput> = self
            .lines
            .get()
            .iter()
            .enumerate()
            .map(|(i, l)| l.to_input(i, &mut errors))
            .collect();
        let deposit_text = self.deposit_value.get();
        let deposit = match self.deposit_kind.get().as_str() {
            "percent" => match parse_percent(&deposit_text) {
                Ok(bp) => Deposit::Percent(bp),
                Err(m) => {
                    errors.push("deposit", m);
                    Deposit::None
                }
            },
            "amount" => match parse_eur(&deposit_text) {
                Ok(c) => Deposit::Amount(c),
                Err(m) => {
                    errors.push("deposit", m);
                    Deposit::None
                }
            },
            _ => Deposit::None,
        };
        let free_quote = self.free_quote.get();
        let fee_text = self.quote_fee.get();
        let quote_fee = if free_quote || fee_text.trim().is_empty() {
            0
        } else {
            parse_eur(&fee_text).unwrap_or_else(|m| {
                errors.push("quote_fee", m);
                0
            })
        };
        let draft = QuoteDraft {
            title: self.title.get(),
            client: ClientInput {
                contact_id: self.contact_id.get(),
                name: self.name.get(),
                company: self.company.get(),
                email: self.email.get(),
                phone: self.phone.get(),
                address: self.address.get(),
                postcode: self.postcode.get(),
                city: self.city.get(),
            },
            deal_id: self.deal_id.get(),
            site_address: self.site_address.get(),
            site_postcode: self.site_postcode.get(),
            site_city: self.site_city.get(),
            lines,
            deposit,
            valid_until: self.valid_until.get(),
            payment_terms: self.payment_terms.get(),
            notes: self.notes.get(),
            free_quote,
            quote_fee,
            template: self.template.get(),
            reminders_enabled: self.reminders.get(),
        };
        let checked = check_draft(&draft);
        for e in checked.0 {
            if errors.get(&e.field).is_none() {
                errors.push(&e.field, e.message);
            }
        }
        (draft, errors)
    }
}
