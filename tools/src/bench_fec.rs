//! `COMPTOIR_BENCH_ONLY=fec tools bench`: the FEC of a year of 20,000
//! invoices (two VAT rates each) and 20,000 payments, written page by page as
//! the server streams it, on SQLite and PostgreSQL: time, size, entries,
//! every entry balanced, and the resident memory before and after.

use crate::bench::TempPostgres;
use app::domain::{MemberId, Role, TradePack, UserId, WorkspaceId};
use app::infra::entity::{invoice, invoice_line, member, payment};
use app::infra::events::Actor;
use app::infra::{AppState, Scope, Write, db, time};
use app::invoice::{InvoiceKind, InvoiceStatus, PaymentMethod};
use chrono::{NaiveDate, TimeDelta};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter};
use std::time::Instant;
use uuid::Uuid;

const INVOICES: usize = 20_000;
const BATCH: usize = 500;

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

async fn populate(state: &AppState) -> Result<Scope, String> {
    let err = |e: sea_orm::DbErr| e.to_string();
    let w = Write::system(state, "bench", None).await.map_err(|e| e.to_string())?;
    let owner = server::seed::find_or_create_user(&w, "fec@comptoir.test", "Bench FEC", "x", false).await?;
    w.act_as(Actor {
        user_id: Some(owner.id),
        ..Actor::system("bench")
    });
    let ws = app::workspace::service::create_workspace(&w, &owner, "Bench FEC", TradePack::Artisan)
        .await
        .map_err(|e| e.to_string())?;
    w.commit().await.map_err(|e| e.to_string())?;
    server::seed::quotes::fill(&state.db, ws.id, TradePack::Artisan).await?;
    let m = member::Entity::find()
        .filter(member::Column::WorkspaceId.eq(ws.id))
        .one(&state.db)
        .await
        .map_err(err)?
        .ok_or("no member")?;
    let settings = app::invoice::settings::view_defaults(ws.id);
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    for chunk in 0..INVOICES / BATCH {
        let mut invoices = Vec::new();
        let mut lines = Vec::new();
        let mut payments = Vec::new();
        for j in 0..BATCH {
            let i = chunk * BATCH + j;
            let day = start + TimeDelta::days((i * 364 / INVOICES) as i64);
            let mut row = app::invoice::store::blank(ws.id, InvoiceKind::Standalone, time::now(), &settings);
            let (a, b) = (10_000 + (i as i64 % 97) * 113, 2_500 + (i as i64 % 13) * 41);
            let vat = (a + 5) / 10 + (b * 2 + 5) / 10;
            row.status = InvoiceStatus::Paid;
            row.number = Some(format!("F-2026-{:05}", i + 1));
            row.client_name = format!("Client {}", i % 1_500);
            row.issue_date = Some(day);
            row.due_date = Some(day + TimeDelta::days(30));
            row.total_ht_cents = a + b;
            row.total_vat_cents = vat;
            row.total_ttc_cents = a + b + vat;
            row.paid_cents = row.total_ttc_cents;
            for (position, (price, bp)) in [(a, 1_000), (b, 2_000)].into_iter().enumerate() {
                lines.push(invoice_line::ActiveModel {
                    id: sea_orm::ActiveValue::Set(Uuid::now_v7()),
                    workspace_id: sea_orm::ActiveValue::Set(ws.id),
                    invoice_id: sea_orm::ActiveValue::Set(row.id),
                    position: sea_orm::ActiveValue::Set(position as i32),
                    kind: sea_orm::ActiveValue::Set("line".into()),
                    description: sea_orm::ActiveValue::Set("Intervention".into()),
                    quantity: sea_orm::ActiveValue::Set(1_000),
                    unit: sea_orm::ActiveValue::Set("forfait".into()),
                    unit_price_cents: sea_orm::ActiveValue::Set(price),
                    vat_bp: sea_orm::ActiveValue::Set(bp),
                    discount_kind: sea_orm::ActiveValue::Set("none".into()),
                    discount_value: sea_orm::ActiveValue::Set(0),
                    quote_line_id: sea_orm::ActiveValue::Set(None),
                    progress_bp: sea_orm::ActiveValue::Set(0),
                    deducts_invoice_id: sea_orm::ActiveValue::Set(None),
                });
            }
            payments.push(payment::ActiveModel {
                id: sea_orm::ActiveValue::Set(Uuid::now_v7()),
                workspace_id: sea_orm::ActiveValue::Set(ws.id),
                invoice_id: sea_orm::ActiveValue::Set(row.id),
                paid_on: sea_orm::ActiveValue::Set(day + TimeDelta::days((i % 20) as i64)),
                amount_cents: sea_orm::ActiveValue::Set(row.total_ttc_cents),
                method: sea_orm::ActiveValue::Set(PaymentMethod::Transfer),
                reference: sea_orm::ActiveValue::Set(format!("VIR {i}")),
                created_by_member_id: sea_orm::ActiveValue::Set(None),
                created_at: sea_orm::ActiveValue::Set(time::now()),
            });
            invoices.push(row.into_active_model().reset_all());
        }
        invoice::Entity::insert_many(invoices)
            .exec_without_returning(&state.db)
            .await
            .map_err(err)?;
        for part in lines.chunks(BATCH) {
            invoice_line::Entity::insert_many(part.to_vec())
                .exec_without_returning(&state.db)
                .await
                .map_err(err)?;
        }
        payment::Entity::insert_many(payments)
            .exec_without_returning(&state.db)
            .await
            .map_err(err)?;
    }
    Ok(Scope {
        user_id: UserId(owner.id),
        user_name: owner.name,
        workspace_id: WorkspaceId(ws.id),
        member_id: MemberId(m.id),
        role: Role::Owner,
        is_platform_admin: false,
        session_id: Uuid::nil(),
        meta: Default::default(),
    })
}

async fn measure(label: &str, url: &str) -> Result<(), String> {
    let started = Instant::now();
    let database = db::connect(url, 4).await.map_err(|e| e.to_string())?;
    Migrator::up(&database, None).await.map_err(|e| e.to_string())?;
    let state = AppState::new(
        database.clone(),
        app::infra::AppConfig::local(""),
        server::pdf::renderer(),
    );
    let scope = populate(&state).await?;
    if db::is_postgres(&database) {
        database
            .execute_unprepared("ANALYZE")
            .await
            .map_err(|e| e.to_string())?;
    }
    println!(
        "\n[fec · {label}] {INVOICES} invoices (2 VAT rates each) and {INVOICES} payments in 2026, generated in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let from = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    let to = NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?;
    for run in 0..3 {
        let before = rss_kb();
        let mut peak = before;
        let t = Instant::now();
        let mut export = app::invoice::fec::FecExport::new(&scope, from, to).map_err(|e| e.to_string())?;
        let name = export.file_name(&database).await.map_err(|e| e.to_string())?;
        let mut bytes = 0usize;
        let mut largest = 0usize;
        while let Some(chunk) = export.next_chunk(&database).await.map_err(|e| e.to_string())? {
            bytes += chunk.len();
            largest = largest.max(chunk.len());
            peak = peak.max(rss_kb());
        }
        println!(
            "  run {}: {name} in {:.0} ms · {:.1} MB · {} entries, all balanced: {} · largest chunk {:.0} KB · RSS {:.1} → peak {:.1} MB (bar: < 2 s, constant memory)",
            run + 1,
            t.elapsed().as_secs_f64() * 1000.0,
            bytes as f64 / 1_048_576.0,
            export.entries,
            export.balanced,
            largest as f64 / 1024.0,
            before as f64 / 1024.0,
            peak as f64 / 1024.0
        );
    }
    Ok(())
}

/// Measures on SQLite, then on PostgreSQL when it answers.
pub async fn run(dir: &std::path::Path) -> Result<(), String> {
    let sqlite = format!("sqlite://{}/fec.db?mode=rwc", dir.display());
    measure("SQLite", &sqlite).await?;
    if let Some(pg) = TempPostgres::create("comptoir_bench_fec").await? {
        let result = measure("PostgreSQL", &pg.url).await;
        pg.drop().await;
        result?;
    }
    Ok(())
}
