//! The platform admin page: every workspace with its activity, admins only.

use crate::support::{PASSWORD, spawn_app};
use app::AppError;
use app::admin::api::FetchAdminOverview;

#[tokio::test]
async fn platform_admins_see_every_workspace_with_its_activity() {
    let app = spawn_app().await;
    let artisan = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    app.invite_and_join(&artisan, "karim@martin.test", "member", "Karim Benali")
        .await;
    app.owner("lea@coaching.test", "Léa Coaching", "coach").await;
    let hidden = artisan.run(FetchAdminOverview {}).await;
    assert!(matches!(hidden, Err(AppError::NotFound)), "{hidden:?}");

    server::seed::create_platform_admin(&app.state.db, "ines@comptoir.test", "Inès Laurent", PASSWORD)
        .await
        .unwrap();
    let admin = app.browser();
    admin.sign_in("ines@comptoir.test", PASSWORD).await.ok();
    let overview = admin.run(FetchAdminOverview {}).await.unwrap();
    assert_eq!(overview.users, 4);
    let spaces = &overview.workspaces;
    assert_eq!(spaces.len(), 2);
    let martin = spaces.iter().find(|w| w.name == "Plomberie Martin").unwrap();
    assert_eq!(martin.members, 2);
    assert!(martin.events_30d >= 6);
    assert!(martin.last_activity.is_some());
    assert_eq!(spaces[0].name, "Plomberie Martin", "most active first");
    app.stop().await;
}
