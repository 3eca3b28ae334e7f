//! `GET /api/v1/openapi.json`: the public HTTP API described by OpenAPI,
//! generated from the handlers' annotations and the wire types
//! (`app::setter::wire`). The test command fuzzes the live server against it
//! with schemathesis (`scripts/fuzz-api.sh`).

use axum::Json;
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Comptoir public API",
        version = "1",
        description = "Public HTTP API of Comptoir. Authentication: a workspace API key \
                       (`Authorization: Bearer cpt_…`), created on /app/dashboard/settings."
    ),
    paths(crate::setter_api::setter_events),
    modifiers(&ApiKeyAuth),
    tags((name = "setter", description = "The DM-setter feed (ManyChat → n8n → Comptoir)."))
)]
pub struct ApiDoc;

struct ApiKeyAuth;

impl utoipa::Modify for ApiKeyAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("cpt_…")
                    .build(),
            ),
        );
    }
}

/// The document, as served.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi_json() -> Response {
    Json(document()).into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_feed_is_described_with_its_answers() {
        let json = serde_json::to_value(super::document()).unwrap();
        let post = &json["paths"]["/api/v1/setter/events"]["post"];
        for status in ["200", "401", "413", "422", "429"] {
            assert!(post["responses"][status].is_object(), "{status} documented");
        }
        assert!(json["components"]["schemas"]["SetterEventBody"].is_object());
        assert!(json["components"]["securitySchemes"]["api_key"].is_object());
    }
}
