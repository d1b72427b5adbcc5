// Shared by the response targets: one input becomes one scripted HTTP response, served to a
// real provider client through a transport that needs no sockets.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use proign_core::http::{
    BoxFuture, Transport, TransportError, TransportErrorKind, TransportRequest, TransportResponse,
};

/// Input layout: one selector byte, two status bytes, header lines (`name: value`, one per
/// line) up to the first NUL, then the body.
pub struct Input {
    /// Which operation of the client to call.
    pub selector: u8,
    /// The scripted response.
    pub response: TransportResponse,
}

/// Splits `data` as described on [`Input`].
pub fn input(data: &[u8]) -> Input {
    let byte = |at: usize| data.get(at).copied().unwrap_or(0);
    let code = 100 + u16::from_be_bytes([byte(1), byte(2)]) % 500;
    let rest = data.get(3..).unwrap_or(&[]);
    let (head, body) = match rest.iter().position(|&b| b == 0) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (&[][..], rest),
    };
    let mut headers = HeaderMap::new();
    for line in head.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = HeaderName::from_bytes(line[..colon].trim_ascii());
        let value = HeaderValue::from_bytes(line[colon + 1..].trim_ascii());
        if let (Ok(name), Ok(value)) = (name, value) {
            headers.append(name, value);
        }
    }
    Input {
        selector: byte(0),
        response: TransportResponse {
            status: StatusCode::from_u16(code).unwrap_or(StatusCode::OK),
            headers,
            body: Bytes::copy_from_slice(body),
        },
    }
}

/// Answers each request with the next scripted response; a broken connection after that.
#[derive(Debug)]
pub struct Script(Mutex<VecDeque<TransportResponse>>);

impl Script {
    /// A transport serving `responses` in order.
    pub fn new(responses: impl IntoIterator<Item = TransportResponse>) -> Arc<Self> {
        Arc::new(Self(Mutex::new(responses.into_iter().collect())))
    }
}

impl Transport for Script {
    fn send(
        &self,
        _request: TransportRequest,
    ) -> BoxFuture<'_, Result<TransportResponse, TransportError>> {
        let next = self
            .0
            .lock()
            .map(|mut queue| queue.pop_front())
            .ok()
            .flatten();
        Box::pin(async move {
            next.ok_or_else(|| TransportError::new(TransportErrorKind::Disconnected))
        })
    }
}

/// Runs `future` to completion on one shared single-threaded runtime whose clock is paused:
/// a retry's backoff or a `Retry-After` wait advances the clock instead of sleeping.
pub fn block_on<F: Future>(future: F) -> F::Output {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .start_paused(true)
                .build()
                .expect("a single-threaded runtime")
        })
        .block_on(future)
}
