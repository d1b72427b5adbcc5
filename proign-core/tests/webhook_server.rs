//! `webhook::server` on real loopback TCP: a sender that never finishes its headers loses its
//! connection at the header deadline, while ordinary requests on the same server are served.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::routing::{get, post};
use proign_core::webhook::server::{ServeError, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

/// The header deadline the tests configure.
const HEADER_TIMEOUT: Duration = Duration::from_secs(1);

/// How long a test waits for something that must happen, so a broken server fails the test
/// instead of hanging it. Far longer than [`HEADER_TIMEOUT`]; not a measure of speed.
const BOUND: Duration = Duration::from_secs(10);

fn app() -> Router {
    Router::new()
        .route("/webhooks/stripe", post(|| async { "stored" }))
        .route(
            "/peer",
            get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.to_string() }),
        )
}

async fn start(app: Router) -> (SocketAddr, JoinHandle<Result<(), ServeError>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = Server::new().with_header_read_timeout(HEADER_TIMEOUT);
    let task = tokio::spawn(server.serve(listener, app));
    (addr, task)
}

/// Reads until the server closes the connection (end of stream or an error such as a
/// reset), returning what was received; `None` if it is still open after [`BOUND`].
async fn read_until_closed(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(BOUND, async {
        let mut buf = [0u8; 1024];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok().map(|()| received)
}

/// Sends one whole request with `Connection: close` and returns the whole answer.
async fn request(addr: SocketAddr, head: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = read_until_closed(&mut stream)
        .await
        .expect("the server answers and closes a Connection: close request");
    String::from_utf8_lossy(&answer).into_owned()
}

const DELIVERY: &str =
    "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";

#[tokio::test]
async fn a_partial_header_block_is_closed_at_the_deadline_while_requests_are_served() {
    let (addr, _server) = start(app()).await;

    let mut stalled = TcpStream::connect(addr).await.unwrap();
    stalled
        .write_all(b"POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();

    // While the stalled sender holds its connection, a genuine delivery goes through.
    let answer = request(addr, DELIVERY).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("stored"), "{answer}");

    let answer = read_until_closed(&mut stalled)
        .await
        .expect("a connection that never finishes its headers is closed");
    // hyper may say 408 before closing; it must not have served the request.
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );

    // The server still serves after the timeout.
    let answer = request(addr, DELIVERY).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_at_the_deadline() {
    let (addr, _server) = start(app()).await;
    let mut silent = TcpStream::connect(addr).await.unwrap();
    let answer = read_until_closed(&mut silent)
        .await
        .expect("a silent connection is closed");
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
}

#[tokio::test]
async fn a_header_block_trickled_a_byte_at_a_time_is_still_cut_off() {
    let (addr, _server) = start(app()).await;
    let mut trickle = TcpStream::connect(addr).await.unwrap();
    let head = b"POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
    // One byte every 100 ms, about nine seconds in all: progress does not reset the
    // deadline, so the server closes the connection long before the head is complete, and
    // a write after the close fails.
    let mut closed = false;
    for byte in head {
        if trickle.write_all(&[*byte]).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(closed, "the whole trickled head was taken");
}

#[tokio::test]
async fn handlers_see_the_peer_address() {
    let (addr, _server) = start(app()).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let local = stream.local_addr().unwrap();
    stream
        .write_all(b"GET /peer HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with(&local.to_string()), "{answer}");
}

#[tokio::test]
async fn shutdown_answers_the_request_in_progress_then_returns() {
    let release = Arc::new(Notify::new());
    let (started_tx, mut started) = mpsc::unbounded_channel::<()>();
    let slow = {
        let release = release.clone();
        post(move || async move {
            let _ = started_tx.send(());
            release.notified().await;
            "finished"
        })
    };
    let app = Router::new().route("/slow", slow);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, stop) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        Server::new()
            .with_header_read_timeout(HEADER_TIMEOUT)
            .serve_with_shutdown(listener, app, async {
                let _ = stop.await;
            }),
    );

    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(b"POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        .await
        .unwrap();
    started.recv().await.unwrap();
    stop_tx.send(()).unwrap();
    // The listener is closed once the signal is seen: new connections are refused.
    let refused = tokio::time::timeout(BOUND, async {
        loop {
            if TcpStream::connect(addr).await.is_err() {
                break;
            }
            tokio::task::yield_now().await;
        }
    })
    .await;
    assert!(refused.is_ok(), "the listener was still accepting");
    assert!(!server.is_finished(), "returned with a request in progress");

    release.notify_one();
    let answer = read_until_closed(&mut client)
        .await
        .expect("the connection closes after its last answer");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("finished"), "{answer}");

    let outcome = tokio::time::timeout(BOUND, server)
        .await
        .expect("the server returns once its connections are closed")
        .unwrap();
    assert!(outcome.is_ok(), "{outcome:?}");
}
