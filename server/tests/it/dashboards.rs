//! Every role of every pack gets a dashboard with figures: whoever works
//! deals their own, owners, admins and accounting the workspace's, a coach
//! workspace its setter KPIs.

use crate::support::spawn_app;
use app::dashboard::api::FetchDashboard;

#[tokio::test]
async fn every_role_of_every_pack_gets_a_dashboard() {
    let app = spawn_app().await;
    for (n, pack) in ["artisan", "workshop", "sales", "coach"].into_iter().enumerate() {
        let owner = app
            .owner(&format!("owner{n}@packs.test"), &format!("Espace {pack}"), pack)
            .await;
        let mut people = vec![("owner", owner.clone())];
        for role in ["admin", "member", "accounting"] {
            let who = app
                .invite_and_join(&owner, &format!("{role}{n}@packs.test"), role, "Camille Martin")
                .await;
            people.push((role, who));
        }
        for (role, browser) in people {
            let d = browser.run(FetchDashboard { period: None }).await.unwrap();
            let sections = [
                d.coach.as_ref().map(|c| c.kpis.len()),
                d.mine.as_ref().map(|p| p.kpis.len()),
                d.workspace.as_ref().map(|p| p.kpis.len()),
            ];
            assert!(sections.iter().flatten().any(|n| *n > 0), "{pack} {role}: {sections:?}");
            // Own figures for who works deals (not in a coach workspace, whose
            // setter KPIs are everyone's); the workspace's for who reads it.
            assert_eq!(
                d.mine.is_some(),
                pack != "coach" && role != "accounting",
                "{pack} {role}"
            );
            assert_eq!(d.workspace.is_some(), role != "member", "{pack} {role}");
            assert_eq!(d.coach.is_some(), pack == "coach", "{pack} {role}");
        }
    }
    app.stop().await;
}
