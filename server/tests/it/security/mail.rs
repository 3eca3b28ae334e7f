//! Mail belongs to whoever proved the address: signing up with someone
//! else's address shows none of their mail, invitations need the link that
//! reached the address, and an unproven workspace sends nothing (nor more
//! than its quota).

use crate::support::quotes::{ready_quote, with_identity};
use crate::support::{Options, spawn_app, spawn_app_with};
use reqwest::StatusCode;

#[tokio::test]
async fn signing_up_as_a_client_shows_none_of_their_mail() {
    let app = spawn_app().await;
    let artisan = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&artisan).await;
    let id = ready_quote(&artisan, None, "claire@client.test").await;
    artisan.call("send_quote", &[("id", &id)]).await.ok();
    let quote_mail = app.email_to("claire@client.test").await;
    assert!(quote_mail.contains("/portal/"));

    // The attacker signs up with the client's address (never proven).
    let attacker = app.unverified_owner("claire@client.test", "Piège", "artisan").await;
    let outbox = attacker.call("list_outbox", &[]).await;
    assert!(
        !outbox.body.contains("/portal/") && !outbox.body.contains("Plomberie Martin"),
        "{}",
        outbox.body
    );
    let me = attacker.call("current_user", &[]).await.ok();
    assert_eq!(me["email_verified"], false);
    let mail_id = artisan
        .call("list_outbox", &[("search", "claire@client.test")])
        .await
        .ok()["rows"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let read = attacker.call("get_email", &[("id", &mail_id)]).await;
    assert!(!read.status.is_success(), "{}", read.body);
    assert!(!read.body.contains("/portal/"));
    app.stop().await;
}

#[tokio::test]
async fn an_invitation_is_taken_only_with_the_link_sent_to_the_address() {
    let app = spawn_app().await;
    let owner = app.owner("sophie@atelier.test", "Atelier", "workshop").await;
    owner
        .call("invite_member", &[("email", "lucas@atelier.test"), ("role", "admin")])
        .await
        .ok();
    app.email_to("lucas@atelier.test").await;
    // Someone signs up as the invitee: they cannot read the invitation.
    let squatter = app.unverified_owner("lucas@atelier.test", "Piège", "workshop").await;
    let outbox = squatter.call("list_outbox", &[]).await;
    assert!(!outbox.body.contains("/invite/"), "{}", outbox.body);
    // The real invitee finds an account squatting their address: a reset
    // link (mailed to them) takes it back and closes the squatter's sessions;
    // then the invitation link from their mailbox joins.
    let real = app.browser();
    real.call("request_password_reset", &[("email", "lucas@atelier.test")])
        .await
        .ok();
    let reset = app.link_in_email("lucas@atelier.test", "/auth/reset/").await;
    let reset_token = reset.rsplit('/').next().unwrap().to_string();
    let new_password = "Atelier-Lucas-2026";
    real.call("reset_password", &[("token", &reset_token), ("password", new_password)])
        .await
        .ok();
    assert_eq!(
        squatter.call("current_user", &[]).await.ok(),
        serde_json::Value::Null,
        "the squatter's session is closed"
    );
    real.sign_in("lucas@atelier.test", new_password).await.ok();
    let token = app.invitation_token("lucas@atelier.test").await;
    real.call("accept_invitation", &[("token", &token)]).await.ok();
    let me = real.call("current_user", &[]).await.ok();
    assert_eq!(me["email_verified"], true);
    assert_eq!(me["workspace"]["name"], "Atelier");
    app.stop().await;
}

#[tokio::test]
async fn an_unproven_workspace_sends_neither_quotes_nor_invitations() {
    let app = spawn_app().await;
    let owner = app
        .unverified_owner("spam@phish.test", "Banque Officielle", "artisan")
        .await;
    with_identity(&owner).await;
    let id = ready_quote(&owner, None, "victim@example.fr").await;
    let refused = owner.call("send_quote", &[("id", &id)]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.body.contains("Confirmez d'abord votre adresse"),
        "{}",
        refused.body
    );
    let refused = owner
        .call("invite_member", &[("email", "victim2@example.fr"), ("role", "member")])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    // Nothing left for the victims, and the quote is still a draft.
    use app::infra::entity::email;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let to_victims = email::Entity::find()
        .filter(email::Column::ToAddress.is_in(["victim@example.fr", "victim2@example.fr"]))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(to_victims, 0);
    // Once the owner proves the address, the same quote goes.
    app.verify_email(&owner, "spam@phish.test").await;
    owner.call("send_quote", &[("id", &id)]).await.ok();
    app.stop().await;
}

#[tokio::test]
async fn a_workspace_sends_within_its_quota() {
    let app = spawn_app_with(Options {
        mail_quota: Some(app::infra::config::MailQuota {
            per_hour: 2,
            per_day: 10,
        }),
        ..Options::default()
    })
    .await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    for n in 0..2 {
        let id = ready_quote(&owner, None, &format!("client{n}@example.fr")).await;
        owner.call("send_quote", &[("id", &id)]).await.ok();
    }
    let id = ready_quote(&owner, None, "client3@example.fr").await;
    let refused = owner.call("send_quote", &[("id", &id)]).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.body);
    assert!(refused.body.contains("Quota d'envoi atteint"), "{}", refused.body);
    let draft = owner.call("fetch_quote", &[("id", &id)]).await.ok();
    assert_eq!(draft["status"], "draft", "nothing half-sent");
    app.stop().await;
}

#[tokio::test]
async fn reminders_wait_when_the_quota_is_spent() {
    let app = spawn_app_with(Options {
        mail_quota: Some(app::infra::config::MailQuota {
            per_hour: 1,
            per_day: 10,
        }),
        ..Options::default()
    })
    .await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    let id = ready_quote(&owner, None, "claire@example.fr").await;
    owner.call("send_quote", &[("id", &id)]).await.ok();
    app.email_to("claire@example.fr").await;
    // The quota (1 an hour) is spent: the reminder sends nothing and waits.
    let quote_id: uuid::Uuid = id.parse().unwrap();
    app::quote::scheduled::remind(&app.state, quote_id).await.unwrap();
    use app::infra::entity::{email, queue_job};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let mails = email::Entity::find()
        .filter(email::Column::ToAddress.eq("claire@example.fr"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(mails, 1, "no reminder past the quota");
    let later = queue_job::Entity::find()
        .filter(queue_job::Column::Kind.eq("quote_reminder"))
        .filter(queue_job::Column::RunAt.gt(chrono::Utc::now() + chrono::TimeDelta::minutes(50)))
        .filter(queue_job::Column::RunAt.lt(chrono::Utc::now() + chrono::TimeDelta::minutes(70)))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(later, 1, "the reminder is tried again in an hour");
    app.stop().await;
}
