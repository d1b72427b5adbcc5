//! A UPS simulator: OAuth token endpoint, address validation, rating, shipping, void,
//! tracking and Track Alert subscriptions, answering in UPS's JSON shapes.
//!
//! - Tokens: any `Basic` client credentials get a token (`expires_in` as a string, as UPS
//!   sends it); API calls without an issued token get `401` with UPS code `250002`.
//! - Address validation: a postal code of `00000` has no candidates; a street line
//!   containing `AMBIGUOUS` has two; anything else is valid (residential, or commercial
//!   when a line contains `SUITE` or `STE`).
//! - Rating: Ground (`03`), 2nd Day Air (`02`) and Next Day Air (`01`) priced from the
//!   billable weight; negotiated rates are 80 % of published when asked for.
//! - Shipping: tracking numbers `1ZPRGNS` + 11 digits, each with a small real PNG label.
//!   Each tracking call on a shipped number moves it on: label created, in transit,
//!   delivered. [`LABEL_CREATED`], [`IN_TRANSIT`] and [`DELIVERED`] always answer that
//!   state; [`NOT_FOUND`] answers UPS's "not found" warning inside a `200`.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let sim = proign_testkit::sim::ups::UpsSim::start().await;
//! assert!(sim.base_url().starts_with("http://127.0.0.1:"));
//! sim.fail_next(1, 503, r#"{"response":{"errors":[{"code":"10001","message":"outage"}]}}"#);
//! assert!(sim.requests().is_empty());
//! # });
//! ```

mod handlers;
mod state;

use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use proign_core::http::{ReqwestTransport, Transport, TransportConfig, TransportRequest};

pub use state::RecordedRequest;
use state::State;

/// A tracking number that always shows a created label.
pub const LABEL_CREATED: &str = "1ZPRGNSIM000000001";
/// A tracking number that always shows a parcel in transit.
pub const IN_TRANSIT: &str = "1ZPRGNSIM000000002";
/// A tracking number that always shows a delivered parcel.
pub const DELIVERED: &str = "1ZPRGNSIM000000003";
/// A tracking number UPS does not know.
pub const NOT_FOUND: &str = "1ZPRGNSIM000000404";

/// A 1×1 PNG, the label every shipment gets.
pub const LABEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f,
    0x0f, 0x00, 0x02, 0x87, 0x01, 0x80, 0xeb, 0x47, 0xba, 0x92, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A running UPS simulator; it stops when dropped.
#[derive(Debug)]
pub struct UpsSim {
    base_url: String,
    state: Arc<Mutex<State>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for UpsSim {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl UpsSim {
    /// Starts the simulator on an ephemeral loopback port.
    ///
    /// # Panics
    ///
    /// If no loopback port can be bound.
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let address = listener.local_addr().expect("a bound address");
        let app = handlers::router(state.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            base_url: format!("http://{address}"),
            state,
            server,
        }
    }

    /// The base URL to configure the UPS client with.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Answers the next `count` calls (token requests included) with `status` and `body`.
    pub fn fail_next(&self, count: usize, status: u16, body: impl Into<String>) {
        let body = body.into();
        let mut state = lock(&self.state);
        state
            .failures
            .extend(std::iter::repeat_n((status, body), count));
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).requests.clone()
    }

    /// Number of tokens issued so far.
    pub fn tokens_issued(&self) -> usize {
        lock(&self.state).tokens.len()
    }

    /// Answers the next `count` calls whose path contains `path_part` (such as
    /// `/shipments/`) with `status` and `body`; other calls are not affected.
    pub fn fail_next_on(
        &self,
        path_part: &str,
        count: usize,
        status: u16,
        body: impl Into<String>,
    ) {
        let failure = (path_part.to_owned(), status, body.into());
        lock(&self.state)
            .targeted
            .extend(std::iter::repeat_n(failure, count));
    }

    /// From now on, a parcel is delivered as soon as it is subscribed to Track Alert, and
    /// its "delivered" callback is sent to the subscription's URL in the background.
    pub fn auto_deliver(&self) {
        lock(&self.state).auto_deliver = true;
    }

    /// Delivers a Track Alert callback for `tracking_number` to the URL its subscription
    /// named, with the subscription's credential in the `credential` header, and returns
    /// the status the receiver answered. The event reports the number's current state.
    pub async fn deliver_track_alert(&self, tracking_number: &str) -> Result<u16, DeliveryError> {
        deliver_alert(&self.state, tracking_number).await
    }
}

/// The tracking numbers a subscription request names.
fn subscribed(body: &serde_json::Value) -> Vec<String> {
    body["trackingNumberList"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn deliver_alert(state: &Mutex<State>, tracking_number: &str) -> Result<u16, DeliveryError> {
    let (url, credential, body) = {
        let state = lock(state);
        let (url, credential) = state
            .subscriptions
            .get(tracking_number)
            .cloned()
            .ok_or(DeliveryError::NotSubscribed)?;
        (url, credential, state.callback_body(tracking_number))
    };
    let url = url::Url::parse(&url).map_err(|_| DeliveryError::BadUrl)?;
    let mut headers = HeaderMap::new();
    let value = HeaderValue::from_str(&credential).map_err(|_| DeliveryError::BadUrl)?;
    headers.insert(HeaderName::from_static("credential"), value);
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let transport = ReqwestTransport::new(&TransportConfig::default())
        .map_err(|_| DeliveryError::Unreachable)?;
    let response = transport
        .send(TransportRequest {
            method: Method::POST,
            url,
            headers,
            body: Bytes::from(body),
            timeout: std::time::Duration::from_secs(10),
        })
        .await
        .map_err(|_| DeliveryError::Unreachable)?;
    Ok(response.status.as_u16())
}

/// Why a callback could not be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryError {
    /// No subscription names the tracking number.
    NotSubscribed,
    /// The subscription's URL or credential cannot be used.
    BadUrl,
    /// The receiver did not answer.
    Unreachable,
}

impl std::fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NotSubscribed => "the tracking number has no subscription",
            Self::BadUrl => "the subscription's URL or credential is unusable",
            Self::Unreachable => "the callback receiver did not answer",
        })
    }
}

impl std::error::Error for DeliveryError {}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
