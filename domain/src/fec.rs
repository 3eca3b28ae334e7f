//! The FEC (fichier des écritures comptables, art. A47 A-1 du LPF): 18
//! tab-separated columns in a fixed order, dates `AAAAMMJJ`, amounts with a
//! decimal comma. This module turns invoices and payments into balanced
//! entries and writes them; the server streams them page by page.

use super::vat::VatRate;

/// The header line, in the order the law fixes.
pub const COLUMNS: [&str; 18] = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
];

/// The chart of accounts the entries use (settings of the workspace).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accounts {
    /// Clients (411), with one auxiliary account per client.
    pub clients: String,
    /// Services revenue (706).
    pub services: String,
    /// Goods revenue (707).
    pub goods: String,
    /// VAT collected, per rate (44571…).
    pub vat: Vec<(VatRate, String)>,
    /// Bank (512).
    pub bank: String,
}

impl Default for Accounts {
    fn default() -> Accounts {
        Accounts {
            clients: "411000".into(),
            services: "706000".into(),
            goods: "707000".into(),
            vat: vec![
                (VatRate::Standard, "445712".into()),
                (VatRate::Intermediate, "445711".into()),
                (VatRate::Reduced, "445713".into()),
                (VatRate::SuperReduced, "445714".into()),
            ],
            bank: "512000".into(),
        }
    }
}

impl Accounts {
    fn vat_account(&self, rate: VatRate) -> &str {
        self.vat
            .iter()
            .find(|(r, _)| *r == rate)
            .map(|(_, a)| a.as_str())
            .unwrap_or("445710")
    }
}

/// One line of an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Account.
    pub account: String,
    /// Its label.
    pub account_label: String,
    /// Auxiliary account (a client), empty otherwise.
    pub aux: String,
    /// Its label.
    pub aux_label: String,
    /// Debit, cents.
    pub debit: i64,
    /// Credit, cents.
    pub credit: i64,
    /// Lettering code, empty when not lettered.
    pub letter: String,
    /// Lettering date `AAAAMMJJ`, empty when not lettered.
    pub letter_date: String,
}

/// One balanced entry (écriture) of a journal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// `VT` sales, `BQ` bank.
    pub journal: &'static str,
    /// "Ventes", "Banque".
    pub journal_label: &'static str,
    /// Sequential number in the journal.
    pub number: u64,
    /// `AAAAMMJJ`.
    pub date: String,
    /// The document (invoice number).
    pub piece: String,
    /// Its date `AAAAMMJJ`.
    pub piece_date: String,
    /// Label.
    pub label: String,
    /// Lines.
    pub lines: Vec<Line>,
}

impl Entry {
    /// Debits equal credits.
    pub fn is_balanced(&self) -> bool {
        self.lines.iter().map(|l| l.debit).sum::<i64>() == self.lines.iter().map(|l| l.credit).sum::<i64>()
    }
}

/// An invoice or credit note as the sales journal needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaleDoc<'a> {
    /// Number.
    pub number: &'a str,
    /// Issue date `AAAAMMJJ`.
    pub date: &'a str,
    /// A credit note (entries reversed).
    pub credit_note: bool,
    /// Goods (707) rather than services (706).
    pub goods: bool,
    /// Client auxiliary account and name.
    pub client: (&'a str, &'a str),
    /// Net HT and VAT per rate.
    pub vat: Vec<(VatRate, i64, i64)>,
    /// TTC.
    pub total: i64,
    /// Lettering when fully settled: (code, date `AAAAMMJJ`).
    pub letter: Option<(&'a str, &'a str)>,
}

fn split(amount: i64, debit_side: bool) -> (i64, i64) {
    // A negative amount goes on the other side: entries hold no negative figure.
    match (debit_side, amount >= 0) {
        (true, true) => (amount, 0),
        (true, false) => (0, -amount),
        (false, true) => (0, amount),
        (false, false) => (-amount, 0),
    }
}

/// The sales-journal entry of an invoice: debit the client TTC, credit
/// revenue HT and VAT per rate (the other way round for a credit note).
pub fn sale_entry(accounts: &Accounts, number: u64, doc: &SaleDoc<'_>) -> Entry {
    let client_debit = !doc.credit_note;
    let (letter, letter_date) = doc
        .letter
        .map(|(c, d)| (c.to_string(), d.to_string()))
        .unwrap_or_default();
    let (debit, credit) = split(doc.total, client_debit);
    let mut lines = vec![Line {
        account: accounts.clients.clone(),
        account_label: "Clients".into(),
        aux: doc.client.0.into(),
        aux_label: doc.client.1.into(),
        debit,
        credit,
        letter,
        letter_date,
    }];
    let (revenue, revenue_label) = if doc.goods {
        (&accounts.goods, "Ventes de marchandises")
    } else {
        (&accounts.services, "Prestations de services")
    };
    for (rate, net, vat) in &doc.vat {
        let (debit, credit) = split(*net, !client_debit);
        lines.push(Line {
            account: revenue.clone(),
            account_label: revenue_label.into(),
            aux: String::new(),
            aux_label: String::new(),
            debit,
            credit,
            letter: String::new(),
            letter_date: String::new(),
        });
        if *vat != 0 {
            let (debit, credit) = split(*vat, !client_debit);
            lines.push(Line {
                account: accounts.vat_account(*rate).into(),
                account_label: format!("TVA collectée {}", rate.label()),
                aux: String::new(),
                aux_label: String::new(),
                debit,
                credit,
                letter: String::new(),
                letter_date: String::new(),
            });
        }
    }
    lines.retain(|l| l.debit != 0 || l.credit != 0);
    Entry {
        journal: "VT",
        journal_label: "Ventes",
        number,
        date: doc.date.into(),
        piece: doc.number.into(),
        piece_date: doc.date.into(),
        label: format!("{} {}", if doc.credit_note { "Avoir" } else { "Facture" }, doc.number),
        lines,
    }
}

/// A payment as the bank journal needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentDoc<'a> {
    /// The invoice paid.
    pub invoice: &'a str,
    /// Payment date `AAAAMMJJ`.
    pub date: &'a str,
    /// Amount, cents.
    pub amount: i64,
    /// Client auxiliary account and name.
    pub client: (&'a str, &'a str),
    /// Method and reference, for the label.
    pub label: &'a str,
    /// Lettering when the invoice is fully settled: (code, date).
    pub letter: Option<(&'a str, &'a str)>,
}

/// The bank-journal entry of a payment: debit the bank, credit the client.
pub fn payment_entry(accounts: &Accounts, number: u64, p: &PaymentDoc<'_>) -> Entry {
    let (letter, letter_date) = p
        .letter
        .map(|(c, d)| (c.to_string(), d.to_string()))
        .unwrap_or_default();
    Entry {
        journal: "BQ",
        journal_label: "Banque",
        number,
        date: p.date.into(),
        piece: p.invoice.into(),
        piece_date: p.date.into(),
        label: format!("Règlement {} {}", p.invoice, p.label).trim().into(),
        lines: vec![
            Line {
                account: accounts.bank.clone(),
                account_label: "Banque".into(),
                aux: String::new(),
                aux_label: String::new(),
                debit: p.amount,
                credit: 0,
                letter: String::new(),
                letter_date: String::new(),
            },
            Line {
                account: accounts.clients.clone(),
                account_label: "Clients".into(),
                aux: p.client.0.into(),
                aux_label: p.client.1.into(),
                debit: 0,
                credit: p.amount,
                letter,
                letter_date,
            },
        ],
    }
}

/// Cents with a decimal comma, no grouping: `1234,50`.
pub fn amount(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{},{:02}", abs / 100, abs % 100)
}

/// Tabs and line breaks would break the format: they become spaces.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c == '\t' || c == '\n' || c == '\r' { ' ' } else { c })
        .collect()
}

/// The header line, `\r\n`-terminated.
pub fn header() -> String {
    format!("{}\r\n", COLUMNS.join("\t"))
}

/// The lines of an entry, each `\r\n`-terminated.
pub fn write(entry: &Entry, out: &mut String) {
    for l in &entry.lines {
        let fields: [String; 18] = [
            entry.journal.into(),
            entry.journal_label.into(),
            format!("{}{}", entry.journal, entry.number),
            entry.date.clone(),
            l.account.clone(),
            clean(&l.account_label),
            clean(&l.aux),
            clean(&l.aux_label),
            clean(&entry.piece),
            entry.piece_date.clone(),
            clean(&entry.label),
            amount(l.debit),
            amount(l.credit),
            clean(&l.letter),
            l.letter_date.clone(),
            entry.date.clone(),
            String::new(),
            String::new(),
        ];
        out.push_str(&fields.join("\t"));
        out.push_str("\r\n");
    }
}

/// `SIRENFECAAAAMMJJ.txt` for a period ending on `end` (`AAAAMMJJ`).
pub fn file_name(siren: &str, end: &str) -> String {
    format!("{siren}FEC{end}.txt")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice(credit_note: bool) -> SaleDoc<'static> {
        SaleDoc {
            number: "F-2026-0001",
            date: "20261130",
            credit_note,
            goods: false,
            client: ("CDUBOIS", "Claire Dubois"),
            vat: vec![
                (VatRate::Intermediate, 100_000, 10_000),
                (VatRate::Standard, 5_000, 1_000),
            ],
            total: 116_000,
            letter: Some(("F-2026-0001", "20261215")),
        }
    }

    #[test]
    fn an_invoice_debits_the_client_and_credits_revenue_and_vat() {
        let e = sale_entry(&Accounts::default(), 1, &invoice(false));
        assert!(e.is_balanced());
        assert_eq!(e.lines[0].debit, 116_000);
        assert_eq!(e.lines.len(), 5);
        let mut text = String::new();
        write(&e, &mut text);
        let first: Vec<&str> = text.lines().next().unwrap().split('\t').collect();
        assert_eq!(first.len(), 18);
        assert_eq!(&first[..4], ["VT", "Ventes", "VT1", "20261130"]);
        assert_eq!(first[11], "1160,00");
        assert_eq!(first[13], "F-2026-0001");
    }

    #[test]
    fn a_credit_note_is_the_mirror_and_a_payment_balances() {
        let e = sale_entry(&Accounts::default(), 2, &invoice(true));
        assert!(e.is_balanced());
        assert_eq!((e.lines[0].debit, e.lines[0].credit), (0, 116_000));
        let p = payment_entry(
            &Accounts::default(),
            1,
            &PaymentDoc {
                invoice: "F-2026-0001",
                date: "20261215",
                amount: 50_000,
                client: ("CDUBOIS", "Claire Dubois"),
                label: "Virement",
                letter: None,
            },
        );
        assert!(p.is_balanced());
    }

    #[test]
    fn negative_amounts_change_side() {
        let mut doc = invoice(false);
        doc.vat = vec![(VatRate::Standard, -1_000, -200)];
        doc.total = -1_200;
        let e = sale_entry(&Accounts::default(), 3, &doc);
        assert!(e.is_balanced());
        assert!(e.lines.iter().all(|l| l.debit >= 0 && l.credit >= 0));
    }

    #[test]
    fn amounts_use_a_decimal_comma() {
        assert_eq!(amount(123_456), "1234,56");
        assert_eq!(amount(5), "0,05");
        assert_eq!(file_name("732829320", "20261231"), "732829320FEC20261231.txt");
    }
}
