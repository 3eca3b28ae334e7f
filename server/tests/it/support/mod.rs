//! Test harness: a real server on port 0 over a fresh database (SQLite by
//! default, PostgreSQL when `TEST_DATABASE=postgres`), driven through real
//! HTTP like a browser (cookies, same-origin headers).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod pa;
pub mod quotes;
pub mod s3;
pub mod smtp;

use app::pipeline::api::{CreateLead, FetchBoard};
use app::pipeline::{Board, DealCard};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;
use server::config::{Config, DemoSeed, LogFormat};
use std::path::PathBuf;

/// Admin connection for creating per-test PostgreSQL databases.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Whether this run targets PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

/// A running server and what the test needs to reach it.
pub struct TestApp {
    pub base: String,
    pub state: app::infra::AppState,
    pub running: Option<server::Running>,
    pub dir: PathBuf,
    pub database_url: String,
    pg_database: Option<String>,
}

/// Options for `spawn_app_with`.
#[derive(Clone, Default)]
pub struct Options {
    /// `SMTP_URL`; local mailbox when `None`.
    pub smtp_url: Option<String>,
    /// Real rate limits (factor 1) instead of relaxed ones.
    pub strict_rate_limits: bool,
    /// Load the demo data.
    pub demo: bool,
    /// `COMPTOIR_TRUST_PROXY` as a number of proxies.
    pub proxy_hops: u8,
    /// `COMPTOIR_METRICS_TOKEN`.
    pub metrics_token: Option<String>,
    /// `REDIS_URL`.
    pub redis_url: Option<String>,
    /// `COMPTOIR_METRICS_ADDR`.
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// Sending quotas (default ones when `None`).
    pub mail_quota: Option<app::infra::config::MailQuota>,
    /// Job photo storage per workspace, bytes (default 2 GiB).
    pub photo_quota_bytes: Option<u64>,
    /// Use this database instead of a fresh one (a second instance).
    pub database_url: Option<String>,
    /// Run the job worker (default true).
    pub no_worker: bool,
    /// Deliver domain events to subscribers (default true).
    pub no_dispatch: bool,
    /// `COMPTOIR_BASE_URL` instead of the server's own `http://` address.
    pub base_url: Option<String>,
    /// An AFNOR e-invoicing platform instead of the local folder.
    pub platform: Option<server::afnor::AfnorConfig>,
    /// `COMPTOIR_BAN_URL`: the BAN geocoder instead of the offline one.
    pub ban_url: Option<String>,
    /// An S3 bucket for uploads instead of the local folder.
    pub s3: Option<server::s3::S3Config>,
}

async fn fresh_database(dir: &std::path::Path) -> (String, Option<String>) {
    if !on_postgres() {
        return (format!("sqlite://{}/test.db?mode=rwc", dir.display()), None);
    }
    use sea_orm::ConnectionTrait;
    let name = format!("comptoir_test_{}", uuid::Uuid::now_v7().simple());
    let admin = sea_orm::Database::connect(postgres_admin_url())
        .await
        .expect("PostgreSQL reachable");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    let _ = admin.close().await;
    let base = postgres_admin_url();
    let root = base.rsplit_once('/').map(|(r, _)| r.to_string()).unwrap_or(base);
    (format!("{root}/{name}"), Some(name))
}

/// Starts a server over a fresh, empty database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

/// Starts a server with options.
pub async fn spawn_app_with(options: Options) -> TestApp {
    let dir = std::env::temp_dir().join(format!("comptoir-test-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (database_url, pg_database) = match &options.database_url {
        Some(url) => (url.clone(), None),
        None => fresh_database(&dir).await,
    };
    let config = Config {
        database_url: database_url.clone(),
        site_addr: "127.0.0.1:0".parse().expect("addr"),
        base_url: String::new(),
        smtp_url: options.smtp_url.clone(),
        mail_from: "Comptoir <no-reply@comptoir.test>".into(),
        maildir: dir.join("mailbox"),
        demo_seed: if options.demo {
            DemoSeed::Always
        } else {
            DemoSeed::Never
        },
        proxy_hops: options.proxy_hops,
        metrics_token: options.metrics_token.clone(),
        metrics_addr: options.metrics_addr,
        redis_url: options.redis_url.clone(),
        mail_quota: options.mail_quota.unwrap_or_default(),
        rate_limit_factor: if options.strict_rate_limits { 1 } else { 1000 },
        photo_quota_bytes: options
            .photo_quota_bytes
            .unwrap_or(app::infra::config::DEFAULT_PHOTO_QUOTA_BYTES),
        db_max_connections: 5,
        log_format: LogFormat::Pretty,
        run_worker: !options.no_worker,
        run_dispatcher: !options.no_dispatch,
        einvoicing_dir: dir.join("einvoicing"),
        platform: options.platform.clone(),
        ban_url: options.ban_url.clone(),
        files_dir: dir.join("files"),
        s3: options.s3.clone(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let base = format!("http://{addr}");
    let config = Config {
        base_url: options.base_url.clone().unwrap_or_else(|| base.clone()),
        ..config
    };
    let running = server::start(config, listener).await.expect("server starts");
    TestApp {
        base,
        state: running.state.clone(),
        running: Some(running),
        dir,
        database_url,
        pg_database,
    }
}

impl TestApp {
    /// A new browser: its own cookie jar, no automatic redirects. A reply
    /// that stops coming for 60 s fails the test with its URL instead of
    /// holding the whole run (a page that never finishes is a bug to see).
    pub fn browser(&self) -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .read_timeout(std::time::Duration::from_secs(60))
                .build()
                .expect("client"),
            base: self.base.clone(),
        }
    }

    /// Signs up a new owner with a workspace of `pack` and proves their
    /// address with the link mailed at sign-up; returns their browser.
    pub async fn owner(&self, email: &str, workspace: &str, pack: &str) -> Browser {
        let browser = self.unverified_owner(email, workspace, pack).await;
        self.verify_email(&browser, email).await;
        browser
    }

    /// A platform admin (made by the operator, as `server create-admin` does), signed in.
    pub async fn platform_admin(&self, email: &str) -> Browser {
        server::seed::create_platform_admin(&self.state.db, email, "Inès Laurent", PASSWORD)
            .await
            .expect("admin created");
        let browser = self.browser();
        browser.sign_in(email, PASSWORD).await.ok();
        browser
    }

    /// Marks `email` as proven directly in the database (tests whose mail goes
    /// to an SMTP sink, where the link is not kept once delivered).
    pub async fn mark_verified(&self, email: &str) {
        use app::infra::entity::user;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        user::Entity::update_many()
            .col_expr(user::Column::EmailVerifiedAt, Some(chrono::Utc::now()).into())
            .filter(user::Column::Email.eq(email))
            .exec(&self.state.db)
            .await
            .expect("verified");
    }

    /// Opens the address-proof link last mailed to `email` in `browser`.
    pub async fn verify_email(&self, browser: &Browser, email: &str) {
        let link = self.link_in_email(email, "/auth/verify/").await;
        let token = link.rsplit('/').next().unwrap().to_string();
        browser.call("confirm_email", &[("token", &token)]).await.ok();
    }

    /// Signs up a new owner whose address stays unproven; returns their browser.
    pub async fn unverified_owner(&self, email: &str, workspace: &str, pack: &str) -> Browser {
        let browser = self.browser();
        let response = browser
            .call(
                "sign_up",
                &[
                    ("name", "Camille Durand"),
                    ("email", email),
                    ("password", PASSWORD),
                    ("workspace_name", workspace),
                    ("pack", pack),
                    ("consent", "on"),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "sign-up failed: {}", response.body);
        browser
    }

    /// Waits until the outbox holds a sent email to `to`; returns its text body.
    pub async fn email_to(&self, to: &str) -> String {
        use app::infra::entity::email;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        for _ in 0..200 {
            let found = email::Entity::find()
                .filter(email::Column::ToAddress.eq(to))
                .order_by_desc(email::Column::CreatedAt)
                .one(&self.state.db)
                .await
                .expect("query");
            if let Some(m) = found.filter(|m| m.status == app::outbox::EmailStatus::Sent) {
                return m.body_text;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("no email sent to {to}");
    }

    /// The link containing `path` in the newest email to `to` that has one
    /// (waits until such an email is delivered).
    pub async fn link_in_email(&self, to: &str, path: &str) -> String {
        use app::infra::entity::email;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        for _ in 0..200 {
            let sent = email::Entity::find()
                .filter(email::Column::ToAddress.eq(to))
                .filter(email::Column::Status.eq(app::outbox::EmailStatus::Sent))
                .order_by_desc(email::Column::CreatedAt)
                .all(&self.state.db)
                .await
                .expect("query");
            let found = sent
                .iter()
                .flat_map(|m| m.body_text.split_whitespace())
                .find(|w| w.contains(path));
            if let Some(link) = found {
                return link.to_string();
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("no {path} link mailed to {to}");
    }

    /// The token of the latest invitation emailed to `email`.
    pub async fn invitation_token(&self, email: &str) -> String {
        let link = self.link_in_email(email, "/invite/").await;
        link.rsplit('/').next().unwrap().to_string()
    }

    /// `owner` invites `email` with `role`; the invitee creates an account from
    /// the emailed link. Returns the invitee's browser, signed in.
    pub async fn invite_and_join(&self, owner: &Browser, email: &str, role: &str, name: &str) -> Browser {
        owner
            .call("invite_member", &[("email", email), ("role", role)])
            .await
            .ok();
        let token = self.invitation_token(email).await;
        let invitee = self.browser();
        invitee
            .call(
                "accept_invitation",
                &[
                    ("token", &token),
                    ("name", name),
                    ("password", PASSWORD),
                    ("consent", "on"),
                ],
            )
            .await
            .ok();
        invitee
    }

    /// Stops the server and removes its database.
    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            let _ = running.shutdown.send(true);
            let _ = running.done.await;
        }
        let _ = self.state.db.clone().close().await;
        if let Some(name) = self.pg_database.take() {
            drop_postgres_database(&name).await;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn drop_postgres_database(name: &str) {
    use sea_orm::ConnectionTrait;
    if let Ok(admin) = sea_orm::Database::connect(postgres_admin_url()).await {
        let _ = admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
        let _ = admin.close().await;
    }
}

/// A test that fails (panics) before `stop` still leaves nothing behind: its
/// PostgreSQL database is dropped (on a thread of its own, the test's runtime
/// being torn down) and its directory removed.
impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            let _ = running.shutdown.send(true);
        }
        if let Some(name) = self.pg_database.take() {
            let _ = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    rt.block_on(drop_postgres_database(&name));
                }
            })
            .join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A response with its status and body.
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Reply {
    pub async fn read(response: reqwest::Response) -> Reply {
        Reply {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body"),
        }
    }

    /// The body as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The `AppError` carried by an error response.
    pub fn error(&self) -> app::AppError {
        self.json()
    }

    /// Asserts success and returns the JSON value.
    pub fn ok(&self) -> Value {
        assert!(
            self.status.is_success(),
            "expected success, got {}: {}",
            self.status,
            self.body
        );
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A browser: a cookie jar speaking to one server.
#[derive(Clone)]
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

impl Browser {
    /// Calls a server function with its own typed arguments and answer (the
    /// shared DTOs): `browser.run(CreateApiKey { name: "n8n".into() })` gives a
    /// `Result<CreatedApiKey, AppError>`. Form-encoded as the WASM client does;
    /// for the functions that take a JSON body, use [`Browser::run_json`].
    pub async fn run<F>(&self, args: F) -> Result<F::Output, app::AppError>
    where
        F: server_fn::ServerFn + serde::Serialize,
        F::Output: DeserializeOwned,
    {
        let body = serde_qs::to_string(&args).expect("arguments encode");
        self.typed(F::PATH, "application/x-www-form-urlencoded", body).await
    }

    /// [`Browser::run`] for the server functions that take a JSON body.
    pub async fn run_json<F>(&self, args: F) -> Result<F::Output, app::AppError>
    where
        F: server_fn::ServerFn + serde::Serialize,
        F::Output: DeserializeOwned,
    {
        let body = serde_json::to_string(&args).expect("arguments encode");
        self.typed(F::PATH, "application/json", body).await
    }

    async fn typed<T: DeserializeOwned>(
        &self,
        path: &str,
        content_type: &str,
        body: String,
    ) -> Result<T, app::AppError> {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin")
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request");
        let reply = Reply::read(response).await;
        if reply.status.is_success() {
            Ok(reply.json())
        } else {
            Err(reply.error())
        }
    }

    /// Calls a server function the way the WASM client does (form-encoded POST).
    pub async fn call(&self, name: &str, args: &[(&str, &str)]) -> Reply {
        let response = self
            .client
            .post(format!("{}/api/{name}", self.base))
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin")
            .form(args)
            .send()
            .await
            .expect("request");
        Reply::read(response).await
    }

    /// Calls a server function that takes a JSON body (whole documents).
    pub async fn call_json(&self, name: &str, body: &Value) -> Reply {
        let response = self
            .client
            .post(format!("{}/api/{name}", self.base))
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin")
            .json(body)
            .send()
            .await
            .expect("request");
        Reply::read(response).await
    }

    /// GET a path.
    pub async fn get(&self, path: &str) -> Reply {
        Reply::read(
            self.client
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .expect("request"),
        )
        .await
    }

    /// Enrols TOTP with a valid code; returns the secret.
    pub async fn enable_totp(&self) -> String {
        let secret = self.call("start_totp_enrolment", &[("password", PASSWORD)]).await.ok()["secret"]
            .as_str()
            .unwrap()
            .to_string();
        self.call("confirm_totp_enrolment", &[("code", &totp_now(&secret))])
            .await
            .ok();
        secret
    }

    /// Creates a lead (and its deal) with a phone number; returns the card.
    pub async fn create_lead(&self, name: &str, trade: &str, budget: &str) -> DealCard {
        self.run(CreateLead {
            contact_name: name.into(),
            phone: Some("06 12 34 56 78".into()),
            city: Some("Lyon".into()),
            trade: trade.into(),
            description: Some("Fuite sous l'évier de la cuisine, intervention rapide souhaitée.".into()),
            budget: Some(budget.into()),
            source: "phone".into(),
            ..new_lead()
        })
        .await
        .expect("lead created")
    }

    /// Tries to create a lead.
    pub async fn try_create_lead(&self) -> Result<DealCard, app::AppError> {
        self.run(CreateLead {
            contact_name: "Test".into(),
            phone: Some("0612345678".into()),
            trade: "Plomberie".into(),
            source: "phone".into(),
            ..new_lead()
        })
        .await
    }

    /// The board of the default pipeline, unfiltered.
    pub async fn board(&self) -> Board {
        self.run(board_query()).await.expect("board")
    }

    /// Signs in with a password; returns the reply.
    pub async fn sign_in(&self, email: &str, password: &str) -> Reply {
        self.call("sign_in", &[("email", email), ("password", password)]).await
    }
}

/// A lead form with every optional field empty (fill what a test needs).
pub fn new_lead() -> CreateLead {
    CreateLead {
        pipeline_id: None,
        contact_name: String::new(),
        phone: None,
        email: None,
        address: None,
        postcode: None,
        city: None,
        trade: String::new(),
        description: None,
        budget: None,
        value: None,
        source: "phone".into(),
    }
}

/// The board of the default pipeline with no filter (set the fields a test needs).
pub fn board_query() -> FetchBoard {
    FetchBoard {
        pipeline: None,
        owner: None,
        trade: None,
        min_score: None,
        max_score: None,
        q: None,
        sort: None,
    }
}

/// The password of every account the tests create.
pub const PASSWORD: &str = "Chantier-Lyon-2026";

/// The current TOTP code, as an authenticator app shows it.
pub fn totp_now(secret: &str) -> String {
    app::auth::totp::code_at(secret, chrono::Utc::now().timestamp() as u64).unwrap()
}

/// The id of a fresh UUID (for "does not exist" cases).
pub fn random_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
