//! Field cases B12 and B17 against hand-written TCP servers on loopback: peers that drop the
//! connection, never answer, stall mid-body or never accept.

#![cfg(feature = "http")]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{StripeLike, UpsLike, builder};
use proign_core::http::{Client, ClientBuilder, ErrorKind, Request, TimeoutPhase};
use proign_core::idempotency::IdempotencyKey;
use proign_core::retry::RetryPolicy;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};

const CONNECT: Duration = Duration::from_millis(200);
const TOTAL: Duration = Duration::from_millis(500);
const SLACK: Duration = Duration::from_millis(100);

/// Reads one request; returns its head (lower-cased) and body.
async fn read_request(stream: &mut TcpStream) -> (String, Vec<u8>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "peer closed before sending a request");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.unwrap();
        buf.extend_from_slice(&chunk[..n]);
    }
    (head, buf[head_end..].to_vec())
}

fn header_value(head: &str, name: &str) -> Option<String> {
    head.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .map(|v| v.trim().to_owned())
}

/// A server that reads each request and then runs `behave` on the connection.
async fn serve<F, Fut>(behave: F) -> (String, Arc<AtomicUsize>)
where
    F: Fn(usize, TcpStream, String) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            let n = count.fetch_add(1, Ordering::SeqCst) + 1;
            let (head, _) = read_request(&mut stream).await;
            behave(n, stream, head).await;
        }
    });
    (url, accepted)
}

async fn hold(stream: TcpStream) {
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(stream);
    });
}

fn tight(client: ClientBuilder) -> Client {
    client
        .connect_timeout(CONNECT)
        .timeout(TOTAL)
        .build()
        .unwrap()
}

fn ups(url: &str, policy: RetryPolicy) -> ClientBuilder {
    builder(Arc::new(UpsLike), url).retry(policy)
}

fn assert_within(elapsed: Duration, limit: Duration) {
    assert!(
        elapsed + Duration::from_millis(5) >= limit,
        "{elapsed:?} < {limit:?}"
    );
    assert!(
        elapsed <= limit + SLACK,
        "{elapsed:?} > {limit:?} + {SLACK:?}"
    );
}

/// B17 (a): the peer accepts and never writes.
#[tokio::test]
async fn b17_silent_peer_times_out_waiting_for_the_response() {
    let (url, accepted) = serve(|_, stream, _| hold(stream)).await;
    let client = tight(ups(&url, RetryPolicy::never()));
    let started = Instant::now();
    let err = client
        .send(Request::get("track", "/track"))
        .await
        .unwrap_err();
    assert_within(started.elapsed(), TOTAL);
    let expected = ErrorKind::Timeout {
        phase: TimeoutPhase::Response,
        outcome_unknown: false,
    };
    assert_eq!(err.kind(), &expected);
    assert!(err.is_retryable());
    assert_eq!(accepted.load(Ordering::SeqCst), 1);

    // An unkeyed POST (a UPS shipment) is reported as unknown and not sent again.
    let client = tight(ups(&url, common::exact_policy()));
    let err = client
        .send(Request::post("ship", "/ship").body("{}", "application/json"))
        .await;
    let expected = ErrorKind::Timeout {
        phase: TimeoutPhase::Response,
        outcome_unknown: true,
    };
    assert_eq!(err.unwrap_err().kind(), &expected);
    assert_eq!(accepted.load(Ordering::SeqCst), 2);

    // A GET is retried.
    let client = tight(ups(&url, common::exact_policy().with_max_attempts(2)));
    client
        .send(Request::get("track", "/track"))
        .await
        .unwrap_err();
    assert_eq!(accepted.load(Ordering::SeqCst), 4);
}

/// B17 (b): the head arrives, then 10 of 1000 body bytes, then nothing.
#[tokio::test]
async fn b17_stalled_body_times_out_reading_the_body() {
    let (url, _) = serve(|_, mut stream, _| async move {
        let partial = b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789";
        stream.write_all(partial).await.unwrap();
        hold(stream).await;
    })
    .await;
    let client = tight(ups(&url, RetryPolicy::never()));
    let started = Instant::now();
    let err = client
        .send(Request::get("track", "/track"))
        .await
        .unwrap_err();
    assert_within(started.elapsed(), TOTAL);
    let expected = ErrorKind::Timeout {
        phase: TimeoutPhase::Body,
        outcome_unknown: false,
    };
    assert_eq!(err.kind(), &expected);
}

/// B17 (c): a listener that never accepts, its backlog full, so the handshake never ends.
#[tokio::test]
async fn b17_unanswered_connect_times_out_connecting() {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..8 {
        let attempt = tokio::time::timeout(Duration::from_millis(100), TcpStream::connect(addr));
        if let Ok(Ok(stream)) = attempt.await {
            fillers.push(stream);
        }
    }
    let client = tight(ups(&format!("http://{addr}"), RetryPolicy::never()));
    let started = Instant::now();
    let err = client
        .send(Request::get("track", "/track"))
        .await
        .unwrap_err();
    assert_within(started.elapsed(), CONNECT);
    let expected = ErrorKind::Timeout {
        phase: TimeoutPhase::Connect,
        outcome_unknown: false,
    };
    assert_eq!(err.kind(), &expected);
    drop((listener, fillers));
}

#[tokio::test]
async fn the_default_client_always_has_timeouts() {
    let client = Client::builder(Arc::new(UpsLike)).build().unwrap();
    let shown = format!("{client:?}");
    assert!(shown.contains("timeout: 30s"), "{shown}");
}

/// B12: the first attempt is read and the connection dropped; the retry must carry the same
/// key, so the server replays the first result instead of charging again.
#[tokio::test]
async fn b12_a_dropped_payment_is_retried_with_the_same_key() {
    let first_key = Arc::new(Mutex::new(None::<String>));
    let keys = first_key.clone();
    let (url, accepted) = serve(move |n, mut stream, head| {
        let keys = keys.clone();
        async move {
            let key = header_value(&head, "idempotency-key");
            if n == 1 {
                *keys.lock().unwrap() = key;
                return drop(stream);
            }
            let same = key.is_some() && key == *keys.lock().unwrap();
            let id = if same { "pi_3PrgnTest0000000001" } else { "pi_3PrgnTest0000000002" };
            let body = format!(r#"{{"id":"{id}","object":"payment_intent","amount":1999}}"#);
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nIdempotent-Replayed: true\r\nRequest-Id: req_PrgnReplay01\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(reply.as_bytes()).await.unwrap();
        }
    })
    .await;
    let key = IdempotencyKey::parse("prgn-7f3c2a9e-1b4d-4e8a-9c61-0d2e5f7a8b90").unwrap();
    let client = tight(builder(Arc::new(StripeLike), &url));
    let request = Request::post("create_payment_intent", "/v1/payment_intents")
        .form(&[
            ("amount", "1999"),
            ("currency", "usd"),
            ("customer", "cus_PrgnTest000001"),
        ])
        .idempotency_key(key.clone());
    let response = client.send(request).await.unwrap();
    let body: serde_json::Value = response.json().unwrap();
    assert_eq!(body["id"], "pi_3PrgnTest0000000001");
    assert_eq!(response.request_id(), Some("req_PrgnReplay01"));
    assert_eq!(first_key.lock().unwrap().as_deref(), Some(key.as_str()));
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

/// B12's other half: without a key the same drop is surfaced, never retried.
#[tokio::test]
async fn b12_an_unkeyed_post_is_not_retried_after_a_drop() {
    let (url, accepted) = serve(|_, stream, _| async move { drop(stream) }).await;
    let client = tight(ups(&url, common::exact_policy()));
    let err = client
        .send(Request::post("ship", "/ship").body("{}", "application/json"))
        .await;
    let err = err.unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Disconnected {
            outcome_unknown: true
        }
    );
    assert!(!err.is_retryable());
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

/// A body sent as several chunks, with pauses between them, arrives whole and in order; so
/// does an empty body, and a body over the limit is refused whatever its chunking.
#[tokio::test]
async fn a_body_in_several_chunks_arrives_whole() {
    let (url, _) = serve(|n, mut stream, _| async move {
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        stream.write_all(head).await.unwrap();
        let pieces: &[&str] = match n {
            1 => &["{\"a\":", "[1,2,", "3]}"],
            2 => &[],
            _ => &["0123456789", "0123456789"],
        };
        for piece in pieces {
            let chunk = format!("{:x}\r\n{piece}\r\n", piece.len());
            stream.write_all(chunk.as_bytes()).await.unwrap();
            stream.flush().await.unwrap();
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        stream.write_all(b"0\r\n\r\n").await.unwrap();
    })
    .await;
    let client = tight(ups(&url, RetryPolicy::never()));
    let response = client.send(Request::get("track", "/track")).await.unwrap();
    assert_eq!(response.body().as_ref(), b"{\"a\":[1,2,3]}");
    let response = client.send(Request::get("track", "/track")).await.unwrap();
    assert!(response.body().is_empty());

    let small = ups(&url, RetryPolicy::never()).max_body_bytes(15);
    let err = tight(small)
        .send(Request::get("track", "/track"))
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::ResponseTooLarge { .. }),
        "{err:?}"
    );
}
