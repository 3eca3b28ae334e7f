//! The platform admin page: every workspace with its activity, admins only.

use crate::support::{PASSWORD, spawn_app};
use reqwest::StatusCode;

#[tokio::test]
async fn platform_admins_see_every_workspace_with_its_activity() {
    let app = spawn_app().await;
    let artisan = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    app.invite_and_join(&artisan, "karim@martin.test", "member", "Karim Benali")
        .await;
    app.owner("lea@coaching.test", "Léa Coaching", "coach").await;
    assert_eq!(
        artisan.call("fetch_admin_overview", &[]).await.status,
        StatusCode::NOT_FOUND
    );

    server::seed::create_platform_admin(&app.state.db, "ines@comptoir.test", "Inès Laurent", PASSWORD)
        .await
        .unwrap();
    let admin = app.browser();
    admin.sign_in("ines@comptoir.test", PASSWORD).await.ok();
    let overview = admin.call("fetch_admin_overview", &[]).await.ok();
    assert_eq!(overview["users"], 4);
    let spaces = overview["workspaces"].as_array().unwrap();
    assert_eq!(spaces.len(), 2);
    let martin = spaces.iter().find(|w| w["name"] == "Plomberie Martin").unwrap();
    assert_eq!(martin["members"], 2);
    assert!(martin["events_30d"].as_i64().unwrap() >= 6);
    assert!(martin["last_activity"].is_string());
    assert_eq!(spaces[0]["name"], "Plomberie Martin", "most active first");
    app.stop().await;
}
