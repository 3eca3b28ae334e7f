//! Invoices: the building-work cycle on a signed quote (deposit, situations,
//! final invoice with deductions, holdback), credit notes, payments, the
//! legal check, gapless numbering under parallel issues, tenancy, and every
//! PDF produced checked by the FNFE-MPE Factur-X validator.

use crate::support::quotes::{portal_token, ready_quote, signature_png, with_identity};
use crate::support::{Browser, TestApp, spawn_app};
use app::domain::quote_totals::Deposit;
use app::domain::{InvoiceId, QuoteId};
use app::error::AppError;
use app::infra::entity::{email, file, invoice};
use app::invoice::api::{
    CreateCreditNote, CreateInvoice, DeleteInvoice, FetchInvoice, InvoiceQuote, IssueInvoice, RecordPayment,
    ReleaseHoldback, SaveInvoice, SendInvoice,
};
use app::invoice::{FromQuote, InvoiceKind, InvoiceStatus, InvoiceView, PaymentInput, PaymentMethod};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::path::PathBuf;
use std::process::Command;

/// Runs the vendored FNFE-MPE validator on a PDF; panics with its report
/// when the invoice is not a valid Factur-X EN 16931 (French rules included).
pub fn assert_valid_facturx(name: &str, pdf: &[u8]) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = std::env::temp_dir().join("comptoir-facturx");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}-{}.pdf", uuid::Uuid::now_v7().simple()));
    std::fs::write(&path, pdf).unwrap();
    let venv = std::env::var("COMPTOIR_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/comptoir-venv"));
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
    assert!(out.status.success(), "{name} is not a valid Factur-X:\n{report}");
    let _ = std::fs::remove_file(path);
}

async fn email_to(app: &TestApp, to: &str) -> email::Model {
    email::Entity::find()
        .filter(email::Column::ToAddress.eq(to))
        .order_by_desc(email::Column::CreatedAt)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

/// A quote sent and signed by its client in the portal.
pub async fn signed_quote(app: &TestApp, owner: &Browser, client: &str) -> QuoteId {
    let id = ready_quote(owner, None, client).await;
    owner.call("send_quote", &[("id", &id)]).await.ok();
    let token = portal_token(&email_to(app, client).await.body_text);
    let png = signature_png();
    app.browser()
        .call(
            "sign_quote",
            &[
                ("token", &token),
                ("signer_name", "Claire Dubois"),
                ("signer_email", client),
                ("accepted", "true"),
                ("signature_png", &png),
            ],
        )
        .await
        .ok();
    id.parse().unwrap()
}

async fn pdf(owner: &Browser, id: InvoiceId) -> Vec<u8> {
    let reply = owner
        .client
        .get(format!("{}/app/invoices/{id}/pdf", owner.base))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(reply.headers()["content-type"], "application/pdf");
    reply.bytes().await.unwrap().to_vec()
}

async fn issue(owner: &Browser, id: InvoiceId) -> InvoiceView {
    owner.run(IssueInvoice { id }).await.unwrap()
}

fn payment(amount: i64, confirm: bool) -> PaymentInput {
    PaymentInput {
        paid_on: app::infra::time::paris_day(app::infra::time::now())
            .format("%Y-%m-%d")
            .to_string(),
        amount,
        method: PaymentMethod::Transfer,
        reference: "VIR-123".into(),
        confirm_overpayment: confirm,
    }
}

fn year() -> String {
    chrono::Utc::now().format("%Y").to_string()
}

#[tokio::test]
async fn deposit_payments_final_and_credit_note() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    let quote = signed_quote(&app, &owner, "claire@example.fr").await;
    // 1 890 € at 5,5 % + 192,50 € at 10 %: TTC 2 199,45 €.
    let quote_ttc = 189_000 + 15_750 + 3_500 + 10_395 + 1_925;

    // A deposit of 30 %.
    let deposit = owner
        .run_json(InvoiceQuote {
            quote_id: quote,
            what: FromQuote::Deposit(Deposit::Percent(3_000)),
        })
        .await
        .unwrap();
    let draft = owner.run(FetchInvoice { id: deposit }).await.unwrap();
    assert_eq!(draft.kind, InvoiceKind::Deposit);
    assert_eq!(draft.status, InvoiceStatus::Draft);
    assert!(
        (draft.totals.total_ttc - quote_ttc * 3 / 10).abs() <= 2,
        "{}",
        draft.totals.total_ttc
    );
    assert_eq!(draft.missing, vec![], "identity, client and mentions all known");
    let issued = issue(&owner, deposit).await;
    assert_eq!(issued.number, Some(format!("F-{}-0001", year())));
    assert_eq!(issued.status, InvoiceStatus::Issued);
    let deposit_pdf = pdf(&owner, deposit).await;
    assert_valid_facturx("deposit", &deposit_pdf);
    assert_eq!(deposit_pdf, pdf(&owner, deposit).await, "the stored copy");

    // An issued invoice is never edited nor deleted.
    let edit = owner
        .run_json(SaveInvoice {
            id: deposit,
            draft: issued.draft.clone(),
        })
        .await;
    assert!(
        matches!(&edit, Err(AppError::Conflict(m)) if m.contains("créez un avoir")),
        "{edit:?}"
    );
    let delete = owner.run(DeleteInvoice { id: deposit }).await;
    assert!(matches!(delete, Err(AppError::Conflict(_))), "{delete:?}");

    // Sent by email with the PDF.
    let sent = owner.run(SendInvoice { id: deposit }).await.unwrap();
    assert_eq!(sent.status, InvoiceStatus::Sent);
    let mail = email_to(&app, "claire@example.fr").await;
    assert!(mail.subject.contains(&format!("F-{}-0001", year())), "{}", mail.subject);
    assert!(mail.attachment_file_id.is_some());

    // Paid in two parts; a payment above the balance needs a confirmation.
    let ttc = issued.totals.total_ttc;
    owner
        .run_json(RecordPayment {
            id: deposit,
            payment: payment(20_000, false),
        })
        .await
        .unwrap();
    let partial = owner.run(FetchInvoice { id: deposit }).await.unwrap();
    assert_eq!(partial.status, InvoiceStatus::PartiallyPaid);
    assert_eq!(partial.balance, ttc - 20_000);
    let over = owner
        .run_json(RecordPayment {
            id: deposit,
            payment: payment(ttc, false),
        })
        .await
        .unwrap_err();
    assert!(
        over.field_message("amount").is_some_and(|m| m.contains("trop-perçu")),
        "{over:?}"
    );
    owner
        .run_json(RecordPayment {
            id: deposit,
            payment: payment(ttc - 20_000, false),
        })
        .await
        .unwrap();
    let paid = owner.run(FetchInvoice { id: deposit }).await.unwrap();
    assert_eq!(
        (paid.status, paid.balance, paid.payments.len()),
        (InvoiceStatus::Paid, 0, 2)
    );

    // The finance dashboard, from the aggregates kept in the same transactions.
    let d = owner
        .run(app::dashboard::api::FetchDashboard { period: None })
        .await
        .unwrap();
    let f = d.finance.expect("the owner sees the finances");
    let k = |key: &str| f.kpis.iter().find(|k| k.key == key).and_then(|k| k.value);
    assert_eq!(k("invoiced_month"), Some(ttc as f64));
    assert_eq!(k("collected_month"), Some(ttc as f64));
    assert_eq!(k("outstanding"), Some(0.0));
    assert_eq!(k("days_to_pay"), Some(0.0));
    assert_eq!(k("deposits_share"), Some(100.0));

    // The final invoice bills the quote minus the deposit, rate by rate.
    let final_id = owner
        .run_json(InvoiceQuote {
            quote_id: quote,
            what: FromQuote::Final,
        })
        .await
        .unwrap();
    let fin = owner.run(FetchInvoice { id: final_id }).await.unwrap();
    // HT exactly; VAT is computed on each invoice's own base, so the TTC of
    // the cycle may differ from the quote's by a cent per VAT rate.
    assert_eq!(fin.totals.total_ht, 189_000 + 15_750 + 3_500 - issued.totals.total_ht);
    assert!(
        (fin.totals.total_ttc - (quote_ttc - ttc)).abs() <= 2,
        "{} vs {}",
        fin.totals.total_ttc,
        quote_ttc - ttc
    );
    assert!(
        fin.draft
            .lines
            .iter()
            .any(|l| l.quantity < 0 && l.description.contains("F-"))
    );
    let fin = issue(&owner, final_id).await;
    assert_eq!(fin.number, Some(format!("F-{}-0002", year())));
    assert_valid_facturx("final", &pdf(&owner, final_id).await);
    let again = owner
        .run_json(InvoiceQuote {
            quote_id: quote,
            what: FromQuote::Final,
        })
        .await;
    assert!(
        matches!(again, Err(AppError::Conflict(_))),
        "one final invoice per quote"
    );

    // A partial credit note on the final invoice.
    let credit = owner
        .run(CreateCreditNote {
            id: final_id,
            full: false,
        })
        .await
        .unwrap();
    let mut cn = owner.run(FetchInvoice { id: credit }).await.unwrap();
    assert_eq!(cn.kind, InvoiceKind::CreditNote);
    cn.draft.lines[0].unit_price = 10_000;
    cn.draft.lines[0].description = "Geste commercial : retard de chantier".into();
    owner
        .run_json(SaveInvoice {
            id: credit,
            draft: cn.draft.clone(),
        })
        .await
        .unwrap();
    let cn = issue(&owner, credit).await;
    assert_eq!(cn.number, Some(format!("A-{}-0001", year())));
    assert_valid_facturx("credit-note", &pdf(&owner, credit).await);
    let corrected = owner.run(FetchInvoice { id: final_id }).await.unwrap();
    assert_eq!(corrected.credited, cn.totals.total_ttc);
    assert_eq!(corrected.balance, fin.totals.total_ttc - cn.totals.total_ttc);
    assert_eq!(corrected.credit_notes.len(), 1);

    // A credit note above what is left is refused at issue.
    let too_much = owner
        .run(CreateCreditNote {
            id: final_id,
            full: false,
        })
        .await
        .unwrap();
    let mut big = owner.run(FetchInvoice { id: too_much }).await.unwrap();
    big.draft.lines[0].unit_price = 10_000_000;
    owner
        .run_json(SaveInvoice {
            id: too_much,
            draft: big.draft.clone(),
        })
        .await
        .unwrap();
    let refused = owner.run(IssueInvoice { id: too_much }).await.unwrap_err();
    assert!(
        refused
            .field_message("lines")
            .is_some_and(|m| m.contains("n'a plus que") || m.contains("dépasse")),
        "{refused:?}"
    );

    // The FEC of the year: 18 columns, balanced entries, the paid deposit lettered.
    let fec = fec_of(&owner, &format!("{}-01-01", year()), &format!("{}-12-31", year())).await;
    assert_eq!(fec.0, format!("732829320FEC{}1231.txt", year()));
    let entries = balanced_entries(&fec.1);
    assert_eq!(entries.get("VT").copied(), Some(3), "deposit, final, credit note");
    assert_eq!(entries.get("BQ").copied(), Some(2), "two payments");
    let deposit_number = format!("F-{}-0001", year());
    let lettered: Vec<&str> = fec
        .1
        .lines()
        .filter(|l| l.split('\t').nth(13) == Some(deposit_number.as_str()))
        .collect();
    assert_eq!(
        lettered.len(),
        3,
        "the client line of the invoice and of both payments: {lettered:?}"
    );

    // The CSV lists, as French spreadsheets read them.
    let period = format!("from={0}-01-01&to={0}-12-31", year());
    for (file, rows, first) in [("invoices.csv", 3, "Numéro;Type"), ("payments.csv", 2, "Date;Facture")] {
        let reply = owner
            .client
            .get(format!("{}/app/accounting/{file}?{period}", owner.base))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200);
        let text = reply.text().await.unwrap();
        assert!(text.starts_with(&format!("\u{feff}{first}")), "{text}");
        assert_eq!(text.split("\r\n").filter(|l| !l.is_empty()).count(), rows + 1, "{text}");
    }
    let member = app.invite_and_join(&owner, "paul@martin.test", "member", "Paul").await;
    let refused = member
        .client
        .get(format!("{}/app/accounting/fec?{period}", member.base))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "the books are for owners, admins and accounting");
    app.stop().await;
}

/// Downloads a FEC: (file name, content).
pub async fn fec_of(browser: &Browser, from: &str, to: &str) -> (String, String) {
    let reply = browser
        .client
        .get(format!("{}/app/accounting/fec?from={from}&to={to}", browser.base))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let disposition = reply.headers()["content-disposition"].to_str().unwrap().to_string();
    let name = disposition
        .split("filename=\"")
        .nth(1)
        .unwrap()
        .trim_end_matches('"')
        .to_string();
    (name, reply.text().await.unwrap())
}

/// Checks the FEC's shape (18 columns, the header, dates, decimal commas)
/// and that every entry balances; returns the number of entries per journal.
pub fn balanced_entries(fec: &str) -> std::collections::HashMap<String, usize> {
    let mut lines = fec.split("\r\n").filter(|l| !l.is_empty());
    assert_eq!(lines.next().unwrap(), app::domain::fec::COLUMNS.join("\t"));
    let cents = |s: &str| -> i64 {
        let (euros, cents) = s.split_once(',').expect("decimal comma");
        euros.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap()
    };
    let mut sums: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
    let mut journals: std::collections::HashMap<String, std::collections::HashSet<String>> = Default::default();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 18, "{line}");
        assert!(
            f[3].len() == 8 && f[3].chars().all(|c| c.is_ascii_digit()),
            "date {line}"
        );
        let entry = sums.entry(f[2].to_string()).or_default();
        entry.0 += cents(f[11]);
        entry.1 += cents(f[12]);
        journals.entry(f[0].to_string()).or_default().insert(f[2].to_string());
    }
    for (number, (debit, credit)) in &sums {
        assert_eq!(debit, credit, "entry {number} balances");
    }
    journals.into_iter().map(|(j, e)| (j, e.len())).collect()
}

#[tokio::test]
async fn situations_holdback_and_a_final_invoice_that_would_go_negative() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    let quote = signed_quote(&app, &owner, "claire@example.fr").await;
    let quote_ttc = 189_000 + 15_750 + 3_500 + 10_395 + 1_925;

    let first = owner
        .run_json(InvoiceQuote {
            quote_id: quote,
            what: FromQuote::Progress(4_000),
        })
        .await
        .unwrap();
    let mut view = owner.run(FetchInvoice { id: first }).await.unwrap();
    view.draft.holdback_bp = 500;
    owner
        .run_json(SaveInvoice {
            id: first,
            draft: view.draft.clone(),
        })
        .await
        .unwrap();
    let first_view = issue(&owner, first).await;
    assert_eq!(first_view.holdback, (first_view.totals.total_ttc * 5 + 50) / 100);
    assert_eq!(first_view.balance, first_view.totals.total_ttc - first_view.holdback);
    assert_valid_facturx("situation-1-holdback", &pdf(&owner, first).await);

    let back = owner
        .run_json(InvoiceQuote {
            quote_id: quote,
            what: FromQuote::Progress(3_000),
        })
        .await
        .unwrap_err();
    assert!(
        back.field_message("progress").is_some(),
        "progress never goes back: {back:?}"
    );
    let second = owner
        .run_json(InvoiceQuote {
            quote_id: quote,
            what: FromQuote::Progress(7_500),
        })
        .await
        .unwrap();
    let second_view = issue(&owner, second).await;
    assert!(
        second_view
            .draft
            .lines
            .iter()
            .any(|l| l.description.contains("déjà facturé 40"))
    );
    assert_valid_facturx("situation-2", &pdf(&owner, second).await);

    let final_id = owner
        .run_json(InvoiceQuote {
            quote_id: quote,
            what: FromQuote::Final,
        })
        .await
        .unwrap();
    let fin = issue(&owner, final_id).await;
    let billed = first_view.totals.total_ttc + second_view.totals.total_ttc + fin.totals.total_ttc;
    assert!(
        (billed - quote_ttc).abs() <= 3,
        "the three invoices bill the quote: {billed} vs {quote_ttc}"
    );
    assert_valid_facturx("final-after-situations", &pdf(&owner, final_id).await);

    // Releasing the holdback makes it due.
    let released = owner.run(ReleaseHoldback { id: first }).await.unwrap();
    assert_eq!((released.holdback, released.balance), (0, first_view.totals.total_ttc));

    // With everything billed, a deposit is refused with its reason.
    let late = owner
        .run_json(InvoiceQuote {
            quote_id: quote,
            what: FromQuote::Deposit(Deposit::Percent(1_000)),
        })
        .await
        .unwrap_err();
    assert!(
        late.field_message("deposit").is_some() || matches!(late, AppError::Conflict(_)),
        "{late:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn missing_mentions_block_issuing_with_their_fields() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let id = owner.run(CreateInvoice {}).await.unwrap();
    let mut v = owner.run(FetchInvoice { id }).await.unwrap();
    v.draft.client.name = "SCI Les Tilleuls".into();
    v.draft.client.company = "SCI Les Tilleuls".into();
    v.draft.lines = vec![app::quote::LineInput::blank(app::domain::vat::VatRate::Standard)];
    v.draft.lines[0].description = "Entretien chaudière".into();
    v.draft.lines[0].unit_price = 12_000;
    let saved = owner
        .run_json(SaveInvoice {
            id,
            draft: v.draft.clone(),
        })
        .await
        .unwrap();
    let fields: Vec<&str> = saved.missing.iter().map(|m| m.field.as_str()).collect();
    for expected in [
        "settings.siret",
        "settings.insurer",
        "client.email",
        "client.siren",
        "site_address",
    ] {
        assert!(fields.contains(&expected), "{expected} missing from {fields:?}");
    }
    let refused = owner.run(IssueInvoice { id }).await.unwrap_err();
    assert!(refused.field_message("client.siren").is_some(), "{refused:?}");
    assert_eq!(
        invoice::Entity::find_by_id(id.0)
            .one(&app.state.db)
            .await
            .unwrap()
            .unwrap()
            .number,
        None,
        "no number taken by a refused issue"
    );

    // A malformed SIREN is named where it was typed; nothing is lost.
    v.draft.client.siren = "123".into();
    let bad = owner
        .run_json(SaveInvoice {
            id,
            draft: v.draft.clone(),
        })
        .await
        .unwrap_err();
    assert!(bad.field_message("client.siren").is_some(), "{bad:?}");
    let kept = owner.run(FetchInvoice { id }).await.unwrap();
    assert_eq!(kept.draft.lines[0].description, "Entretien chaudière");
    app.stop().await;
}

#[tokio::test]
async fn a_b2b_subcontracting_invoice_under_reverse_charge_is_valid() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    let id = owner.run(CreateInvoice {}).await.unwrap();
    let mut v = owner.run(FetchInvoice { id }).await.unwrap();
    let d = &mut v.draft;
    d.title = "Sous-traitance lot plomberie".into();
    d.client.name = "Marc Leroy".into();
    d.client.company = "Bâti Rhône SAS".into();
    d.client.email = "compta@bati-rhone.fr".into();
    d.client.address = "8 quai Perrache".into();
    d.client.postcode = "69002".into();
    d.client.city = "Lyon".into();
    d.client.siren = "552100554".into();
    d.client.vat_number = "FR40552100554".into();
    d.site_address = "14 rue Garibaldi".into();
    d.site_postcode = "69006".into();
    d.site_city = "Lyon".into();
    d.reverse_charge = true;
    let mut labour = app::quote::LineInput::blank(app::domain::vat::VatRate::Zero);
    labour.description = "Pose des réseaux, main-d'œuvre".into();
    labour.quantity = 24_000;
    labour.unit = app::domain::vat::Unit::Hour;
    labour.unit_price = 4_800;
    let mut travel = labour.clone();
    travel.description = "Déplacement".into();
    travel.quantity = 1_000;
    travel.unit = app::domain::vat::Unit::Flat;
    travel.unit_price = 3_000;
    d.lines = vec![labour, travel];
    let saved = owner
        .run_json(SaveInvoice {
            id,
            draft: v.draft.clone(),
        })
        .await
        .unwrap();
    assert_eq!(saved.missing, vec![]);
    assert_eq!(saved.totals.total_vat, 0);
    issue(&owner, id).await;
    let bytes = pdf(&owner, id).await;
    assert_valid_facturx("autoliquidation-b2b", &bytes);
    // Same invoice, same bytes: rendering the stored invoice again gives the stored PDF.
    let row = invoice::Entity::find_by_id(id.0)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let again = app::invoice::issue::pdf_of(&app.state.db, &app.state, &row)
        .await
        .unwrap();
    assert_eq!(again, bytes);
    let stored = file::Entity::find_by_id(row.pdf_file_id.unwrap())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.bytes, bytes);
    app.stop().await;
}

#[tokio::test]
async fn eight_invoices_issued_in_parallel_get_gapless_numbers() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    let mut ids = Vec::new();
    for i in 0..8 {
        let id = owner.run(CreateInvoice {}).await.unwrap();
        let mut v = owner.run(FetchInvoice { id }).await.unwrap();
        let d = &mut v.draft;
        d.title = format!("Intervention {i}");
        d.client.name = "Claire Dubois".into();
        d.client.email = format!("client{i}@example.fr");
        d.client.address = "3 place Bellecour".into();
        d.client.postcode = "69002".into();
        d.client.city = "Lyon".into();
        d.site_address = "3 place Bellecour".into();
        d.site_postcode = "69002".into();
        d.site_city = "Lyon".into();
        let mut line = app::quote::LineInput::blank(app::domain::vat::VatRate::Standard);
        line.description = "Dépannage".into();
        line.unit_price = 9_000 + i;
        d.lines = vec![line];
        owner
            .run_json(SaveInvoice {
                id,
                draft: v.draft.clone(),
            })
            .await
            .unwrap();
        ids.push(id);
    }
    let issues = ids.iter().map(|id| {
        let owner = owner.clone();
        let id = *id;
        async move { owner.run(IssueInvoice { id }).await }
    });
    for result in futures::future::join_all(issues).await {
        result.unwrap();
    }
    let rows = invoice::Entity::find()
        .order_by_asc(invoice::Column::IssuedAt)
        .all(&app.state.db)
        .await
        .unwrap();
    let numbers: Vec<String> = rows.iter().map(|r| r.number.clone().unwrap()).collect();
    let expected: Vec<String> = (1..=8).map(|n| format!("F-{}-{n:04}", year())).collect();
    assert_eq!(numbers, expected, "gapless, and in the order of issuing");
    // Issuing the same draft twice at once: one number.
    let twice = owner.run(IssueInvoice { id: ids[0] }).await.unwrap_err();
    assert!(matches!(twice, AppError::Conflict(_)));
    app.stop().await;
}

#[tokio::test]
async fn another_workspace_sees_nothing_and_members_cannot_issue() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    let quote = signed_quote(&app, &owner, "claire@example.fr").await;
    let id = owner
        .run_json(InvoiceQuote {
            quote_id: quote,
            what: FromQuote::Deposit(Deposit::Percent(3_000)),
        })
        .await
        .unwrap();
    let other = app.owner("eve@rival.test", "Rival", "artisan").await;
    for result in [
        other.run(FetchInvoice { id }).await.map(|_| ()),
        other.run(IssueInvoice { id }).await.map(|_| ()),
        other.run(DeleteInvoice { id }).await,
        other.run(CreateCreditNote { id, full: true }).await.map(|_| ()),
        other
            .run_json(RecordPayment {
                id,
                payment: payment(100, false),
            })
            .await
            .map(|_| ()),
        other
            .run_json(InvoiceQuote {
                quote_id: quote,
                what: FromQuote::Final,
            })
            .await
            .map(|_| ()),
    ] {
        assert!(matches!(result, Err(AppError::NotFound)), "{result:?}");
    }
    let stolen = other
        .client
        .get(format!("{}/app/invoices/{id}/pdf", other.base))
        .send()
        .await
        .unwrap();
    assert_eq!(stolen.status(), 404);
    let member = app.invite_and_join(&owner, "paul@martin.test", "member", "Paul").await;
    let forbidden = member.run(IssueInvoice { id }).await;
    assert!(matches!(forbidden, Err(AppError::Forbidden)), "{forbidden:?}");
    app.stop().await;
}

#[tokio::test]
async fn unpaid_reminders_are_planned_rechecked_and_stoppable() {
    use app::infra::entity::queue_job;
    use app::invoice::api::SetInvoiceReminders;
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    let quote = signed_quote(&app, &owner, "claire@example.fr").await;
    let id = owner
        .run_json(InvoiceQuote {
            quote_id: quote,
            what: FromQuote::Deposit(Deposit::Percent(3_000)),
        })
        .await
        .unwrap();
    let issued = issue(&owner, id).await;
    let due = chrono::NaiveDate::parse_from_str(&issued.due_date, "%Y-%m-%d").unwrap();
    let mut planned: Vec<chrono::DateTime<chrono::Utc>> = queue_job::Entity::find()
        .filter(queue_job::Column::Kind.eq("invoice_reminder"))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.run_at)
        .collect();
    planned.sort();
    let expected: Vec<_> = [-3, 7, 30]
        .into_iter()
        .map(|d| app::invoice::scheduled::reminder_instant(due, d))
        .collect();
    assert_eq!(planned, expected, "D-3, D+7, D+30 at 9:00 Paris");

    let reminders = |app: &TestApp| {
        let db = app.state.db.clone();
        async move {
            email::Entity::find()
                .filter(email::Column::ToAddress.eq("claire@example.fr"))
                .filter(email::Column::Kind.eq(app::outbox::EmailKind::InvoiceReminder))
                .all(&db)
                .await
                .unwrap()
        }
    };
    // The D+7 job, run now: the client is reminded, with the PDF.
    app::invoice::scheduled::remind(&app.state, id.0, 7).await.unwrap();
    let sent = reminders(&app).await;
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].subject.starts_with("Rappel : facture F-"),
        "{}",
        sent[0].subject
    );
    assert!(sent[0].attachment_file_id.is_some());
    // Stopped on the invoice: the next job does nothing.
    let stopped = owner.run(SetInvoiceReminders { id, enabled: false }).await.unwrap();
    assert!(!stopped.reminders_enabled);
    app::invoice::scheduled::remind(&app.state, id.0, 30).await.unwrap();
    assert_eq!(reminders(&app).await.len(), 1);
    // Resumed, then paid: still nothing (the job re-checks the invoice).
    owner.run(SetInvoiceReminders { id, enabled: true }).await.unwrap();
    owner
        .run_json(RecordPayment {
            id,
            payment: payment(issued.totals.total_ttc, false),
        })
        .await
        .unwrap();
    app::invoice::scheduled::remind(&app.state, id.0, 30).await.unwrap();
    assert_eq!(reminders(&app).await.len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn a_final_draft_outdated_by_a_credit_note_is_refused_at_issue() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    let quote = signed_quote(&app, &owner, "claire@example.fr").await;
    let deposit = owner
        .run_json(InvoiceQuote {
            quote_id: quote,
            what: FromQuote::Deposit(Deposit::Percent(3_000)),
        })
        .await
        .unwrap();
    issue(&owner, deposit).await;
    let final_id = owner
        .run_json(InvoiceQuote {
            quote_id: quote,
            what: FromQuote::Final,
        })
        .await
        .unwrap();
    // The deposit is cancelled after the final draft deducted it.
    let credit = owner
        .run(CreateCreditNote {
            id: deposit,
            full: true,
        })
        .await
        .unwrap();
    issue(&owner, credit).await;
    let stale = owner.run(IssueInvoice { id: final_id }).await.unwrap_err();
    assert!(
        matches!(&stale, AppError::Conflict(m) if m.contains("recréez")),
        "{stale:?}"
    );
    // Made again, it bills the whole quote.
    owner.run(DeleteInvoice { id: final_id }).await.unwrap();
    let again = owner
        .run_json(InvoiceQuote {
            quote_id: quote,
            what: FromQuote::Final,
        })
        .await
        .unwrap();
    let fin = issue(&owner, again).await;
    assert_eq!(fin.totals.total_ht, 189_000 + 15_750 + 3_500);
    assert_valid_facturx("final-after-credited-deposit", &pdf(&owner, again).await);
    app.stop().await;
}

#[tokio::test]
async fn two_final_invoices_requested_at_once_make_one_draft() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    let quote = signed_quote(&app, &owner, "claire@example.fr").await;
    let asks = (0..2).map(|_| {
        let owner = owner.clone();
        async move {
            owner
                .run_json(InvoiceQuote {
                    quote_id: quote,
                    what: FromQuote::Final,
                })
                .await
        }
    });
    let results = futures::future::join_all(asks).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert!(
        results.iter().any(|r| matches!(r, Err(AppError::Conflict(_)))),
        "{results:?}"
    );
    let drafts = invoice::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(drafts.len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn a_situation_per_line_bills_each_line_at_its_own_progress() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    let quote = signed_quote(&app, &owner, "claire@example.fr").await;
    let quote_ht = 189_000 + 15_750 + 3_500;

    // The water heater installed, the labour half done, the travel not yet.
    let first = owner
        .run_json(InvoiceQuote {
            quote_id: quote,
            what: FromQuote::ProgressLines(vec![10_000, 5_000, 0]),
        })
        .await
        .unwrap();
    let draft = owner.run(FetchInvoice { id: first }).await.unwrap();
    assert_eq!(draft.kind, InvoiceKind::Progress);
    assert_eq!(draft.draft.lines.len(), 2, "the line not started is left out");
    assert!(
        draft.draft.lines[1].description.contains("avancement 50"),
        "{:?}",
        draft.draft.lines
    );
    assert_eq!(draft.totals.total_ht, 189_000 + 7_875);
    // Planned again at issue from its own lines: still the same.
    let issued = issue(&owner, first).await;
    assert_eq!(issued.status, InvoiceStatus::Issued);
    assert_valid_facturx("situation-per-line", &pdf(&owner, first).await);

    // A line cannot go back, and every line of the quote is expected.
    for (targets, needle) in [(vec![10_000, 4_000, 0], "Main-d'œuvre"), (vec![10_000], "chaque ligne")] {
        let refused = owner
            .run_json(InvoiceQuote {
                quote_id: quote,
                what: FromQuote::ProgressLines(targets),
            })
            .await
            .unwrap_err();
        assert!(
            refused
                .field_message("progress_lines")
                .is_some_and(|m| m.contains(needle)),
            "{refused:?}"
        );
    }

    // Then only the labour moves on; the other lines stay as they were.
    let second = owner
        .run_json(InvoiceQuote {
            quote_id: quote,
            what: FromQuote::ProgressLines(vec![-1, 10_000, -1]),
        })
        .await
        .unwrap();
    let second = issue(&owner, second).await;
    assert_eq!(second.totals.total_ht, 7_875, "the labour's second half only");

    // The final invoice bills exactly what is left.
    let last = owner
        .run_json(InvoiceQuote {
            quote_id: quote,
            what: FromQuote::Final,
        })
        .await
        .unwrap();
    let last = issue(&owner, last).await;
    assert_eq!(
        issued.totals.total_ht + second.totals.total_ht + last.totals.total_ht,
        quote_ht
    );
    app.stop().await;
}
