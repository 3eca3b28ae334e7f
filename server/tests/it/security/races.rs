//! State transitions two people (or two tabs, or a retrying client) race:
//! one winner, on SQLite and on PostgreSQL alike.

use crate::support::quotes::{portal_token, ready_quote, signature_png, with_identity};
use crate::support::spawn_app;
use app::infra::entity::{email, portal_token as token_row, quote};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

#[tokio::test]
async fn parallel_sends_of_one_draft_take_one_number() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    for round in 0..3 {
        let client = format!("claire{round}@example.fr");
        let id = ready_quote(&owner, None, &client).await;
        let args = [("id", id.as_str())];
        let replies = futures::future::join_all((0..6).map(|_| owner.call("send_quote", &args))).await;
        let statuses: Vec<StatusCode> = replies.iter().map(|r| r.status).collect();
        assert_eq!(statuses.iter().filter(|s| s.is_success()).count(), 1, "{statuses:?}");
        assert!(
            statuses.iter().all(|s| s.is_success() || *s == StatusCode::CONFLICT),
            "{statuses:?}"
        );
        let mails = email::Entity::find()
            .filter(email::Column::ToAddress.eq(client.as_str()))
            .count(&app.state.db)
            .await
            .unwrap();
        assert_eq!(mails, 1, "one email");
        let id: uuid::Uuid = id.parse().unwrap();
        let links = token_row::Entity::find()
            .filter(token_row::Column::QuoteId.eq(id))
            .count(&app.state.db)
            .await
            .unwrap();
        assert_eq!(links, 1, "one portal link");
    }
    let numbers: Vec<String> = quote::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|q| q.number)
        .collect();
    let mut sorted = numbers.clone();
    sorted.sort();
    let year = chrono::Utc::now().format("%Y");
    assert_eq!(
        sorted,
        (1..=3).map(|n| format!("D-{year}-{n:04}")).collect::<Vec<_>>(),
        "no gap in the legal numbering"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_signature_and_a_refusal_sent_together_have_one_winner() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    for round in 0..4 {
        let address = format!("client{round}@example.fr");
        let id = ready_quote(&owner, None, &address).await;
        owner.call("send_quote", &[("id", &id)]).await.ok();
        let token = portal_token(&app.email_to(&address).await);
        let client = app.browser();
        let png = signature_png();
        let sign_args = [
            ("token", token.as_str()),
            ("signer_name", "Claire Dubois"),
            ("signer_email", address.as_str()),
            ("accepted", "true"),
            ("signature_png", png.as_str()),
        ];
        let decline_args = [("token", token.as_str()), ("reason", "Trop cher pour nous")];
        let sign = client.call("sign_quote", &sign_args);
        let decline = client.call("decline_quote", &decline_args);
        let (signed, declined) = futures::join!(sign, decline);
        let winners = [signed.status, declined.status]
            .iter()
            .filter(|s| s.is_success())
            .count();
        assert_eq!(winners, 1, "sign {} / decline {}", signed.status, declined.status);
        let q = owner.call("fetch_quote", &[("id", &id)]).await.ok();
        if signed.status.is_success() {
            assert_eq!(q["status"], "signed");
            assert!(q["decline_reason"].is_null(), "{q}");
        } else {
            assert_eq!(q["status"], "declined");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn signing_a_version_and_sending_its_replacement_together_never_leave_both() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    with_identity(&owner).await;
    for round in 0..3 {
        let address = format!("version{round}@example.fr");
        let first = ready_quote(&owner, None, &address).await;
        owner.call("send_quote", &[("id", &first)]).await.ok();
        let token = portal_token(&app.email_to(&address).await);
        let second = owner.call("new_quote_version", &[("id", &first)]).await.ok();
        let second = second.as_str().unwrap().to_string();
        let png = signature_png();
        let sign_args = [
            ("token", token.as_str()),
            ("signer_name", "Claire Dubois"),
            ("signer_email", address.as_str()),
            ("accepted", "true"),
            ("signature_png", png.as_str()),
        ];
        let send_args = [("id", second.as_str())];
        let client = app.browser();
        let (signed, sent) = futures::join!(
            client.call("sign_quote", &sign_args),
            owner.call("send_quote", &send_args)
        );
        assert_eq!(
            [signed.status, sent.status].iter().filter(|s| s.is_success()).count(),
            1,
            "sign v1 {} / send v2 {}",
            signed.status,
            sent.status
        );
        let v1 = owner.call("fetch_quote", &[("id", &first)]).await.ok();
        let v2 = owner.call("fetch_quote", &[("id", &second)]).await.ok();
        assert!(
            !(v1["status"] == "signed" && v2["status"] != "draft"),
            "a signed version and its sent replacement: {} / {}",
            v1["status"],
            v2["status"]
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn two_owners_demoting_each_other_leave_one_owner() {
    let app = spawn_app().await;
    let first = app.owner("a@duo.test", "Duo", "sales").await;
    let second = app.invite_and_join(&first, "b@duo.test", "owner", "Bea").await;
    let members = first.call("list_members", &[]).await.ok();
    let id_of = |email: &str| {
        members["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (a, b) = (id_of("a@duo.test"), id_of("b@duo.test"));
    let demote_b = [("member_id", b.as_str()), ("role", "member")];
    let demote_a = [("member_id", a.as_str()), ("role", "member")];
    let (r1, r2) = futures::join!(
        first.call("change_member_role", &demote_b),
        second.call("change_member_role", &demote_a),
    );
    assert_eq!([r1.status, r2.status].iter().filter(|s| s.is_success()).count(), 1);
    let after = first.call("list_members", &[]).await;
    let after = if after.status.is_success() {
        after
    } else {
        second.call("list_members", &[]).await
    };
    let owners = after.ok()["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "owner")
        .count();
    assert_eq!(owners, 1);
    app.stop().await;
}
