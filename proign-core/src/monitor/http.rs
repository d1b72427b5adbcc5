//! The monitor over HTTP (feature `axum`): JSON for programs, a small HTML page for people.
//!
//! | route | what |
//! |---|---|
//! | `GET /` | the page: every integration's state, counters and last error, the queue's backlog, the dead letters with a redrive button |
//! | `GET /status.json` | the [`MonitorSnapshot`] and the dead letters as JSON |
//! | `POST /dead-letters/{id}/redrive` | puts a dead letter back in the queue; needs the redrive token |
//!
//! Redriving is off unless the host configures a token ([`MonitorRoutes::with_redrive_token`]);
//! the token typed into the page is compared in constant time and never shown or logged.
//! Mount the router behind the host's own authentication: the page shows error excerpts.
//!
//! ```
//! use std::sync::Arc;
//! use proign_core::monitor::{Monitor, http::MonitorRoutes};
//! use proign_core::queue::MemoryQueue;
//! use proign_core::secret::Secret;
//!
//! let routes = MonitorRoutes::new(Arc::new(Monitor::new()), Arc::new(MemoryQueue::new()))
//!     .with_redrive_token(Secret::new("made-up-operator-token-123").unwrap())
//!     .with_base_path("/ops/integrations")
//!     .unwrap();
//! // The page is then at `/ops/integrations`.
//! let app: axum::Router = axum::Router::new().nest("/ops/integrations", routes.into_router());
//! ```

use std::sync::Arc;

use axum::extract::{Form, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Json, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{Monitor, MonitorSnapshot};
use crate::queue::{DeadLetter, JobId, Queue};
use crate::secret::Secret;

/// How many dead letters the page and the JSON list.
const LISTED: usize = 100;

/// The monitor's routes and what they need.
pub struct MonitorRoutes<Q> {
    monitor: Arc<Monitor>,
    queue: Arc<Q>,
    redrive_token: Option<Secret>,
    base_path: String,
}

impl<Q> std::fmt::Debug for MonitorRoutes<Q> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonitorRoutes")
            .field("redrive_enabled", &self.redrive_token.is_some())
            .finish_non_exhaustive()
    }
}

impl<Q: Queue> MonitorRoutes<Q> {
    /// Routes showing `monitor` and `queue`'s backlog and dead letters; redriving is off.
    pub fn new(monitor: Arc<Monitor>, queue: Arc<Q>) -> Self {
        Self {
            monitor,
            queue,
            redrive_token: None,
            base_path: String::new(),
        }
    }

    /// The path the router is nested at (such as `/ops/integrations`), so the page's buttons
    /// and redirects point to the right place. Must start with `/`, not end with one, and hold
    /// only letters, digits and `/-_.`.
    pub fn with_base_path(mut self, path: &str) -> Result<Self, crate::queue::QueueError> {
        let valid = path.starts_with('/')
            && !path.ends_with('/')
            && path
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b));
        if !valid {
            return Err(crate::queue::QueueError::Config {
                what: "base path must look like /ops/integrations",
            });
        }
        self.base_path = path.to_owned();
        Ok(self)
    }

    /// Turns the redrive button on, guarded by `token`.
    pub fn with_redrive_token(mut self, token: Secret) -> Self {
        self.redrive_token = Some(token);
        self
    }

    /// The router, to mount where the host likes.
    pub fn into_router(self) -> axum::Router {
        axum::Router::new()
            .route("/", get(page::<Q>))
            .route("/status.json", get(status::<Q>))
            .route("/dead-letters/{id}/redrive", post(redrive::<Q>))
            .with_state(Arc::new(self))
    }
}

/// The JSON document of `GET /status.json`.
#[derive(Debug, Serialize)]
pub struct Status {
    /// The monitor's snapshot.
    #[serde(flatten)]
    pub snapshot: MonitorSnapshot,
    /// The first dead letters.
    pub dead_letters: Vec<DeadLetter>,
    /// Whether the queue could be read; `false` means the numbers above may be stale.
    pub queue_readable: bool,
}

async fn collect<Q: Queue>(routes: &MonitorRoutes<Q>) -> Status {
    let stats = routes.queue.stats().await;
    let queue_readable = stats.is_ok();
    if let Ok(stats) = stats {
        routes.monitor.record_queue(stats);
    }
    if let Ok(kinds) = routes.queue.stats_by_kind().await {
        routes.monitor.record_backlog(&kinds);
    }
    let dead_letters = routes
        .queue
        .dead_letters(None, LISTED)
        .await
        .unwrap_or_default();
    Status {
        snapshot: routes.monitor.snapshot(),
        dead_letters,
        queue_readable,
    }
}

fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

async fn page<Q: Queue>(State(routes): State<Arc<MonitorRoutes<Q>>>) -> Response {
    let status = collect(&routes).await;
    let redrive_base = routes
        .redrive_token
        .as_ref()
        .map(|_| routes.base_path.as_str());
    let html = super::html::render(&status, redrive_base);
    no_store(Html(html).into_response())
}

async fn status<Q: Queue>(State(routes): State<Arc<MonitorRoutes<Q>>>) -> Response {
    no_store(Json(collect(&routes).await).into_response())
}

/// The form the redrive button posts.
#[derive(Deserialize)]
struct RedriveForm {
    token: String,
}

fn same_token(given: &str, expected: &Secret) -> bool {
    // Hashing first makes the comparison independent of both lengths.
    let given = Sha256::digest(given.as_bytes());
    let expected = Sha256::digest(expected.expose().as_bytes());
    given.ct_eq(&expected).into()
}

async fn redrive<Q: Queue>(
    State(routes): State<Arc<MonitorRoutes<Q>>>,
    Path(id): Path<i64>,
    Form(form): Form<RedriveForm>,
) -> Response {
    let Some(expected) = &routes.redrive_token else {
        return (StatusCode::FORBIDDEN, "redrive is not enabled").into_response();
    };
    if !same_token(&form.token, expected) {
        return (StatusCode::FORBIDDEN, "wrong redrive token").into_response();
    }
    match routes.queue.redrive(JobId(id)).await {
        Ok(true) => {
            let page = if routes.base_path.is_empty() {
                "/"
            } else {
                &routes.base_path
            };
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(location) = HeaderValue::from_str(page) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        Ok(false) => (StatusCode::NOT_FOUND, "no such dead letter").into_response(),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the queue could not be updated",
        )
            .into_response(),
    }
}
