//! The marketplace's scheduled work (run by the server's scheduler with its
//! clock, so tests move time): a reminder to an artisan whose routed deal is
//! still without a first contact after the platform's delay, another when
//! their quote has had no news for `quote_follow_up_days`, and reminders of
//! documents whose cover ends in 30 days, 7 days, and on the day.

use super::assign::{excerpt, member_address};
use super::routing::settings;
use crate::domain::documents::{DocumentStatus, REMINDER_DAYS};
use crate::error::AppError;
use crate::infra::entity::{artisan_document, deal, market_request, market_route};
use crate::infra::{AppState, Write};
use crate::outbox::EmailKind;
use crate::outbox::service::{NewEmail, enqueue};
use crate::outbox::templates::{self, Rendered};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// Reminders sent in one run at most (the next run takes the rest).
const BATCH: u64 = 200;

/// Sends the « pas encore contacté » reminders due at `now`; returns how many.
/// Each route is reminded once (`reminded_at`, set in the same transaction
/// as the email).
pub async fn remind_uncontacted(state: &AppState, now: DateTime<Utc>) -> Result<u64, AppError> {
    let delay = TimeDelta::hours(i64::from(Ord::max(settings(&state.db).await?.remind_after_hours, 1)));
    let due = market_route::Entity::find()
        .filter(market_route::Column::DealId.is_not_null())
        .filter(market_route::Column::RemindedAt.is_null())
        .filter(market_route::Column::AssignedAt.lte(now - delay))
        .order_by_asc(market_route::Column::AssignedAt)
        .limit(BATCH)
        .all(&state.db)
        .await?;
    let mut sent = 0;
    for route in due {
        let hours = (now - route.assigned_at.unwrap_or(now)).num_hours();
        let waiting = |d: &deal::Model| d.first_contact_at.is_none() && d.closed_at.is_none();
        if remind_route(
            state,
            route,
            market_route::Column::RemindedAt,
            now,
            |d, request, link| waiting(d).then(|| reminder(request, hours, link)),
        )
        .await?
        {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Sends the « devis sans nouvelles » reminders due at `now`: a deal born of
/// a request whose quote was sent `quote_follow_up_days` ago (7 by default)
/// and that is neither won nor lost. Each route once (`quote_reminded_at`).
/// Returns how many.
pub async fn remind_quote_follow_up(state: &AppState, now: DateTime<Utc>) -> Result<u64, AppError> {
    let days = i64::from(Ord::max(settings(&state.db).await?.quote_follow_up_days, 1));
    let waiting = Query::select()
        .column(deal::Column::Id)
        .from(deal::Entity)
        .and_where(Expr::col(deal::Column::QuoteSentAt).lte(now - TimeDelta::days(days)))
        .and_where(Expr::col(deal::Column::ClosedAt).is_null())
        .to_owned();
    let due = market_route::Entity::find()
        .filter(Expr::col(market_route::Column::DealId).in_subquery(waiting))
        .filter(market_route::Column::QuoteRemindedAt.is_null())
        .order_by_asc(market_route::Column::AssignedAt)
        .limit(BATCH)
        .all(&state.db)
        .await?;
    let mut sent = 0;
    for route in due {
        if remind_route(
            state,
            route,
            market_route::Column::QuoteRemindedAt,
            now,
            |d, request, link| {
                Some(quote_follow_up(
                    request,
                    (now - d.quote_sent_at.unwrap_or(now)).num_days(),
                    link,
                ))
            },
        )
        .await?
        {
            sent += 1;
        }
    }
    Ok(sent)
}

/// One route's reminder, in one transaction: claims `mark` (set to `now`
/// while it is null, so each route is reminded once even by two runs at
/// once) and emails the route's member what `content` writes of the deal
/// and the request, if it writes anything. Returns whether an email left.
async fn remind_route(
    state: &AppState,
    route: market_route::Model,
    mark: market_route::Column,
    now: DateTime<Utc>,
    content: impl FnOnce(&deal::Model, &market_request::Model, &str) -> Option<Rendered>,
) -> Result<bool, AppError> {
    let Some(deal_id) = route.deal_id else {
        return Ok(false);
    };
    let w = Write::system(
        state,
        "relances place de marché",
        Some(crate::domain::WorkspaceId(route.workspace_id)),
    )
    .await?;
    let claimed = market_route::Entity::update_many()
        .col_expr(mark, Expr::value(now))
        .filter(market_route::Column::Id.eq(route.id))
        .filter(mark.is_null())
        .exec(&w)
        .await?
        .rows_affected
        == 1;
    let mut sent = false;
    if claimed {
        let d = deal::Entity::find_by_id(deal_id)
            .filter(deal::Column::WorkspaceId.eq(route.workspace_id))
            .one(&w)
            .await?;
        let request = market_request::Entity::find_by_id(route.request_id).one(&w).await?;
        let link = state.config.link("/app/pipeline");
        if let (Some(d), Some(request)) = (d, request)
            && let Some(content) = content(&d, &request, &link)
            // A member removed since has no address: the route is marked all the same.
            && let Ok((to, user_id)) = member_address(&w, route.member_id, route.workspace_id).await
        {
            enqueue(
                &w,
                NewEmail {
                    workspace_id: Some(route.workspace_id),
                    to,
                    to_user_id: Some(user_id),
                    kind: EmailKind::LeadReminder,
                    content,
                    contains_secret: false,
                    attachment: None,
                },
            )
            .await?;
            sent = true;
        }
    }
    w.commit().await?;
    Ok(sent)
}

fn quote_follow_up(r: &market_request::Model, days: i64, link: &str) -> Rendered {
    let what = format!(
        "Votre devis pour {} ({} à {}) est sans réponse depuis {days} jours.",
        r.name, r.trade, r.city
    );
    let tip = "Un appel au client fait souvent la différence : il compare peut-être plusieurs devis. Si le projet est abandonné, classez la carte en « Perdu » avec la raison.";
    Rendered {
        subject: format!("Devis sans nouvelles : {}", r.name),
        text: format!("Bonjour,\n\n{what}\n{tip}\n\n{link}\n\n{}\n", templates::SIGNATURE),
        html: templates::layout(
            "Un devis attend une réponse",
            &["Bonjour,".into(), what.clone(), tip.into()],
            Some(("Ouvrir mes demandes", link)),
            "Vous recevez ce rappel une seule fois par devis.",
        ),
    }
}

fn reminder(r: &market_request::Model, hours: i64, link: &str) -> Rendered {
    let what = format!(
        "La demande de {} ({} à {}) vous attend depuis {hours} h sans premier contact : {}",
        r.name,
        r.trade,
        r.city,
        excerpt(&r.description)
    );
    let tip = "Appelez le client puis marquez la carte « En contact » : sans nouvelles, la plateforme pourra confier la demande à un autre artisan.";
    Rendered {
        subject: format!("Rappel : {} attend votre appel", r.name),
        text: format!("Bonjour,\n\n{what}\n{tip}\n\n{link}\n\n{}\n", templates::SIGNATURE),
        html: templates::layout(
            "Une demande attend votre appel",
            &["Bonjour,".into(), what.clone(), tip.into()],
            Some(("Ouvrir mes demandes", link)),
            "Vous recevez ce rappel une seule fois par demande.",
        ),
    }
}

/// Sends the expiry reminders due at `now` (30, 7 and 0 days before a
/// document's last covered day), each once (`reminded_days`), unless a later
/// approved document of the same kind takes over (a pending one may still be
/// refused). Returns how many.
pub async fn remind_expiring_documents(state: &AppState, now: DateTime<Utc>) -> Result<u64, AppError> {
    let today = crate::infra::time::paris_day(now);
    let horizon = today + chrono::Days::new(REMINDER_DAYS[0] as u64);
    // Due: a step reached and not sent yet (30 days: never reminded; 7 days:
    // last reminder above 7; the day: above 0), so reminded rows never hide
    // the others behind the batch limit.
    let step = |days: i64| today + chrono::Days::new(days as u64);
    let not_sent = sea_orm::Condition::any()
        .add(artisan_document::Column::RemindedDays.is_null())
        .add(
            sea_orm::Condition::all()
                .add(artisan_document::Column::RemindedDays.gt(REMINDER_DAYS[1] as i32))
                .add(artisan_document::Column::EndsOn.lte(step(REMINDER_DAYS[1]))),
        )
        .add(
            sea_orm::Condition::all()
                .add(artisan_document::Column::RemindedDays.gt(REMINDER_DAYS[2] as i32))
                .add(artisan_document::Column::EndsOn.lte(step(REMINDER_DAYS[2]))),
        );
    let due = artisan_document::Entity::find()
        .filter(artisan_document::Column::Status.eq(DocumentStatus::Approved))
        .filter(artisan_document::Column::EndsOn.gte(today))
        .filter(artisan_document::Column::EndsOn.lte(horizon))
        .filter(not_sent)
        .order_by_asc(artisan_document::Column::EndsOn)
        .limit(BATCH)
        .all(&state.db)
        .await?;
    let mut sent = 0;
    for d in due {
        let left = (d.ends_on - today).num_days();
        let Some(step) = REMINDER_DAYS.iter().copied().filter(|t| left <= *t).min() else {
            continue;
        };
        if d.reminded_days.is_some_and(|r| i64::from(r) <= step) {
            continue;
        }
        let renewed = artisan_document::Entity::find()
            .filter(artisan_document::Column::WorkspaceId.eq(d.workspace_id))
            .filter(artisan_document::Column::MemberId.eq(d.member_id))
            .filter(artisan_document::Column::Kind.eq(d.kind))
            .filter(artisan_document::Column::Status.eq(DocumentStatus::Approved))
            .filter(artisan_document::Column::EndsOn.gt(d.ends_on))
            .one(&state.db)
            .await?
            .is_some();
        let w = Write::system(
            state,
            "rappels documents",
            Some(crate::domain::WorkspaceId(d.workspace_id)),
        )
        .await?;
        let claimed = artisan_document::Entity::update_many()
            .set(artisan_document::ActiveModel {
                reminded_days: Set(Some(step as i32)),
                ..Default::default()
            })
            .filter(artisan_document::Column::Id.eq(d.id))
            .filter(
                sea_orm::Condition::any()
                    .add(artisan_document::Column::RemindedDays.is_null())
                    .add(artisan_document::Column::RemindedDays.gt(step as i32)),
            )
            .exec(&w)
            .await?
            .rows_affected
            == 1;
        let address = member_address(&w, d.member_id, d.workspace_id).await.ok();
        if let (true, false, Some((to, user_id))) = (claimed, renewed, address) {
            let link = state.config.link(&format!("/app/members/{}", d.member_id));
            enqueue(
                &w,
                NewEmail {
                    workspace_id: Some(d.workspace_id),
                    to,
                    to_user_id: Some(user_id),
                    kind: EmailKind::DocumentExpiring,
                    content: expiring(&d, left, &link),
                    contains_secret: false,
                    attachment: None,
                },
            )
            .await?;
            sent += 1;
        }
        w.commit().await?;
    }
    Ok(sent)
}

fn expiring(d: &artisan_document::Model, left: i64, link: &str) -> Rendered {
    let when = match left {
        0 => "se termine aujourd'hui".to_string(),
        1 => "se termine demain".to_string(),
        n => format!("se termine dans {n} jours, le {}", d.ends_on.format("%d/%m/%Y")),
    };
    let what = format!("Votre document « {} » {when}.", d.kind.label());
    let why =
        "Sans document valide, vous ne recevrez plus de nouvelles demandes : déposez le nouveau dès que vous l'avez.";
    Rendered {
        subject: format!("{} : {when}", d.kind.label()),
        text: format!("Bonjour,\n\n{what}\n{why}\n\n{link}\n\n{}\n", templates::SIGNATURE),
        html: templates::layout(
            "Un document arrive à échéance",
            &["Bonjour,".into(), what.clone(), why.into()],
            Some(("Déposer le nouveau document", link)),
            "Vous recevez ce rappel 30 jours et 7 jours avant l'échéance, puis le jour même.",
        ),
    }
}
