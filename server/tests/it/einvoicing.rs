//! E-invoicing through a Plateforme Agréée: the local folder platform (the
//! default) and the AFNOR XP Z12-013 API against an in-process platform.
//! Sending (one winner, a lost answer or an outage retried without a double
//! send, a rejection kept with its reason), lifecycle statuses shown and
//! recorded as events, payments reported as 212 with the amount per VAT
//! rate, supplier invoices received with their Factur-X data, the directory
//! filling the buyer's electronic address, and tenancy.

use crate::invoices::assert_valid_facturx;
use crate::support::pa::FakePa;
use crate::support::quotes::with_identity;
use crate::support::{Browser, Options, TestApp, spawn_app, spawn_app_with};
use app::domain::InvoiceId;
use app::domain::vat::{Unit, VatRate};
use app::error::AppError;
use app::infra::entity::{domain_event, invoice, queue_job};
use app::invoice::api::{CreateInvoice, FetchInvoice, IssueInvoice, RecordPayment, SaveInvoice};
use app::invoice::einvoicing::api::{
    FetchEinvoiceState, FetchEinvoicing, LookupDirectory, SyncEinvoicing, TransmitInvoice,
};
use app::invoice::einvoicing::{EInvoiceState, EInvoicingPage};
use app::invoice::{FlowKind, PaymentInput, PaymentMethod};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::time::Duration;

const OUR_SIREN: &str = "732829320";
const SUPPLIER_SIRET: &str = "55210055400013";
const SUPPLIER_SIREN: &str = "552100554";

/// Business settings naming the company `legal_name` with `siret`.
fn identity(legal_name: &str, siret: &str) -> serde_json::Value {
    serde_json::json!({"settings": {
        "identity": {"legal_name": legal_name, "legal_form": "SAS", "siret": siret,
            "registry": "RCS Lyon 552 100 554", "vat_number": "FR40552100554", "address": "8 quai Perrache",
            "postcode": "69002", "city": "Lyon", "building_work": false, "insurer": "",
            "insurance_policy": "", "insurance_cover": ""},
        "phone": "", "email": "", "accent_color": "#1d4ed8", "template": "modern", "header_text": "",
        "footer_text": "", "conditions_text": "", "payment_terms": "À réception.", "validity_days": 30,
        "reminders_enabled": true, "reminder_days": "2,7", "allow_decline": true}})
}

/// The supplier's legal identity (another SIRET than `with_identity`).
async fn supplier_identity(owner: &Browser) {
    let settings = identity("Bâti Rhône SAS", SUPPLIER_SIRET);
    owner.call_json("save_business_settings", &settings).await.ok();
}

/// A saved B2B draft to `siren`: 10 h at 48 € (20 %) and a 35 € part at 5,5 %
/// is not allowed outside building work, so both lines are at 20 %.
async fn b2b_draft(owner: &Browser, company: &str, siren: &str) -> InvoiceId {
    let id = owner.run(CreateInvoice {}).await.unwrap();
    let mut v = owner.run(FetchInvoice { id }).await.unwrap();
    let d = &mut v.draft;
    d.title = "Maintenance annuelle".into();
    d.client.name = "Service comptabilité".into();
    d.client.company = company.into();
    d.client.email = "compta@client.test".into();
    d.client.address = "3 rue de la République".into();
    d.client.postcode = "69001".into();
    d.client.city = "Lyon".into();
    d.client.siren = siren.into();
    d.site_address = "3 rue de la République".into();
    d.site_postcode = "69001".into();
    d.site_city = "Lyon".into();
    let mut labour = app::quote::LineInput::blank(VatRate::Standard);
    labour.description = "Main-d'œuvre".into();
    labour.quantity = 10_000;
    labour.unit = Unit::Hour;
    labour.unit_price = 4_800;
    let mut part = labour.clone();
    part.description = "Pièces".into();
    part.quantity = 1_000;
    part.unit = Unit::Flat;
    part.unit_price = 3_500;
    d.lines = vec![labour, part];
    let saved = owner
        .run_json(SaveInvoice {
            id,
            draft: v.draft.clone(),
        })
        .await
        .unwrap();
    assert_eq!(saved.missing, vec![], "a complete B2B draft");
    id
}

async fn issued_b2b(owner: &Browser, company: &str, siren: &str) -> InvoiceId {
    let id = b2b_draft(owner, company, siren).await;
    owner.run(IssueInvoice { id }).await.unwrap();
    id
}

async fn pdf(owner: &Browser, id: InvoiceId) -> Vec<u8> {
    let reply = owner
        .client
        .get(format!("{}/app/invoices/{id}/pdf", owner.base))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    reply.bytes().await.unwrap().to_vec()
}

async fn state(owner: &Browser, id: InvoiceId) -> EInvoiceState {
    owner.run(FetchEinvoiceState { id }).await.unwrap()
}

/// Waits (the job worker runs the sends) until `done` holds.
async fn wait_for(owner: &Browser, id: InvoiceId, what: &str, done: impl Fn(&EInvoiceState) -> bool) -> EInvoiceState {
    for _ in 0..100 {
        let s = state(owner, id).await;
        if done(&s) {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: {:?}", state(owner, id).await);
}

fn payment(amount: i64) -> PaymentInput {
    PaymentInput {
        paid_on: app::infra::time::paris_day(app::infra::time::now())
            .format("%Y-%m-%d")
            .to_string(),
        amount,
        method: PaymentMethod::Transfer,
        reference: "VIR-42".into(),
        confirm_overpayment: false,
    }
}

async fn lifecycle_events(app: &TestApp) -> usize {
    domain_event::Entity::find()
        .filter(domain_event::Column::Kind.eq("invoice_lifecycle"))
        .all(&app.state.db)
        .await
        .unwrap()
        .len()
}

/// A lifecycle message from our client about one of our invoices, reached
/// `minutes_ago`, addressed to `recipient`.
fn status_message(number: &str, status: u16, minutes_ago: i64, recipient: &str) -> Vec<u8> {
    let now = chrono::Utc::now();
    facturx::cdar::to_xml(&facturx::cdar::Lifecycle {
        id: format!("LC-{number}-{status}"),
        at: (now - chrono::TimeDelta::minutes(minutes_ago)).naive_utc(),
        sender_siren: SUPPLIER_SIREN.into(),
        recipient_siren: recipient.into(),
        invoice_number: number.into(),
        invoice_date: app::infra::time::paris_day(now),
        invoice_type: "380".into(),
        status,
        reason: None,
        amounts: vec![],
    })
    .into_bytes()
}

#[tokio::test]
async fn the_local_platform_acknowledges_reports_payments_and_receives_supplier_invoices() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    let folder = app.dir.join("einvoicing").join(OUR_SIREN);

    // A draft, or an invoice to a consumer, does not go through the platform.
    let draft = b2b_draft(&owner, "Bâti Rhône SAS", SUPPLIER_SIREN).await;
    let refused = owner.run(TransmitInvoice { id: draft }).await;
    assert!(
        matches!(&refused, Err(AppError::Conflict(m)) if m.contains("Émettez")),
        "{refused:?}"
    );
    owner.run(IssueInvoice { id: draft }).await.unwrap();
    let s = state(&owner, draft).await;
    assert!(s.can_transmit && s.status.is_none() && s.history.is_empty(), "{s:?}");
    assert_eq!(s.address, SUPPLIER_SIREN, "no directory line: the SIREN is the address");

    // Sent once: the platform acknowledges with 200 « Déposée ».
    owner.run(TransmitInvoice { id: draft }).await.unwrap();
    let twice = owner.run(TransmitInvoice { id: draft }).await;
    assert!(
        matches!(&twice, Err(AppError::Conflict(m)) if m.contains("déjà transmise")),
        "{twice:?}"
    );
    let s = wait_for(&owner, draft, "200 Déposée", |s| s.status == Some(200)).await;
    assert!(!s.can_transmit && !s.pending && s.flow_id.is_some());
    let kinds: Vec<FlowKind> = s.history.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, vec![FlowKind::Invoice, FlowKind::Lifecycle]);
    let sent_pdf = std::fs::read(folder.join("sent").join(format!("{}.pdf", s.flow_id.clone().unwrap()))).unwrap();
    assert_eq!(sent_pdf, pdf(&owner, draft).await, "the issued Factur-X, byte for byte");
    assert_eq!(lifecycle_events(&app).await, 1, "recorded as a domain event");

    // A payment is reported as 212 « Encaissée » with its amount per rate.
    let v = owner.run(FetchInvoice { id: draft }).await.unwrap();
    owner
        .run_json(RecordPayment {
            id: draft,
            payment: payment(20_000),
        })
        .await
        .unwrap();
    let s = wait_for(&owner, draft, "212 Encaissée", |s| s.status == Some(212)).await;
    assert_eq!(s.history.last().map(|f| f.kind), Some(FlowKind::Payment));
    let report = std::fs::read_dir(folder.join("sent"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "xml"))
        .expect("the CDAR sent");
    let cdar = facturx::cdar::parse(&std::fs::read_to_string(report).unwrap()).unwrap();
    assert_eq!(
        (cdar.status, cdar.invoice_number.as_str()),
        (212, v.number.as_deref().unwrap())
    );
    assert_eq!(cdar.amounts, vec![(2_000, 20_000)]);

    // A supplier's Factur-X (another workspace's invoice to us), a status
    // about an invoice we never issued, and a stray file arrive.
    let supplier = app.owner("nadia@bati-rhone.test", "Bâti Rhône", "artisan").await;
    supplier_identity(&supplier).await;
    let theirs = issued_b2b(&supplier, "Plomberie Martin SARL", OUR_SIREN).await;
    let their_pdf = pdf(&supplier, theirs).await;
    let inbox = folder.join("inbox");
    std::fs::write(inbox.join("30000000-supplier.pdf"), &their_pdf).unwrap();
    std::fs::write(
        inbox.join("30000001-status.xml"),
        status_message("F-1999-0001", 205, 0, OUR_SIREN),
    )
    .unwrap();
    std::fs::write(inbox.join("30000002-notes.xml"), b"<notes/>").unwrap();
    // (The scheduler also reads every minute: the counts are checked on the page.)
    owner.run(SyncEinvoicing {}).await.unwrap();
    let again = owner.run(SyncEinvoicing {}).await.unwrap();
    assert_eq!(
        (again.invoices, again.statuses, again.unreadable),
        (0, 0, 0),
        "read once"
    );

    let page: EInvoicingPage = owner.run(FetchEinvoicing {}).await.unwrap();
    assert_eq!(page.adapter, "local");
    assert_eq!(page.siren, OUR_SIREN);
    let received = &page.received[0];
    let their_view = supplier.run(FetchInvoice { id: theirs }).await.unwrap();
    assert_eq!(received.seller_siren, SUPPLIER_SIREN);
    assert_eq!(received.seller_name, "Bâti Rhône SAS");
    assert_eq!(Some(received.number.clone()), their_view.number);
    assert_eq!(
        (received.total_ht, received.total_vat, received.total_ttc),
        (
            their_view.totals.total_ht,
            their_view.totals.total_vat,
            their_view.totals.total_ttc
        )
    );
    assert!(
        page.flows.iter().any(|f| f.detail.contains("F-1999-0001 inconnue")),
        "{:?}",
        page.flows
    );
    let download = owner
        .client
        .get(format!("{}/app/einvoicing/received/{}", owner.base, received.id))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(download.bytes().await.unwrap().to_vec(), their_pdf);

    // Another workspace reaches none of it.
    let stolen = supplier
        .client
        .get(format!("{}/app/einvoicing/received/{}", supplier.base, received.id))
        .send()
        .await
        .unwrap();
    assert_eq!(stolen.status(), 404);
    for result in [
        supplier.run(TransmitInvoice { id: draft }).await,
        supplier.run(FetchEinvoiceState { id: draft }).await.map(|_| ()),
        supplier.run(LookupDirectory { id: draft }).await.map(|_| ()),
    ] {
        assert!(matches!(result, Err(AppError::NotFound)), "{result:?}");
    }
    // The local platform delivered our invoice to the supplier's workspace
    // (its SIREN is our client's), as a supplier invoice of its own.
    supplier.run(SyncEinvoicing {}).await.unwrap();
    let theirs_page = supplier.run(FetchEinvoicing {}).await.unwrap();
    assert!(theirs_page.received.iter().all(|r| r.id != received.id));
    assert!(
        theirs_page
            .received
            .iter()
            .any(|r| r.seller_siren == OUR_SIREN && Some(r.number.clone()) == v.number),
        "{:?}",
        theirs_page.received
    );
    // A workspace claiming our SIREN cannot speak for us on the platform, and
    // ours keeps its company.
    let impostor = app.owner("eve@imposteur.test", "Imposteur", "artisan").await;
    with_identity(&impostor).await;
    let claimed = impostor.run(SyncEinvoicing {}).await;
    assert!(
        matches!(&claimed, Err(AppError::Conflict(m)) if m.contains("déjà inscrit")),
        "{claimed:?}"
    );
    let theirs_too = issued_b2b(&impostor, "Bâti Rhône SAS", SUPPLIER_SIREN).await;
    let claimed = impostor.run(TransmitInvoice { id: theirs_too }).await;
    assert!(
        matches!(&claimed, Err(AppError::Conflict(m)) if m.contains("déjà inscrit")),
        "{claimed:?}"
    );
    assert!(impostor.run(FetchEinvoicing {}).await.unwrap().received.is_empty());
    let moved = identity("Plomberie Martin SARL", SUPPLIER_SIRET);
    let locked = owner.call_json("save_business_settings", &moved).await.error();
    assert!(
        locked.field_message("siret").is_some_and(|m| m.contains(OUR_SIREN)),
        "{locked:?}"
    );

    let member = app.invite_and_join(&owner, "paul@martin.test", "member", "Paul").await;
    let forbidden = member.run(SyncEinvoicing {}).await;
    assert!(matches!(forbidden, Err(AppError::Forbidden)), "{forbidden:?}");
    app.stop().await;
}

/// Makes the queued jobs due now (a retry waits for its backoff).
async fn jobs_due_now(app: &TestApp) {
    queue_job::Entity::update_many()
        .col_expr(
            queue_job::Column::RunAt,
            Expr::value(chrono::Utc::now() - chrono::TimeDelta::seconds(1)),
        )
        .filter(queue_job::Column::Status.eq(app::infra::entity::queue_job::QueueStatus::Queued))
        .exec(&app.state.db)
        .await
        .unwrap();
    app.state.queue_wakeup.notify_waiters();
}

#[tokio::test]
async fn the_afnor_platform_sends_follows_reports_and_receives() {
    let pa = FakePa::start().await;
    pa.state.lock().unwrap().directory.insert(
        SUPPLIER_SIREN.into(),
        ("BATI RHONE".into(), format!("{SUPPLIER_SIREN}_FACTURATION")),
    );
    let app = spawn_app_with(Options {
        platform: Some(pa.config()),
        ..Options::default()
    })
    .await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;

    // The directory fills the buyer's electronic address of the draft; the
    // issued Factur-X carries it (BT-49) and stays valid.
    let id = b2b_draft(&owner, "Bâti Rhône SAS", SUPPLIER_SIREN).await;
    let found = owner.run(LookupDirectory { id }).await.unwrap();
    assert!(found.found, "{found:?}");
    assert_eq!(found.address, format!("{SUPPLIER_SIREN}_FACTURATION"));
    owner.run(IssueInvoice { id }).await.unwrap();
    let bytes = pdf(&owner, id).await;
    assert_valid_facturx("pa-directory-address", &bytes);
    let xml = facturx::extract::embedded_xml(&bytes).expect("factur-x.xml");
    assert!(
        xml.contains(&format!(">{SUPPLIER_SIREN}_FACTURATION<")),
        "BT-49 from the directory"
    );
    let number = owner.run(FetchInvoice { id }).await.unwrap().number.unwrap();

    // An outage, then an answer lost after the platform stored the flow:
    // retried, sent exactly once.
    pa.state.lock().unwrap().unavailable = true;
    owner.run(TransmitInvoice { id }).await.unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(state(&owner, id).await.pending, "waiting for the platform");
    {
        let mut s = pa.state.lock().unwrap();
        s.unavailable = false;
        s.lose_next_answer = true;
    }
    // Retried (without waiting for the backoff) until the lost answer happened…
    for _ in 0..100 {
        if !pa.state.lock().unwrap().lose_next_answer {
            break;
        }
        jobs_due_now(&app).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!pa.state.lock().unwrap().lose_next_answer, "the job was retried");
    // … then once more: the platform already has it.
    let mut s = state(&owner, id).await;
    for _ in 0..100 {
        if s.flow_id.is_some() {
            break;
        }
        jobs_due_now(&app).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        s = state(&owner, id).await;
    }
    let sent: Vec<_> = pa
        .sent()
        .into_iter()
        .filter(|f| f.tracking_id == id.to_string())
        .collect();
    assert_eq!(sent.len(), 1, "one flow despite the lost answer");
    assert_eq!(s.flow_id.as_deref(), Some(sent[0].flow_id.as_str()));
    assert_eq!(
        (sent[0].syntax.as_str(), sent[0].organization.as_str()),
        ("Factur-X", OUR_SIREN)
    );
    assert_eq!(sent[0].bytes, bytes);

    // Statuses come back; one delivered late (reached before the current
    // one) joins the history without replacing it; one addressed to another
    // company changes nothing.
    let lc = |status, minutes_ago, to| status_message(&number, status, minutes_ago, to);
    pa.push_incoming(OUR_SIREN, "CustomerInvoiceLC", "lc-202.xml", lc(202, 30, OUR_SIREN));
    pa.push_incoming(OUR_SIREN, "CustomerInvoiceLC", "lc-205.xml", lc(205, 10, OUR_SIREN));
    pa.push_incoming(OUR_SIREN, "CustomerInvoiceLC", "lc-204.xml", lc(204, 20, OUR_SIREN));
    pa.push_incoming(OUR_SIREN, "CustomerInvoiceLC", "lc-210.xml", lc(210, 0, SUPPLIER_SIREN));
    owner.run(SyncEinvoicing {}).await.unwrap();
    let s = state(&owner, id).await;
    assert_eq!(s.status, Some(205));
    let codes: Vec<Option<i32>> = s.history.iter().map(|f| f.status).collect();
    assert_eq!(codes, vec![None, Some(202), Some(205), Some(204)]);
    assert_eq!(lifecycle_events(&app).await, 3);
    let journal = owner.run(FetchEinvoicing {}).await.unwrap().flows;
    assert!(
        journal.iter().any(|f| f.detail.contains("autre entreprise")),
        "{journal:?}"
    );

    // Payment reported as 212 with the amount per VAT rate.
    owner
        .run_json(RecordPayment {
            id,
            payment: payment(30_000),
        })
        .await
        .unwrap();
    wait_for(&owner, id, "212", |s| s.status == Some(212)).await;
    let report = pa
        .sent()
        .into_iter()
        .find(|f| f.syntax == "CDAR")
        .expect("the 212 sent");
    assert_eq!(report.flow_type, "CustomerInvoiceLC");
    let cdar = facturx::cdar::parse(&String::from_utf8(report.bytes).unwrap()).unwrap();
    assert_eq!((cdar.status, cdar.invoice_number.as_str()), (212, number.as_str()));
    assert_eq!(cdar.amounts.iter().map(|(_, c)| c).sum::<i64>(), 30_000);

    // A rejected invoice keeps the platform's reason, and is not retried.
    let second = issued_b2b(&owner, "Bâti Rhône SAS", SUPPLIER_SIREN).await;
    pa.state.lock().unwrap().reject_next = Some("Destinataire inconnu de l'annuaire".into());
    owner.run(TransmitInvoice { id: second }).await.unwrap();
    let s = wait_for(&owner, second, "213", |s| s.status == Some(213)).await;
    assert_eq!(s.detail.as_deref(), Some("Destinataire inconnu de l'annuaire"));
    let row = invoice::Entity::find_by_id(second.0)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.pa_status, Some(213));

    // A supplier invoice arrives through the platform, read from its Factur-X.
    let supplier = app.owner("nadia@bati-rhone.test", "Bâti Rhône", "artisan").await;
    supplier_identity(&supplier).await;
    let theirs = issued_b2b(&supplier, "Plomberie Martin SARL", OUR_SIREN).await;
    pa.push_incoming(
        OUR_SIREN,
        "SupplierInvoice",
        "facture.pdf",
        pdf(&supplier, theirs).await,
    );
    // One addressed to another company is not taken.
    pa.push_incoming(OUR_SIREN, "SupplierInvoice", "other.pdf", pdf(&owner, second).await);
    owner.run(SyncEinvoicing {}).await.unwrap();
    let page: EInvoicingPage = owner.run(FetchEinvoicing {}).await.unwrap();
    assert_eq!(page.adapter, "afnor");
    assert_eq!(page.received.len(), 1);
    assert_eq!(page.received[0].seller_siren, SUPPLIER_SIREN);
    assert!(page.flows.iter().any(|f| f.detail.contains("autre entreprise")));

    // Every call named the workspace; one token served them all.
    let (organizations, tokens) = {
        let s = pa.state.lock().unwrap();
        (s.organizations.clone(), s.tokens_issued)
    };
    assert!(organizations.iter().all(|o| o == OUR_SIREN), "{organizations:?}");
    assert_eq!(tokens, 1);
    app.stop().await;
}

#[tokio::test]
async fn the_fec_uses_the_chart_of_accounts_of_the_settings() {
    use app::invoice::api::{FetchInvoiceSettings, SaveInvoiceSettings};
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    let mut settings = owner.run(FetchInvoiceSettings {}).await.unwrap();
    assert_eq!(settings.accounts, Some(app::invoice::ChartOfAccounts::default()));

    // A revenue account where the clients go, and letters, are refused at their field.
    let accounts = settings.accounts.as_mut().unwrap();
    accounts.clients = "706000".into();
    accounts.bank = "51A".into();
    let refused = owner
        .run_json(SaveInvoiceSettings {
            settings: settings.clone(),
        })
        .await
        .unwrap_err();
    assert!(
        refused
            .field_message("accounts.clients")
            .is_some_and(|m| m.contains("411")),
        "{refused:?}"
    );
    assert!(refused.field_message("accounts.bank").is_some(), "{refused:?}");
    assert_eq!(
        owner.run(FetchInvoiceSettings {}).await.unwrap().accounts,
        Some(app::invoice::ChartOfAccounts::default()),
        "nothing saved"
    );

    let accounts = settings.accounts.as_mut().unwrap();
    accounts.clients = "411100".into();
    accounts.services = "706100".into();
    accounts.vat_standard = "4457120".into();
    accounts.bank = "512100".into();
    let chart = accounts.clone();
    // Saving without the accounts (an older client) keeps them.
    owner
        .run_json(SaveInvoiceSettings {
            settings: settings.clone(),
        })
        .await
        .unwrap();
    settings.accounts = None;
    owner.run_json(SaveInvoiceSettings { settings }).await.unwrap();
    assert_eq!(owner.run(FetchInvoiceSettings {}).await.unwrap().accounts, Some(chart));
    let id = issued_b2b(&owner, "Bâti Rhône SAS", SUPPLIER_SIREN).await;
    owner
        .run_json(RecordPayment {
            id,
            payment: payment(10_000),
        })
        .await
        .unwrap();
    // The invoice is dated by the day in France (UTC and Paris differ from 23:00 or 22:00 UTC).
    let today = app::infra::time::paris_day(app::infra::time::now())
        .format("%Y-%m-%d")
        .to_string();
    let (_, fec) = crate::invoices::fec_of(&owner, &today, &today).await;
    crate::invoices::balanced_entries(&fec);
    let accounts: std::collections::HashSet<&str> =
        fec.split("\r\n").skip(1).filter_map(|l| l.split('\t').nth(4)).collect();
    for wanted in ["411100", "706100", "4457120", "512100"] {
        assert!(accounts.contains(wanted), "{wanted} in {accounts:?}");
    }
    for default in ["411000", "706000", "445712", "512000"] {
        assert!(!accounts.contains(default), "{default} replaced");
    }
    app.stop().await;
}
