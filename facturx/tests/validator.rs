//! Every kind of invoice Comptoir writes, checked by the FNFE-MPE validator
//! (XSD, EN 16931, BR-FR) vendored in `vendor/einvoice-validator/`.

use chrono::NaiveDate;
use facturx::*;
use std::path::PathBuf;
use std::process::Command;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn seller() -> Party {
    Party {
        name: "Plomberie Martin".into(),
        siren: Some("732829320".into()),
        vat_number: Some("FR44732829320".into()),
        legal_info: Some("SARL au capital de 10 000 €, RCS Lyon 732 829 320".into()),
        address: Address {
            line: "12 rue des Lilas".into(),
            postcode: "69003".into(),
            city: "Lyon".into(),
            country: "FR".into(),
        },
        endpoint: Some(Endpoint::Siren("732829320".into())),
    }
}

fn consumer() -> Party {
    Party {
        name: "Claire Dubois".into(),
        address: Address {
            line: "3 place Bellecour".into(),
            postcode: "69002".into(),
            city: "Lyon".into(),
            country: "FR".into(),
        },
        endpoint: Some(Endpoint::Email("claire.dubois@example.fr".into())),
        ..Party::default()
    }
}

fn business() -> Party {
    Party {
        name: "SCI Les Tilleuls".into(),
        siren: Some("552100554".into()),
        vat_number: Some("FR40552100554".into()),
        legal_info: None,
        address: Address {
            line: "8 avenue Foch".into(),
            postcode: "75016".into(),
            city: "Paris".into(),
            country: "FR".into(),
        },
        endpoint: Some(Endpoint::Siren("552100554".into())),
    }
}

fn line(name: &str, quantity: i64, unit_price: i64, allowance: i64, vat: VatCategory) -> Line {
    let gross = (quantity as i128 * unit_price as i128 + if quantity >= 0 { 500 } else { -500 }) / 1000;
    Line {
        name: name.into(),
        quantity,
        unit_code: "C62",
        unit_price,
        allowance,
        net: gross as i64 - allowance,
        vat,
    }
}

fn notes() -> Vec<Note> {
    vec![
        Note {
            subject: "PMD",
            content: "Pénalités de retard : trois fois le taux d'intérêt légal.".into(),
        },
        Note {
            subject: "PMT",
            content: "Indemnité forfaitaire pour frais de recouvrement : 40 €.".into(),
        },
        Note {
            subject: "AAB",
            content: "Pas d'escompte pour paiement anticipé.".into(),
        },
    ]
}

/// Builds an invoice whose breakdown and totals follow its lines (VAT per
/// rate on the sum of the nets, halves away from zero).
fn invoice(number: &str, document_type: DocumentType, buyer: Party, lines: Vec<Line>, prepaid: i64) -> Invoice {
    let mut categories: Vec<VatCategory> = lines.iter().map(|l| l.vat).collect();
    categories.sort();
    categories.dedup();
    let vat_breakdown: Vec<VatSubtotal> = categories
        .into_iter()
        .map(|category| {
            let basis: i64 = lines.iter().filter(|l| l.vat == category).map(|l| l.net).sum();
            let n = basis as i128 * category.rate_bp() as i128;
            let amount = if n >= 0 {
                (n + 5_000) / 10_000
            } else {
                -((-n + 5_000) / 10_000)
            } as i64;
            VatSubtotal {
                category,
                basis,
                amount,
            }
        })
        .collect();
    let net: i64 = lines.iter().map(|l| l.net).sum();
    let vat: i64 = vat_breakdown.iter().map(|r| r.amount).sum();
    let b2b = buyer.siren.is_some();
    Invoice {
        number: number.into(),
        document_type,
        issued: day(2026, 11, 30),
        process: Operation::Services.process_code(false),
        b2b,
        notes: notes(),
        seller: seller(),
        buyer,
        delivery_address: Some(Address {
            line: "5 chemin des Vignes".into(),
            postcode: "69130".into(),
            city: "Écully".into(),
            country: "FR".into(),
        }),
        delivered: Some(day(2026, 11, 28)),
        vat_on_debits: false,
        payment: Some(CreditTransfer {
            iban: "FR7630006000011234567890189".into(),
            bic: None,
        }),
        payment_terms: "Paiement à 30 jours par virement.".into(),
        due_date: Some(day(2026, 12, 30)),
        preceding: None,
        lines,
        vat_breakdown,
        totals: Totals {
            net,
            vat,
            gross: net + vat,
            prepaid,
            due: net + vat - prepaid,
        },
    }
}

fn validate(name: &str, bytes: &[u8]) {
    let (ok, report) = run_validator(name, bytes);
    assert!(ok, "{name} is not a valid Factur-X:\n{report}");
}

/// Runs the validator: (valid, its report).
fn run_validator(name: &str, bytes: &[u8]) -> (bool, String) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("facturx");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    let venv = std::env::var("COMPTOIR_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").expect("HOME")).join(".cache/comptoir-venv"));
    let out = Command::new(venv.join("bin/python"))
        .arg(root.join("vendor/einvoice-validator/validate.py"))
        .arg(&path)
        .output()
        .expect("the validator runs (scripts/lib.sh installs its Python packages)");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "the validator could not run:\n{report}"
    );
    (out.status.success(), report)
}

#[test]
fn the_validator_refuses_an_invoice_without_the_late_payment_note() {
    let lines = vec![line("Pose", 1_000, 10_000, 0, VatCategory::Standard(2_000))];
    let mut inv = invoice("F-2026-0099", DocumentType::Invoice, business(), lines, 0);
    inv.notes.retain(|n| n.subject != "PMD");
    let (ok, report) = run_validator("no-pmd.xml", cii::to_xml(&inv).as_bytes());
    assert!(!ok && report.contains("BR-FR-05"), "{report}");
}

#[test]
fn a_multi_rate_b2b_invoice_with_a_discount_is_valid() {
    let lines = vec![
        line("Main-d'œuvre plombier", 3_500, 4_500, 0, VatCategory::Standard(1_000)),
        line("Chauffe-eau 200 L", 1_000, 89_000, 8_900, VatCategory::Standard(550)),
        line("Déplacement", 1_000, 3_000, 0, VatCategory::Standard(2_000)),
    ];
    let inv = invoice("F-2026-0001", DocumentType::Invoice, business(), lines, 0);
    validate("multi-rate-b2b.xml", cii::to_xml(&inv).as_bytes());
}

#[test]
fn a_b2c_deposit_invoice_is_valid() {
    let lines = vec![line(
        "Acompte de 30 % sur le devis D-2026-0001",
        1_000,
        45_000,
        0,
        VatCategory::Standard(1_000),
    )];
    let inv = invoice("F-2026-0002", DocumentType::Prepayment, consumer(), lines, 0);
    validate("deposit-b2c.xml", cii::to_xml(&inv).as_bytes());
}

#[test]
fn a_final_invoice_deducting_a_deposit_is_valid() {
    let lines = vec![
        line("Pose de la douche", 1_000, 150_000, 0, VatCategory::Standard(1_000)),
        line(
            "Déduction de l'acompte F-2026-0002 du 30/11/2026",
            -1_000,
            45_000,
            0,
            VatCategory::Standard(1_000),
        ),
    ];
    let mut inv = invoice("F-2026-0003", DocumentType::Invoice, consumer(), lines, 0);
    inv.process = Operation::Services.process_code(true);
    validate("final-b2c.xml", cii::to_xml(&inv).as_bytes());
}

#[test]
fn a_credit_note_referencing_its_invoice_is_valid() {
    let lines = vec![line(
        "Remboursement partiel : robinet non posé",
        1_000,
        12_000,
        0,
        VatCategory::Standard(2_000),
    )];
    let mut inv = invoice("A-2026-0001", DocumentType::CreditNote, business(), lines, 0);
    inv.preceding = Some(Reference {
        number: "F-2026-0001".into(),
        issued: day(2026, 11, 20),
    });
    validate("credit-note.xml", cii::to_xml(&inv).as_bytes());
}

#[test]
fn a_subcontracting_invoice_under_reverse_charge_is_valid() {
    let lines = vec![line(
        "Sous-traitance : pose de cloisons",
        20_000,
        4_000,
        0,
        VatCategory::ReverseCharge,
    )];
    let inv = invoice("F-2026-0004", DocumentType::Invoice, business(), lines, 0);
    validate("autoliquidation.xml", cii::to_xml(&inv).as_bytes());
}

#[test]
fn a_franchise_invoice_without_vat_is_valid() {
    let mut inv = invoice(
        "F-2026-0005",
        DocumentType::Invoice,
        consumer(),
        vec![line("Séance de coaching", 10_000, 6_000, 0, VatCategory::Franchise)],
        0,
    );
    inv.vat_on_debits = true;
    validate("franchise.xml", cii::to_xml(&inv).as_bytes());
}

#[test]
fn a_partly_prepaid_invoice_is_valid() {
    let lines = vec![line(
        "Ravalement de façade",
        1_000,
        500_000,
        0,
        VatCategory::Standard(1_000),
    )];
    let inv = invoice("F-2026-0006", DocumentType::Invoice, business(), lines, 100_000);
    validate("prepaid.xml", cii::to_xml(&inv).as_bytes());
}

#[test]
fn a_written_invoice_reads_back_as_its_summary() {
    let lines = vec![
        line("Main-d'œuvre plombier", 3_500, 4_500, 0, VatCategory::Standard(1_000)),
        line("Déplacement", 1_000, 3_000, 0, VatCategory::Standard(2_000)),
    ];
    let inv = invoice("F-2026-0042", DocumentType::Invoice, business(), lines, 5_000);
    let summary = read::read_cii(&cii::to_xml(&inv)).unwrap();
    assert_eq!(summary.number, "F-2026-0042");
    assert_eq!(summary.type_code, "380");
    assert_eq!(summary.issue_date, Some(day(2026, 11, 30)));
    assert_eq!(summary.due_date, Some(day(2026, 12, 30)));
    assert_eq!(summary.currency, "EUR");
    assert_eq!(summary.seller_name, inv.seller.name);
    assert_eq!(summary.seller_siren, inv.seller.siren);
    assert_eq!(summary.buyer_siren, inv.buyer.siren);
    assert_eq!(
        (
            summary.total_ht_cents,
            summary.total_vat_cents,
            summary.total_ttc_cents,
            summary.due_cents
        ),
        (inv.totals.net, inv.totals.vat, inv.totals.gross, inv.totals.due)
    );
}
