//! The live stream stops for someone who lost the right to read it: a
//! removed member, a closed session.

use crate::pipeline::{move_to, stage_id};
use crate::support::{Browser, TestApp, spawn_app};
use std::time::Duration;

/// Reads the stream for up to `wait`; returns what arrived and whether it ended.
async fn read_for(stream: &mut reqwest::Response, wait: Duration) -> (String, bool) {
    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + wait;
    while tokio::time::Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_millis(200), stream.chunk()).await {
            Ok(Ok(Some(chunk))) => received.push_str(&String::from_utf8_lossy(&chunk)),
            Ok(Ok(None)) | Ok(Err(_)) => return (received, true),
            Err(_) => {}
        }
    }
    (received, false)
}

async fn open_stream(app: &TestApp, who: &Browser) -> reqwest::Response {
    let stream = who.client.get(format!("{}/app/live", app.base)).send().await.unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    stream
}

#[tokio::test]
async fn a_removed_member_stops_receiving_the_board() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let karim = app
        .invite_and_join(&owner, "karim@martin.test", "member", "Karim")
        .await;
    let mut stream = open_stream(&app, &karim).await;
    let card = owner.create_lead("Mme Claire Dubois", "Plomberie", "2 500").await;
    let deal = card.id.to_string();
    // The stream works while Karim is a member: a move reaches him.
    let board = owner.board().await;
    move_to(&owner, card.id, stage_id(&board, "En contact"), None, None)
        .await
        .unwrap();
    let (seen, _) = read_for(&mut stream, Duration::from_secs(3)).await;
    assert!(seen.contains(&deal), "a member receives the board: {seen}");

    let members = owner.call("list_members", &[]).await.ok();
    let karim_id = members["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "karim@martin.test")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    owner.call("remove_member", &[("member_id", &karim_id)]).await.ok();
    move_to(&owner, card.id, stage_id(&board, "Devis"), None, None)
        .await
        .unwrap();
    let (after, ended) = read_for(&mut stream, Duration::from_secs(15)).await;
    assert!(
        !after.contains("Claire Dubois") && !after.contains(&deal),
        "leaked after removal: {after}"
    );
    assert!(ended, "the stream of a removed member must end");
    app.stop().await;
}

#[tokio::test]
async fn a_signed_out_session_stops_receiving_even_when_idle() {
    let app = spawn_app().await;
    let owner = app.owner("julien@martin.test", "Plomberie Martin", "artisan").await;
    let mut stream = open_stream(&app, &owner).await;
    owner.call("sign_out", &[]).await.ok();
    // No update at all: the periodic check closes it.
    let (_, ended) = read_for(&mut stream, Duration::from_secs(15)).await;
    assert!(ended, "the stream of a closed session must end");
    app.stop().await;
}
