//! Invitations, roles, removal, several workspaces per user.

use crate::support::{PASSWORD, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

fn member_id(page: &Value, email: &str) -> String {
    page["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == email)
        .unwrap_or_else(|| panic!("{email} not in {page}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn invite_accept_change_role_and_remove() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let bad = owner
        .call("invite_member", &[("email", "pas-une-adresse"), ("role", "member")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    owner
        .call("invite_member", &[("email", "Karim@Martin.test"), ("role", "member")])
        .await
        .ok();
    let page = owner.call("list_members", &[]).await.ok();
    assert_eq!(page["invitations"][0]["email"], "karim@martin.test");

    let link = app.link_in_email("karim@martin.test", "/invite/").await;
    assert!(
        link.starts_with(&app.base),
        "links point at the configured base URL: {link}"
    );
    let token = link.rsplit('/').next().unwrap().to_string();
    let karim = app.browser();
    let info = karim.call("fetch_invitation", &[("token", &token)]).await.ok();
    assert_eq!(info["workspace_name"], "Plomberie Martin");
    assert_eq!(info["account_exists"], false);
    let missing = karim.call("accept_invitation", &[("token", &token)]).await;
    assert_eq!(
        missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a new account needs a name, password and consent"
    );
    karim
        .call(
            "accept_invitation",
            &[
                ("token", &token),
                ("name", "Karim Benali"),
                ("password", PASSWORD),
                ("consent", "on"),
            ],
        )
        .await
        .ok();
    assert_eq!(
        karim.call("current_user", &[]).await.ok()["workspace"]["role"],
        "member"
    );
    let reuse = app.browser().call("fetch_invitation", &[("token", &token)]).await;
    assert_eq!(reuse.status, StatusCode::CONFLICT, "an invitation is used once");

    // A member cannot manage members.
    let page = karim.call("list_members", &[]).await.ok();
    let julien = member_id(&page, "julien@martin.test");
    let karim_id = member_id(&page, "karim@martin.test");
    assert_eq!(
        karim
            .call("invite_member", &[("email", "x@martin.test"), ("role", "member")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        karim.call("remove_member", &[("member_id", &julien)]).await.status,
        StatusCode::FORBIDDEN
    );

    owner
        .call("change_member_role", &[("member_id", &karim_id), ("role", "admin")])
        .await
        .ok();
    // An admin manages members but never owners.
    assert_eq!(
        karim
            .call("change_member_role", &[("member_id", &julien), ("role", "member")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        karim
            .call("invite_member", &[("email", "boss@martin.test"), ("role", "owner")])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    karim
        .call(
            "invite_member",
            &[("email", "apprenti@martin.test"), ("role", "member")],
        )
        .await
        .ok();

    // The last owner stays.
    let last = owner
        .call("change_member_role", &[("member_id", &julien), ("role", "admin")])
        .await;
    assert_eq!(last.status, StatusCode::CONFLICT);
    assert_eq!(
        owner.call("remove_member", &[("member_id", &julien)]).await.status,
        StatusCode::CONFLICT
    );

    owner.call("remove_member", &[("member_id", &karim_id)]).await.ok();
    assert_eq!(
        karim.call("list_members", &[]).await.status,
        StatusCode::NOT_FOUND,
        "no workspace left"
    );
    assert!(karim.call("current_user", &[]).await.ok()["workspace"].is_null());
    app.stop().await;
}

#[tokio::test]
async fn an_existing_user_joins_a_second_workspace_and_switches() {
    let app = spawn_app().await;
    let artisan = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let workshop = app.owner("sophie@atelier.test", "Thermolaquage RA", "workshop").await;
    let claire = app.owner("claire@compta.test", "Cabinet Moreau", "sales").await;
    artisan
        .call(
            "invite_member",
            &[("email", "claire@compta.test"), ("role", "accounting")],
        )
        .await
        .ok();
    let link = app.link_in_email("claire@compta.test", "/invite/").await;
    let token = link.rsplit('/').next().unwrap().to_string();

    // Someone else signed in cannot take Claire's invitation.
    let wrong = workshop.call("accept_invitation", &[("token", &token)]).await;
    assert_eq!(wrong.status, StatusCode::CONFLICT);
    // Signed out with an existing account: sign in first.
    assert_eq!(
        app.browser()
            .call("accept_invitation", &[("token", &token)])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    claire.call("accept_invitation", &[("token", &token)]).await.ok();
    let me = claire.call("current_user", &[]).await.ok();
    assert_eq!(me["workspaces"].as_array().unwrap().len(), 2);
    assert_eq!(me["workspace"]["name"], "Plomberie Martin");
    assert_eq!(me["workspace"]["role"], "accounting");
    let cabinet = me["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "Cabinet Moreau")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    claire
        .call("switch_workspace", &[("workspace_id", &cabinet)])
        .await
        .ok();
    assert_eq!(
        claire.call("current_user", &[]).await.ok()["workspace"]["name"],
        "Cabinet Moreau"
    );

    // Creating another workspace switches to it, with the pack's pipeline.
    claire
        .call("create_workspace", &[("name", "Coaching Claire"), ("pack", "coach")])
        .await
        .ok();
    let me = claire.call("current_user", &[]).await.ok();
    assert_eq!(me["workspace"]["name"], "Coaching Claire");
    assert_eq!(me["workspace"]["role"], "owner");
    let overview = claire.call("workspace_overview", &[]).await.ok();
    assert_eq!(overview["pipelines"][0]["stages"].as_array().unwrap().len(), 8);
    app.stop().await;
}

#[tokio::test]
async fn revoked_invitations_cannot_be_used() {
    let app = spawn_app().await;
    let owner = app.owner("thomas@alforis.test", "Alforis", "sales").await;
    owner
        .call("invite_member", &[("email", "hugo@alforis.test"), ("role", "member")])
        .await
        .ok();
    let link = app.link_in_email("hugo@alforis.test", "/invite/").await;
    let token = link.rsplit('/').next().unwrap().to_string();
    let page = owner.call("list_members", &[]).await.ok();
    let id = page["invitations"][0]["id"].as_str().unwrap().to_string();
    owner.call("revoke_invitation", &[("invitation_id", &id)]).await.ok();
    let reply = app
        .browser()
        .call(
            "accept_invitation",
            &[
                ("token", &token),
                ("name", "Hugo"),
                ("password", PASSWORD),
                ("consent", "on"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        owner.call("list_members", &[]).await.ok()["invitations"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    app.stop().await;
}

#[tokio::test]
async fn settings_are_for_owners_and_validated() {
    let app = spawn_app().await;
    let owner = app.owner("sophie@atelier.test", "Atelier", "workshop").await;
    let empty = owner.call("update_workspace_settings", &[("name", " ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.error().field_message("name").is_some());
    owner
        .call("update_workspace_settings", &[("name", "Thermolaquage Rhône-Alpes")])
        .await
        .ok();
    assert_eq!(
        owner.call("fetch_workspace_settings", &[]).await.ok()["name"],
        "Thermolaquage Rhône-Alpes"
    );
    let lucas = app
        .invite_and_join(&owner, "lucas@atelier.test", "admin", "Lucas Girard")
        .await;
    assert_eq!(
        lucas
            .call("update_workspace_settings", &[("name", "Autre nom")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    app.stop().await;
}
