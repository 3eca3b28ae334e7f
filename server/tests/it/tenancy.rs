//! Tenant isolation: every server function, called by a member of workspace A
//! with the ids of workspace B, answers "not found" and changes nothing.
//!
//! The list of server functions comes from the running registry: a new server
//! function fails `every_server_function_is_covered` until it gets one line here.

use crate::support::{Browser, TestApp, spawn_app};
use reqwest::StatusCode;
use std::collections::BTreeMap;

/// Ids that belong to workspace B.
struct Foreign {
    workspace_id: String,
    member_id: String,
    invitation_id: String,
    email_id: String,
    pipeline_id: String,
    stage_id: String,
    deal_id: String,
    quote_id: String,
    catalogue_item_id: String,
    api_key_id: String,
    invoice_id: String,
    job_id: String,
    job_step_id: String,
    job_photo_id: String,
    job_check_id: String,
}

/// How a server function is checked.
enum Case {
    /// Called by A with B's ids: must answer 404.
    ForeignIds(fn(&Foreign) -> Vec<(&'static str, String)>),
    /// Called by A with a JSON body naming B's ids: must answer 404.
    ForeignJson(fn(&Foreign) -> serde_json::Value),
    /// Takes no id of another tenant; the text says why it cannot leak.
    NoForeignInput(#[allow(dead_code)] &'static str),
}

fn cases() -> BTreeMap<&'static str, Case> {
    use Case::*;
    BTreeMap::from([
        (
            "switch_workspace",
            ForeignIds(|f| vec![("workspace_id", f.workspace_id.clone())]),
        ),
        (
            "change_member_role",
            ForeignIds(|f| vec![("member_id", f.member_id.clone()), ("role", "member".into())]),
        ),
        (
            "remove_member",
            ForeignIds(|f| vec![("member_id", f.member_id.clone())]),
        ),
        (
            "revoke_invitation",
            ForeignIds(|f| vec![("invitation_id", f.invitation_id.clone())]),
        ),
        ("get_email", ForeignIds(|f| vec![("id", f.email_id.clone())])),
        ("fetch_board", ForeignIds(|f| vec![("pipeline", f.pipeline_id.clone())])),
        (
            "fetch_more_cards",
            ForeignIds(|f| vec![("stage_id", f.stage_id.clone()), ("offset", "0".into())]),
        ),
        (
            "move_deal",
            ForeignIds(|f| vec![("deal_id", f.deal_id.clone()), ("stage_id", f.stage_id.clone())]),
        ),
        ("mark_contacted", ForeignIds(|f| vec![("deal_id", f.deal_id.clone())])),
        ("fetch_deal", ForeignIds(|f| vec![("deal_id", f.deal_id.clone())])),
        (
            "add_note",
            ForeignIds(|f| vec![("deal_id", f.deal_id.clone()), ("body", "note".into())]),
        ),
        (
            "create_lead",
            ForeignIds(|f| {
                vec![
                    ("pipeline_id", f.pipeline_id.clone()),
                    ("contact_name", "Intrus".into()),
                    ("phone", "0612345678".into()),
                    ("trade", "Plomberie".into()),
                    ("source", "phone".into()),
                ]
            }),
        ),
        (
            "fetch_pipeline_settings",
            ForeignIds(|f| vec![("pipeline", f.pipeline_id.clone())]),
        ),
        (
            "add_stage",
            ForeignIds(|f| {
                vec![
                    ("pipeline_id", f.pipeline_id.clone()),
                    ("name", "Intrus".into()),
                    ("color", "#000000".into()),
                    ("kind", "open".into()),
                    ("probability", "10".into()),
                ]
            }),
        ),
        (
            "update_stage",
            ForeignIds(|f| {
                vec![
                    ("stage_id", f.stage_id.clone()),
                    ("name", "Intrus".into()),
                    ("color", "#000000".into()),
                    ("probability", "10".into()),
                ]
            }),
        ),
        (
            "reorder_stage",
            ForeignIds(|f| vec![("stage_id", f.stage_id.clone()), ("offset", "1".into())]),
        ),
        ("remove_stage", ForeignIds(|f| vec![("stage_id", f.stage_id.clone())])),
        (
            "fetch_member_profile",
            ForeignIds(|f| vec![("member_id", f.member_id.clone())]),
        ),
        ("create_quote", ForeignIds(|f| vec![("deal_id", f.deal_id.clone())])),
        ("new_quote_draft", ForeignIds(|f| vec![("deal_id", f.deal_id.clone())])),
        ("send_quote", ForeignIds(|f| vec![("id", f.quote_id.clone())])),
        ("new_quote_version", ForeignIds(|f| vec![("id", f.quote_id.clone())])),
        (
            "verify_quote_signature",
            ForeignIds(|f| vec![("id", f.quote_id.clone())]),
        ),
        ("fetch_portal_quote", NoForeignInput("secret token, one quote")),
        ("sign_quote", NoForeignInput("secret token, one quote")),
        ("decline_quote", NoForeignInput("secret token, one quote")),
        (
            "save_quote",
            ForeignJson(|f| serde_json::json!({"id": f.quote_id, "draft": foreign_draft()})),
        ),
        ("fetch_quote", ForeignIds(|f| vec![("id", f.quote_id.clone())])),
        ("list_quotes", NoForeignInput("scope from the session")),
        ("deal_quotes", ForeignIds(|f| vec![("deal_id", f.deal_id.clone())])),
        ("matching_contacts", NoForeignInput("scope from the session")),
        ("fetch_business_settings", NoForeignInput("scope from the session")),
        ("save_business_settings", NoForeignInput("scope from the session")),
        ("list_catalogue", NoForeignInput("scope from the session")),
        ("upload_logo", NoForeignInput("scope from the session")),
        (
            "save_catalogue_item",
            ForeignJson(|f| {
                serde_json::json!({"item": {"id": f.catalogue_item_id, "description": "Intrus", "unit": "hour",
                    "unit_price": 1, "vat": "standard"}, "is_new": false})
            }),
        ),
        (
            "archive_catalogue_item",
            ForeignIds(|f| vec![("id", f.catalogue_item_id.clone())]),
        ),
        ("sign_up", NoForeignInput("creates a new user and workspace")),
        ("sign_in", NoForeignInput("credentials only")),
        ("sign_out", NoForeignInput("acts on the caller's session")),
        ("current_user", NoForeignInput("reads the caller's session")),
        (
            "verify_second_factor",
            NoForeignInput("acts on the caller's pending session"),
        ),
        ("request_magic_link", NoForeignInput("same answer for every address")),
        ("magic_link_info", NoForeignInput("secret token, single user")),
        ("consume_magic_link", NoForeignInput("secret token, single user")),
        (
            "request_password_reset",
            NoForeignInput("same answer for every address"),
        ),
        ("reset_link_info", NoForeignInput("secret token, single user")),
        ("reset_password", NoForeignInput("secret token, single user")),
        ("change_password", NoForeignInput("caller's own account")),
        ("start_totp_enrolment", NoForeignInput("caller's own account")),
        ("confirm_totp_enrolment", NoForeignInput("caller's own account")),
        ("disable_totp", NoForeignInput("caller's own account")),
        ("resend_verification", NoForeignInput("caller's own account")),
        ("confirm_email", NoForeignInput("secret token, single user")),
        (
            "create_workspace",
            NoForeignInput("creates a workspace owned by the caller"),
        ),
        ("workspace_overview", NoForeignInput("scope from the session")),
        ("list_members", NoForeignInput("scope from the session")),
        ("invite_member", NoForeignInput("scope from the session")),
        ("fetch_invitation", NoForeignInput("secret token")),
        (
            "accept_invitation",
            NoForeignInput("secret token bound to the invited address"),
        ),
        ("fetch_workspace_settings", NoForeignInput("scope from the session")),
        ("update_workspace_settings", NoForeignInput("scope from the session")),
        ("list_events", NoForeignInput("scope from the session")),
        ("verify_audit_chain", NoForeignInput("scope from the session")),
        ("list_outbox", NoForeignInput("viewer from the session")),
        (
            "fetch_admin_overview",
            NoForeignInput("platform admins only; others get not found"),
        ),
        (
            "create_coach",
            NoForeignInput("platform admins only; creates a new workspace"),
        ),
        ("revoke_api_key", ForeignIds(|f| vec![("id", f.api_key_id.clone())])),
        ("list_api_keys", NoForeignInput("scope from the session")),
        ("create_api_key", NoForeignInput("scope from the session")),
        ("fetch_dashboard", NoForeignInput("scope from the session")),
        ("fetch_coach_settings", NoForeignInput("scope from the session")),
        ("create_invoice", NoForeignInput("scope from the session")),
        (
            "invoice_quote",
            ForeignJson(|f| serde_json::json!({"quote_id": f.quote_id, "what": {"kind": "final"}})),
        ),
        (
            "create_credit_note",
            ForeignIds(|f| vec![("id", f.invoice_id.clone()), ("full", "true".into())]),
        ),
        (
            "save_invoice",
            ForeignJson(|f| serde_json::json!({"id": f.invoice_id, "draft": foreign_invoice_draft()})),
        ),
        ("delete_invoice", ForeignIds(|f| vec![("id", f.invoice_id.clone())])),
        ("fetch_invoice", ForeignIds(|f| vec![("id", f.invoice_id.clone())])),
        ("issue_invoice", ForeignIds(|f| vec![("id", f.invoice_id.clone())])),
        ("transmit_invoice", ForeignIds(|f| vec![("id", f.invoice_id.clone())])),
        (
            "fetch_einvoice_state",
            ForeignIds(|f| vec![("id", f.invoice_id.clone())]),
        ),
        ("lookup_directory", ForeignIds(|f| vec![("id", f.invoice_id.clone())])),
        ("fetch_einvoicing", NoForeignInput("scope from the session")),
        (
            "sync_einvoicing",
            NoForeignInput("scope from the session: its own SIREN's flows"),
        ),
        ("send_invoice", ForeignIds(|f| vec![("id", f.invoice_id.clone())])),
        ("release_holdback", ForeignIds(|f| vec![("id", f.invoice_id.clone())])),
        (
            "set_invoice_reminders",
            ForeignIds(|f| vec![("id", f.invoice_id.clone()), ("enabled", "false".into())]),
        ),
        (
            "record_payment",
            ForeignJson(|f| {
                serde_json::json!({"id": f.invoice_id, "payment": {"paid_on": "2026-01-02", "amount": 100,
                    "method": "transfer", "reference": "", "confirm_overpayment": false}})
            }),
        ),
        ("list_invoices", NoForeignInput("scope from the session")),
        ("quote_invoices", ForeignIds(|f| vec![("quote_id", f.quote_id.clone())])),
        ("fetch_invoice_settings", NoForeignInput("scope from the session")),
        ("save_invoice_settings", NoForeignInput("scope from the session")),
        ("save_coach_settings", NoForeignInput("scope from the session")),
        (
            "fetch_artisan_profile",
            ForeignIds(|f| vec![("member", f.member_id.clone())]),
        ),
        (
            "save_artisan_profile",
            ForeignJson(|f| {
                serde_json::json!({"member": f.member_id, "form": {"trades": ["Plomberie"], "phone": "0612345678",
                    "address": "", "postcode": "69003", "city": "Lyon", "radius_km": "20", "weekly_capacity": "5",
                    "available": true}})
            }),
        ),
        (
            "fetch_artisan_documents",
            ForeignIds(|f| vec![("member", f.member_id.clone())]),
        ),
        (
            "upload_artisan_document",
            ForeignJson(|f| {
                serde_json::json!({"member": f.member_id, "document": {"kind": "kbis", "insurer": "", "policy_number": "",
                    "cover": "", "rge_domains": "", "starts_on": "2026-01-01", "ends_on": "2026-12-31", "file_name": "k.pdf"},
                    "file": "data:application/pdf;base64,JVBERi0xLjcK"})
            }),
        ),
        (
            "fetch_market_requests",
            NoForeignInput("platform admins only; others get not found"),
        ),
        (
            "fetch_market_request",
            NoForeignInput("platform admins only; others get not found"),
        ),
        (
            "assign_market_request",
            NoForeignInput("platform admins only; others get not found"),
        ),
        (
            "withdraw_market_request",
            NoForeignInput("platform admins only; others get not found"),
        ),
        (
            "fetch_market_settings",
            NoForeignInput("platform admins only; others get not found"),
        ),
        (
            "save_market_settings",
            NoForeignInput("platform admins only; others get not found"),
        ),
        (
            "fetch_market_map",
            NoForeignInput("platform admins only; others get not found"),
        ),
        (
            "fetch_document_queue",
            NoForeignInput("platform admins only; others get not found"),
        ),
        (
            "fetch_artisan_directory",
            NoForeignInput("platform admins only; others get not found"),
        ),
        ("fetch_jobs", NoForeignInput("lists the caller's workspace's jobs only")),
        ("fetch_job", ForeignIds(|f| vec![("id", f.job_id.clone())])),
        (
            "add_job_photo",
            ForeignJson(|f| {
                serde_json::json!({"photo": {"capture": crate::support::random_id(), "job": f.job_id,
                    "step": null, "tag": "before", "file": crate::jobs::data_url(&crate::marketplace::photo_with_gps(40, 30)),
                    "captured_at": null}})
            }),
        ),
        (
            "share_job_photo",
            ForeignIds(|f| vec![("id", f.job_photo_id.clone()), ("shareable", "true".into())]),
        ),
        (
            "plan_job",
            ForeignJson(|f| {
                serde_json::json!({"planning": {"job": f.job_id, "planned_start": "2026-12-02", "planned_end": null,
                    "promised_on": null, "priority": "urgent", "assignees": []}})
            }),
        ),
        (
            "move_job",
            ForeignIds(|f| vec![("id", f.job_id.clone()), ("status", "in_progress".into())]),
        ),
        (
            "validate_job_step",
            ForeignJson(|f| {
                serde_json::json!({"validation": {"capture": crate::support::random_id(), "job": f.job_id,
                    "step": f.job_step_id, "captured_at": null}})
            }),
        ),
        (
            "fetch_step_templates",
            NoForeignInput("reads the caller's workspace's template only"),
        ),
        (
            "save_step_templates",
            NoForeignInput("replaces the caller's workspace's template only"),
        ),
        (
            "answer_job_check",
            ForeignJson(|f| {
                serde_json::json!({"answer": {"capture": crate::support::random_id(), "job": f.job_id,
                    "check": f.job_check_id, "value": {"kind": "pass", "value": true}, "captured_at": null}})
            }),
        ),
        (
            "declare_job_nonconformity",
            ForeignJson(|f| {
                serde_json::json!({"nonconformity": {"capture": crate::support::random_id(), "job": f.job_id,
                    "kind": "aspect", "step": f.job_step_id, "comment": "Intrus", "action": "",
                    "back_to": f.job_step_id, "photo": f.job_photo_id, "captured_at": null}})
            }),
        ),
        (
            "review_document",
            NoForeignInput("platform admins only; others get not found"),
        ),
    ])
}

/// A valid draft (what A's editor would send).
fn foreign_draft() -> serde_json::Value {
    serde_json::json!({
        "title": "Intrus", "client": {"contact_id": null, "name": "", "company": "", "email": "", "phone": "",
            "address": "", "postcode": "", "city": ""},
        "deal_id": null, "site_address": "", "site_postcode": "", "site_city": "", "lines": [],
        "deposit": {"kind": "none"}, "valid_until": "", "payment_terms": "", "notes": "", "free_quote": true,
        "quote_fee": 0, "template": "modern", "reminders_enabled": false,
    })
}

/// A valid invoice draft (what A's editor would send).
fn foreign_invoice_draft() -> serde_json::Value {
    serde_json::json!({
        "title": "Intrus", "client": {"contact_id": null, "name": "", "company": "", "email": "", "address": "",
            "postcode": "", "city": "", "siren": "", "vat_number": ""},
        "site_address": "", "site_postcode": "", "site_city": "", "operation": "services", "reverse_charge": false,
        "vat_on_debits": false, "reduced_rate_certified": false, "holdback_bp": 0, "supply_date": "", "due_days": 30,
        "payment_terms": "", "late_penalty": "", "early_discount": "", "notes": "", "lines": [],
    })
}

async fn two_tenants(app: &TestApp) -> (Browser, Browser, Foreign) {
    let a = app.owner("owner-a@tenant-a.test", "Tenant A", "artisan").await;
    let b = app.owner("owner-b@tenant-b.test", "Tenant B", "sales").await;
    app.invite_and_join(&b, "member-b@tenant-b.test", "member", "Membre B")
        .await;
    b.call(
        "invite_member",
        &[("email", "pending-b@tenant-b.test"), ("role", "member")],
    )
    .await
    .ok();
    let page = b.call("list_members", &[]).await.ok();
    let member_id = page["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "member-b@tenant-b.test")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let invitation_id = page["invitations"][0]["id"].as_str().unwrap().to_string();
    let me = b.call("current_user", &[]).await.ok();
    let workspace_id = me["workspace"]["id"].as_str().unwrap().to_string();
    app.email_to("pending-b@tenant-b.test").await;
    let outbox = b.call("list_outbox", &[]).await.ok();
    let email_id = outbox["rows"][0]["id"].as_str().unwrap().to_string();
    let deal_id = b.create_lead("Client de B", "Conseil", "1000").await.id.to_string();
    let quote_id = b
        .call("create_quote", &[("deal_id", &deal_id)])
        .await
        .ok()
        .as_str()
        .unwrap()
        .to_string();
    let item = serde_json::json!({"item": {"id": crate::support::random_id(), "description": "Audit", "unit": "hour",
        "unit_price": 9000, "vat": "standard"}, "is_new": true});
    let catalogue_item_id = b
        .call_json("save_catalogue_item", &item)
        .await
        .ok()
        .as_str()
        .unwrap()
        .to_string();
    let api_key_id = b.call("create_api_key", &[("name", "n8n de B")]).await.ok()["key"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let invoice_id = b.call("create_invoice", &[]).await.ok().as_str().unwrap().to_string();
    let board = b.board().await;
    let pipeline_id = board.pipeline_id.to_string();
    let stage_id = board.columns[1].stage.id.to_string();
    let won = b.create_lead("Client gagné de B", "Conseil", "500").await;
    let won_stage = board
        .columns
        .iter()
        .find(|c| c.stage.kind == app::domain::StageKind::Won)
        .unwrap();
    crate::pipeline::move_to(&b, won.id, won_stage.stage.id, None, None)
        .await
        .unwrap();
    let jobs = b
        .run_json(app::jobs::api::FetchJobs {
            filter: app::jobs::JobFilter::default(),
        })
        .await
        .unwrap();
    let job = b.run(app::jobs::api::FetchJob { id: jobs.rows[0].id }).await.unwrap();
    let (job_id, job_step_id) = (job.id.to_string(), job.steps[0].id.to_string());
    let job_photo_id = b
        .run_json(app::jobs::api::AddJobPhoto {
            photo: app::jobs::PhotoCapture {
                capture: app::domain::CaptureId::new(),
                job: job.id,
                step: None,
                tag: app::jobs::PhotoTag::After,
                file: crate::jobs::data_url(&crate::marketplace::photo_with_gps(40, 30)),
                captured_at: None,
            },
        })
        .await
        .unwrap()
        .id
        .to_string();
    // B's pack has no checklist: one item on its first step, as a template would give.
    let job_check_id = uuid::Uuid::now_v7();
    <app::infra::entity::job_check::Entity as sea_orm::EntityTrait>::insert(
        app::infra::entity::job_check::ActiveModel {
            id: sea_orm::ActiveValue::Set(job_check_id),
            workspace_id: sea_orm::ActiveValue::Set(workspace_id.parse().unwrap()),
            job_id: sea_orm::ActiveValue::Set(job.id.0),
            step_id: sea_orm::ActiveValue::Set(job.steps[0].id.0),
            position: sea_orm::ActiveValue::Set(0),
            label: sea_orm::ActiveValue::Set("Livrables conformes".into()),
            kind: sea_orm::ActiveValue::Set(app::domain::checks::CheckKind::PassFail),
            unit: sea_orm::ActiveValue::Set(String::new()),
            min_value: sea_orm::ActiveValue::Set(None),
            max_value: sea_orm::ActiveValue::Set(None),
            strict: sea_orm::ActiveValue::Set(false),
            passed: sea_orm::ActiveValue::Set(None),
            number_value: sea_orm::ActiveValue::Set(None),
            text_value: sea_orm::ActiveValue::Set(None),
            out_of_bounds: sea_orm::ActiveValue::Set(false),
            answered_by_member_id: sea_orm::ActiveValue::Set(None),
            answered_at: sea_orm::ActiveValue::Set(None),
            answer_capture_id: sea_orm::ActiveValue::Set(None),
        },
    )
    .exec_without_returning(&app.state.db)
    .await
    .unwrap();
    let job_check_id = job_check_id.to_string();
    let foreign = Foreign {
        workspace_id,
        member_id,
        invitation_id,
        email_id,
        pipeline_id,
        stage_id,
        deal_id,
        quote_id,
        catalogue_item_id,
        api_key_id,
        invoice_id,
        job_id,
        job_step_id,
        job_photo_id,
        job_check_id,
    };
    (a, b, foreign)
}

#[tokio::test]
async fn every_server_function_is_covered() {
    let cases = cases();
    let registered: Vec<String> = server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_string())
        .collect();
    let missing: Vec<&String> = registered.iter().filter(|p| !cases.contains_key(p.as_str())).collect();
    assert!(
        missing.is_empty(),
        "server functions without a tenancy case: {missing:?}"
    );
    let stale: Vec<&&str> = cases.keys().filter(|k| !registered.iter().any(|r| r == *k)).collect();
    assert!(
        stale.is_empty(),
        "cases for server functions that no longer exist: {stale:?}"
    );
}

#[tokio::test]
async fn foreign_ids_answer_not_found_and_change_nothing() {
    let app = spawn_app().await;
    let (a, b, foreign) = two_tenants(&app).await;
    let before = b.call("list_members", &[]).await.ok();
    let board_before = b.board().await;
    let before_events = b.call("list_events", &[]).await.ok()["rows"].as_array().unwrap().len();
    for (name, case) in cases() {
        let reply = match case {
            Case::ForeignIds(args) => {
                let args = args(&foreign);
                let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                a.call(name, &pairs).await
            }
            Case::ForeignJson(body) => a.call_json(name, &body(&foreign)).await,
            Case::NoForeignInput(_) => continue,
        };
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{name} leaked across tenants: {} {}",
            reply.status,
            reply.body
        );
        assert_eq!(reply.error(), app::AppError::NotFound, "{name}");
    }
    assert_eq!(b.call("list_members", &[]).await.ok(), before, "B's members unchanged");
    assert_eq!(b.board().await, board_before, "B's board unchanged");
    let b_quote = b.call("fetch_quote", &[("id", &foreign.quote_id)]).await.ok();
    assert_eq!(b_quote["draft"]["title"], "Conseil", "B's quote unchanged");
    assert_eq!(b.call("list_catalogue", &[]).await.ok()[0]["description"], "Audit");
    assert_eq!(
        b.call("list_events", &[]).await.ok()["rows"].as_array().unwrap().len(),
        before_events
    );
    // Nor does A's own data show any of B's.
    let jobs_a = a
        .run_json(app::jobs::api::FetchJobs {
            filter: app::jobs::JobFilter {
                period: app::domain::jobs::Period::All,
                ..Default::default()
            },
        })
        .await
        .unwrap();
    assert_eq!(jobs_a.total, 0, "A sees B's jobs");
    let outbox_a = a.call("list_outbox", &[]).await.ok();
    assert!(
        !outbox_a.to_string().contains("tenant-b.test"),
        "A sees B's mail: {outbox_a}"
    );
    let events_a = a.call("list_events", &[]).await.ok();
    assert!(!events_a.to_string().contains("tenant-b.test"), "A sees B's events");
    assert_eq!(
        a.call("list_quotes", &[]).await.ok()["count"],
        0,
        "A sees none of B's quotes"
    );
    assert_eq!(a.call("list_catalogue", &[]).await.ok(), serde_json::json!([]));
    assert_eq!(a.call("fetch_admin_overview", &[]).await.status, StatusCode::NOT_FOUND);
    let some = uuid::Uuid::now_v7().to_string();
    for (name, args) in [
        ("fetch_market_requests", vec![]),
        ("fetch_market_request", vec![("id", some.as_str())]),
        (
            "assign_market_request",
            vec![("request", some.as_str()), ("member", foreign.member_id.as_str())],
        ),
        (
            "withdraw_market_request",
            vec![("request", some.as_str()), ("member", foreign.member_id.as_str())],
        ),
        ("fetch_market_map", vec![("trade", ""), ("status", "")]),
        ("fetch_document_queue", vec![]),
        (
            "fetch_artisan_directory",
            vec![("trade", ""), ("standing", "all"), ("search", "")],
        ),
        (
            "review_document",
            vec![("id", some.as_str()), ("approve", "true"), ("reason", "")],
        ),
    ] {
        assert_eq!(
            a.call(name, &args).await.status,
            StatusCode::NOT_FOUND,
            "{name} is the platform admin's"
        );
    }
    let settings = serde_json::json!({"form": {"top_n": "9", "remind_after_hours": "1", "reassign_after_hours": "1",
        "quote_follow_up_days": "1", "close_after_days": "7"}});
    assert_eq!(
        a.call_json("save_market_settings", &settings).await.status,
        StatusCode::NOT_FOUND,
        "the settings are the platform admin's"
    );
    assert_eq!(a.call("fetch_market_settings", &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(a.call("list_api_keys", &[]).await.ok(), serde_json::json!([]));
    let keys_b = b.call("list_api_keys", &[]).await.ok();
    assert!(keys_b[0]["revoked_at"].is_null(), "B's key still live: {keys_b}");
    app.stop().await;
}
