//! Geocoding: the offline index (every commune resolves, arrondissements,
//! names typed loosely) and the BAN adapter against an in-process server
//! replaying its answers, with the fallback to the offline point.

use crate::support::{Options, spawn_app_with};
use app::infra::communes;
use app::infra::entity::market_request;
use app::infra::ports::Geocoder;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use sea_orm::EntityTrait;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

#[test]
fn every_commune_and_postcode_resolves_offline() {
    let index = communes::index().expect("communes index");
    let mut checked = 0;
    for c in index.all().iter().filter(|c| c.current) {
        for p in &c.postcodes {
            let found = index
                .find(p, &c.name)
                .unwrap_or_else(|e| panic!("{p} {}: {e:?}", c.name));
            assert!(found.point.lat.abs() > 0.0 || found.point.lon.abs() > 0.0);
            checked += 1;
        }
    }
    assert!(checked > 35_000, "{checked}");
    let lyon3 = index.find("69003", "lyon").unwrap();
    assert_eq!(lyon3.insee, "69383", "Lyon with 69003 is Lyon 3e");
    assert_eq!(index.find("42000", "st etienne").unwrap().name, "Saint-Étienne");
    assert_eq!(
        index.find("00000", "Lyon"),
        Err(communes::CommuneError::UnknownPostcode)
    );
    assert!(
        matches!(index.find("69003", "Paris"), Err(communes::CommuneError::Mismatch(names)) if names.contains(&"Lyon".to_string()))
    );
    let geonames = index
        .coverage()
        .into_iter()
        .find(|(s, _, _)| *s == communes::GeoSource::GeoNames)
        .unwrap();
    assert!(geonames.1 > 8_000, "{geonames:?}");
}

/// The replayed BAN: the recorded answer for a street of Lyon 3e, an empty
/// one otherwise, 503 while `down`.
#[derive(Clone, Default)]
struct Ban {
    down: Arc<AtomicBool>,
    calls: Arc<AtomicUsize>,
}

async fn search(State(ban): State<Ban>, Query(q): Query<HashMap<String, String>>) -> Response {
    ban.calls.fetch_add(1, Ordering::SeqCst);
    if ban.down.load(Ordering::SeqCst) {
        return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let street = q.get("q").is_some_and(|v| v.to_lowercase().contains("paul bert"));
    let body = if street && q.get("citycode").map(String::as_str) == Some("69383") {
        include_str!("fixtures/ban/paul-bert.json").to_string()
    } else {
        r#"{"type":"FeatureCollection","version":"draft","features":[],"attribution":"BAN","licence":"ETALAB-2.0","limit":1}"#.to_string()
    };
    ([("content-type", "application/json")], body).into_response()
}

async fn replayed_ban() -> (String, Ban) {
    let ban = Ban::default();
    let router = axum::Router::new()
        .route("/search/", axum::routing::get(search))
        .with_state(ban.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.ok() });
    (url, ban)
}

#[tokio::test]
async fn the_ban_locates_a_street_and_the_commune_point_stands_in_otherwise() {
    let (url, ban) = replayed_ban().await;
    let geocoder = server::ban::BanGeocoder::new(&url).unwrap();
    let lyon3 = communes::index().unwrap().find("69003", "Lyon").unwrap();
    let found = geocoder.locate(lyon3, "12 rue Paul Bert").await.unwrap();
    assert_eq!(found.source, "ban");
    assert!((found.point.lat - 45.760471).abs() < 1e-9 && (found.point.lon - 4.852613).abs() < 1e-9);
    assert!(geocoder.locate(lyon3, "1 impasse Imaginaire").await.is_err());
    assert!(geocoder.locate(lyon3, "").await.is_err(), "no address, no call");

    // Through the form: the BAN's point when it answers, the offline one when down.
    let app = spawn_app_with(Options {
        ban_url: Some(url.clone()),
        ..Default::default()
    })
    .await;
    let post = |email: &'static str, phone: &'static str| {
        let base = app.base.clone();
        async move {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .post(format!("{base}/demande"))
                .header("origin", &base)
                .form(&[
                    ("trade", "Plomberie"),
                    ("description", "Remplacer le ballon d'eau chaude de 200 litres."),
                    ("postcode", "69003"),
                    ("city", "Lyon"),
                    ("address", "12 rue Paul Bert"),
                    ("budget", "1k-5k"),
                    ("name", "Claire Dubois"),
                    ("email", email),
                    ("phone", phone),
                    ("consent", "on"),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(
        post("a@example.fr", "06 98 76 54 31").await,
        reqwest::StatusCode::SEE_OTHER
    );
    ban.down.store(true, Ordering::SeqCst);
    assert_eq!(
        post("b@example.fr", "06 98 76 54 32").await,
        reqwest::StatusCode::SEE_OTHER
    );
    let mut sources: Vec<String> = market_request::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.geo_source)
        .collect();
    sources.sort();
    assert_eq!(sources, vec!["ban".to_string(), "geonames".to_string()]);
    assert!(ban.calls.load(Ordering::SeqCst) >= 4);
}
