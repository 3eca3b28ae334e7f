//! Invitations, roles, removal, several workspaces per user. Server
//! functions are called typed (their generated structs, the shared data
//! objects and `AppError` back).

use crate::support::{Browser, PASSWORD, spawn_app};
use app::AppError;
use app::auth::Me;
use app::auth::api::CurrentUser;
use app::domain::{MemberId, Role};
use app::workspace::MembersPage;
use app::workspace::api::{
    AcceptInvitation, ChangeMemberRole, CreateWorkspace, FetchInvitation, FetchWorkspaceSettings, InviteMember,
    ListMembers, RemoveMember, RevokeInvitation, SwitchWorkspace, UpdateWorkspaceSettings, WorkspaceOverview,
};

fn member_id(page: &MembersPage, email: &str) -> MemberId {
    page.members
        .iter()
        .find(|m| m.email == email)
        .unwrap_or_else(|| panic!("{email} not in {page:?}"))
        .id
}

async fn invite(browser: &Browser, email: &str, role: &str) -> Result<app::domain::InvitationId, AppError> {
    browser
        .run(InviteMember {
            email: email.into(),
            role: role.into(),
        })
        .await
}

async fn me(browser: &Browser) -> Me {
    browser.run(CurrentUser {}).await.unwrap().expect("signed in")
}

fn accept(token: &str) -> AcceptInvitation {
    AcceptInvitation {
        token: token.into(),
        name: None,
        password: None,
        consent: None,
    }
}

fn role_change(member_id: MemberId, role: &str) -> ChangeMemberRole {
    ChangeMemberRole {
        member_id,
        role: role.into(),
    }
}

#[tokio::test]
async fn invite_accept_change_role_and_remove() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let bad = invite(&owner, "pas-une-adresse", "member").await;
    assert!(matches!(bad, Err(AppError::Validation(_))), "{bad:?}");
    invite(&owner, "Karim@Martin.test", "member").await.unwrap();
    let page = owner.run(ListMembers {}).await.unwrap();
    assert_eq!(page.invitations[0].email, "karim@martin.test");

    let link = app.link_in_email("karim@martin.test", "/invite/").await;
    assert!(
        link.starts_with(&app.base),
        "links point at the configured base URL: {link}"
    );
    let token = link.rsplit('/').next().unwrap().to_string();
    let karim = app.browser();
    let info = karim.run(FetchInvitation { token: token.clone() }).await.unwrap();
    assert_eq!(info.workspace_name, "Plomberie Martin");
    assert!(!info.account_exists);
    let missing = karim.run(accept(&token)).await;
    assert!(
        matches!(missing, Err(AppError::Validation(_))),
        "a new account needs a name, password and consent: {missing:?}"
    );
    karim
        .run(AcceptInvitation {
            name: Some("Karim Benali".into()),
            password: Some(PASSWORD.into()),
            consent: Some("on".into()),
            ..accept(&token)
        })
        .await
        .unwrap();
    assert_eq!(me(&karim).await.workspace.unwrap().role, Role::Member);
    let reuse = app.browser().run(FetchInvitation { token: token.clone() }).await;
    assert!(
        matches!(reuse, Err(AppError::Conflict(_))),
        "an invitation is used once: {reuse:?}"
    );

    // A member cannot manage members.
    let page = karim.run(ListMembers {}).await.unwrap();
    let julien = member_id(&page, "julien@martin.test");
    let karim_id = member_id(&page, "karim@martin.test");
    let refused = invite(&karim, "x@martin.test", "member").await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    let refused = karim.run(RemoveMember { member_id: julien }).await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");

    owner.run(role_change(karim_id, "admin")).await.unwrap();
    // An admin manages members but never owners.
    let refused = karim.run(role_change(julien, "member")).await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    let refused = invite(&karim, "boss@martin.test", "owner").await;
    assert!(matches!(refused, Err(AppError::Validation(_))), "{refused:?}");
    invite(&karim, "apprenti@martin.test", "member").await.unwrap();

    // The last owner stays.
    let last = owner.run(role_change(julien, "admin")).await;
    assert!(matches!(last, Err(AppError::Conflict(_))), "{last:?}");
    let last = owner.run(RemoveMember { member_id: julien }).await;
    assert!(matches!(last, Err(AppError::Conflict(_))), "{last:?}");

    owner.run(RemoveMember { member_id: karim_id }).await.unwrap();
    let gone = karim.run(ListMembers {}).await;
    assert!(matches!(gone, Err(AppError::NotFound)), "no workspace left: {gone:?}");
    assert!(me(&karim).await.workspace.is_none());
    app.stop().await;
}

#[tokio::test]
async fn an_existing_user_joins_a_second_workspace_and_switches() {
    let app = spawn_app().await;
    let artisan = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let workshop = app.owner("sophie@atelier.test", "Thermolaquage RA", "workshop").await;
    let claire = app.owner("claire@compta.test", "Cabinet Moreau", "sales").await;
    invite(&artisan, "claire@compta.test", "accounting").await.unwrap();
    let link = app.link_in_email("claire@compta.test", "/invite/").await;
    let token = link.rsplit('/').next().unwrap().to_string();

    // Someone else signed in cannot take Claire's invitation.
    let wrong = workshop.run(accept(&token)).await;
    assert!(matches!(wrong, Err(AppError::Conflict(_))), "{wrong:?}");
    // Signed out with an existing account: sign in first.
    let signed_out = app.browser().run(accept(&token)).await;
    assert!(matches!(signed_out, Err(AppError::Unauthenticated)), "{signed_out:?}");

    claire.run(accept(&token)).await.unwrap();
    let now = me(&claire).await;
    assert_eq!(now.workspaces.len(), 2);
    let current = now.workspace.unwrap();
    assert_eq!(current.name, "Plomberie Martin");
    assert_eq!(current.role, Role::Accounting);
    let cabinet = now.workspaces.iter().find(|w| w.name == "Cabinet Moreau").unwrap().id;
    claire.run(SwitchWorkspace { workspace_id: cabinet }).await.unwrap();
    assert_eq!(me(&claire).await.workspace.unwrap().name, "Cabinet Moreau");

    // Creating another workspace switches to it, with the pack's pipeline.
    let created = claire
        .run(CreateWorkspace {
            name: "Coaching Claire".into(),
            pack: "coach".into(),
        })
        .await
        .unwrap();
    let current = me(&claire).await.workspace.unwrap();
    assert_eq!(current.id, created);
    assert_eq!(current.name, "Coaching Claire");
    assert_eq!(current.role, Role::Owner);
    let overview = claire.run(WorkspaceOverview {}).await.unwrap();
    assert_eq!(overview.pipelines[0].stages.len(), 8);
    app.stop().await;
}

#[tokio::test]
async fn revoked_invitations_cannot_be_used() {
    let app = spawn_app().await;
    let owner = app.owner("thomas@alforis.test", "Alforis", "sales").await;
    let id = invite(&owner, "hugo@alforis.test", "member").await.unwrap();
    let link = app.link_in_email("hugo@alforis.test", "/invite/").await;
    let token = link.rsplit('/').next().unwrap().to_string();
    let page = owner.run(ListMembers {}).await.unwrap();
    assert_eq!(page.invitations[0].id, id);
    owner.run(RevokeInvitation { invitation_id: id }).await.unwrap();
    let reply = app
        .browser()
        .run(AcceptInvitation {
            name: Some("Hugo".into()),
            password: Some(PASSWORD.into()),
            consent: Some("on".into()),
            ..accept(&token)
        })
        .await;
    assert!(matches!(reply, Err(AppError::Conflict(_))), "{reply:?}");
    assert!(owner.run(ListMembers {}).await.unwrap().invitations.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn settings_are_for_owners_and_validated() {
    let app = spawn_app().await;
    let owner = app.owner("sophie@atelier.test", "Atelier", "workshop").await;
    let rename = |name: &str| UpdateWorkspaceSettings {
        name: name.into(),
        require_owner_totp: None,
    };
    let empty = owner.run(rename(" ")).await.expect_err("a name is required");
    assert!(empty.field_message("name").is_some(), "{empty:?}");
    owner.run(rename("Thermolaquage Rhône-Alpes")).await.unwrap();
    assert_eq!(
        owner.run(FetchWorkspaceSettings {}).await.unwrap().name,
        "Thermolaquage Rhône-Alpes"
    );
    let lucas = app
        .invite_and_join(&owner, "lucas@atelier.test", "admin", "Lucas Girard")
        .await;
    let refused = lucas.run(rename("Autre nom")).await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    app.stop().await;
}
