//! The national address base (BAN) geocoder, behind the `Geocoder` port:
//! `GET {COMPTOIR_BAN_URL}/search/?q=ADDRESS&citycode=INSEE&limit=1`
//! (the API of api-adresse.data.gouv.fr and of the Géoplateforme's
//! `/geocodage`), opt-in. An answer is taken when it lies in the commune
//! already checked against the postcode and scores at least 0.4; anything
//! else (no address, no match, an outage) lets the caller fall back to the
//! commune's offline point.

use app::infra::communes::Commune;
use app::infra::ports::{Geocoder, Located};
use serde::Deserialize;
use std::time::Duration;

/// Lowest BAN score taken (0–1; a street found in the right commune scores
/// above 0.6, a commune name alone about 0.3).
const MIN_SCORE: f64 = 0.4;

/// The adapter.
pub struct BanGeocoder {
    base: String,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    geometry: Geometry,
    properties: Properties,
}

#[derive(Deserialize)]
struct Geometry {
    coordinates: (f64, f64),
}

#[derive(Deserialize)]
struct Properties {
    score: f64,
    citycode: String,
}

impl BanGeocoder {
    /// An adapter for `base` (without the trailing `/search/`).
    pub fn new(base: &str) -> Result<BanGeocoder, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(3))
            .user_agent("Comptoir")
            .build()
            .map_err(|e| e.to_string())?;
        Ok(BanGeocoder {
            base: base.trim_end_matches('/').to_string(),
            http,
        })
    }
}

#[async_trait::async_trait]
impl Geocoder for BanGeocoder {
    fn adapter(&self) -> &'static str {
        "ban"
    }

    async fn locate(&self, commune: &Commune, address: &str) -> Result<Located, String> {
        let address = address.trim();
        if address.chars().count() < 3 {
            return Err("no address".into());
        }
        let response = self
            .http
            .get(format!("{}/search/", self.base))
            .query(&[("q", address), ("citycode", commune.insee.as_str()), ("limit", "1")])
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("BAN answered {}", response.status()));
        }
        let answer: Answer = response.json().await.map_err(|e| e.to_string())?;
        let best = answer.features.into_iter().next().ok_or("no match")?;
        if best.properties.score < MIN_SCORE || best.properties.citycode != commune.insee {
            return Err("no match in the commune".into());
        }
        let (lon, lat) = best.geometry.coordinates;
        let point = app::domain::geo::Point::new(lat, lon).ok_or("coordinates out of range")?;
        Ok(Located {
            point,
            source: "ban".into(),
        })
    }
}
