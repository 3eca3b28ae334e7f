//! The S3-compatible file store (AWS S3, Scaleway, OVHcloud, MinIO…) through
//! the `object_store` crate, behind the `FileStore` port. Configured by
//! `COMPTOIR_S3_BUCKET` (which turns it on), `COMPTOIR_S3_ENDPOINT` (for
//! S3-compatible providers; path-style requests), `COMPTOIR_S3_REGION`,
//! `COMPTOIR_S3_ACCESS_KEY_ID` and `COMPTOIR_S3_SECRET_ACCESS_KEY`.

use app::infra::ports::FileStore;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};

/// Where and how to reach the bucket.
#[derive(Clone, Debug)]
pub struct S3Config {
    /// Bucket name.
    pub bucket: String,
    /// Endpoint of an S3-compatible provider (`None`: AWS).
    pub endpoint: Option<String>,
    /// Region.
    pub region: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
}

/// The adapter.
pub struct S3Store {
    store: Box<dyn ObjectStore>,
}

impl S3Store {
    /// Builds the client (no request is made yet).
    pub fn new(config: &S3Config) -> Result<S3Store, String> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key);
        if let Some(endpoint) = &config.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_virtual_hosted_style_request(false)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        let store = builder.build().map_err(|e| format!("S3 configuration: {e}"))?;
        Ok(S3Store { store: Box::new(store) })
    }
}

fn path(key: &str) -> Result<Path, String> {
    Path::parse(key).map_err(|e| e.to_string())
}

#[async_trait::async_trait]
impl FileStore for S3Store {
    fn adapter(&self) -> &'static str {
        "s3"
    }

    async fn put(&self, key: &str, bytes: Vec<u8>, _content_type: &str) -> Result<(), String> {
        self.store
            .put(&path(key)?, PutPayload::from(bytes))
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, String> {
        match self.store.get(&path(key)?).await {
            Ok(found) => found.bytes().await.map(|b| Some(b.to_vec())).map_err(|e| e.to_string()),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), String> {
        match self.store.delete(&path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }
}
