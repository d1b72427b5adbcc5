//! A server that misbehaves on purpose, for checking that a provider client ends every call
//! in a typed error or a retry, in time, whatever comes back.
//!
//! It speaks HTTP/1.1 over a raw TCP socket, so it can do what a well-behaved server library
//! never would: cut the connection before or in the middle of an answer, go silent, send a
//! body that is not the JSON it claims to be, or answer like a proxy with an HTML page.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use proign_testkit::sim::faults::{Fault, FaultServer};
//!
//! let server = FaultServer::start(Fault::HtmlError).await;
//! let answer = reqwest::get(format!("{}/v1/customers/cus_1", server.url())).await.unwrap();
//! assert_eq!(answer.status(), 502);
//! assert!(answer.text().await.unwrap().starts_with("<html>"));
//! assert_eq!(server.faulted(), 1);
//! # });
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// The longest request head (and body) the server reads.
const MAX_REQUEST: usize = 1 << 20;

/// What the server does with each request that is not for a healthy path.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Reads the request and closes the connection without a byte of answer.
    Drop,
    /// Sends a `200` head promising a JSON body, half of that body, then closes.
    DropMidBody,
    /// Reads the request and never answers; the connection stays open.
    Stall,
    /// Sends a `200` head and half of the body, then goes silent with the connection open.
    StallMidBody,
    /// Answers `200` with correct framing but JSON cut off in the middle.
    TruncatedJson,
    /// Answers `502` with an HTML page, as a load balancer in front of the provider would.
    HtmlError,
    /// Answers `200` with this JSON body: an error where a result should be.
    OkWithBody(String),
    /// Answers with bytes that are not HTTP at all (another protocol on the port), then closes.
    NotHttp,
}

impl Fault {
    /// Every fault, with `ok_body` as the body of [`Fault::OkWithBody`].
    pub fn all(ok_body: &str) -> Vec<Self> {
        vec![
            Self::Drop,
            Self::DropMidBody,
            Self::Stall,
            Self::StallMidBody,
            Self::TruncatedJson,
            Self::HtmlError,
            Self::OkWithBody(ok_body.to_owned()),
            Self::NotHttp,
        ]
    }
}

/// The JSON the server promises in [`Fault::DropMidBody`], [`Fault::StallMidBody`] and
/// [`Fault::TruncatedJson`], of which it sends only the first half.
const PROMISED: &str =
    r#"{"id":"prgn_fault_000001","object":"thing","status":"ok","items":[1,2,3]}"#;

/// A misbehaving HTTP/1.1 server on `127.0.0.1` with an ephemeral port. Stops when dropped,
/// closing every connection it holds open.
#[derive(Debug)]
pub struct FaultServer {
    address: SocketAddr,
    faulted: Arc<AtomicUsize>,
    server: JoinHandle<()>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FaultServer {
    /// Starts a server that meets every request with `fault`.
    pub async fn start(fault: Fault) -> Self {
        Self::start_with(fault, std::iter::empty::<(&str, &str)>()).await
    }

    /// Starts a server that answers requests for the given paths with `200` and the given JSON
    /// (for instance a token endpoint, so the call behind it can meet the fault) and meets
    /// every other request with `fault`.
    pub async fn start_with<'a>(
        fault: Fault,
        healthy: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let address = listener.local_addr().expect("a bound address");
        let healthy: Arc<Vec<(String, String)>> = Arc::new(
            healthy
                .into_iter()
                .map(|(p, b)| (p.to_owned(), b.to_owned()))
                .collect(),
        );
        let faulted = Arc::new(AtomicUsize::new(0));
        let counter = faulted.clone();
        let server = tokio::spawn(async move {
            // Owned here, so aborting the server closes the connections it holds open.
            let mut connections = JoinSet::new();
            while let Ok((socket, _)) = listener.accept().await {
                let (fault, healthy, counter) = (fault.clone(), healthy.clone(), counter.clone());
                connections.spawn(serve(socket, fault, healthy, counter));
                while connections.try_join_next().is_some() {}
            }
        });
        Self {
            address,
            faulted,
            server,
        }
    }

    /// The base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// How many requests met the fault (requests for healthy paths are not counted).
    pub fn faulted(&self) -> usize {
        self.faulted.load(Ordering::SeqCst)
    }
}

async fn serve(
    mut socket: TcpStream,
    fault: Fault,
    healthy: Arc<Vec<(String, String)>>,
    faulted: Arc<AtomicUsize>,
) {
    let mut pending = Vec::new();
    while let Some(path) = read_request(&mut socket, &mut pending).await {
        if let Some((_, body)) = healthy.iter().find(|(p, _)| *p == path) {
            let answer = response("200 OK", "application/json", body.len(), "keep-alive");
            if write(&mut socket, &[answer.as_bytes(), body.as_bytes()]).await {
                continue;
            }
            return;
        }
        faulted.fetch_add(1, Ordering::SeqCst);
        misbehave(&mut socket, &fault).await;
        return;
    }
}

async fn misbehave(socket: &mut TcpStream, fault: &Fault) {
    let half = &PROMISED[..PROMISED.len() / 2];
    let promised_head = response("200 OK", "application/json", PROMISED.len(), "close");
    match fault {
        Fault::Drop => {}
        Fault::DropMidBody => {
            write(socket, &[promised_head.as_bytes(), half.as_bytes()]).await;
        }
        Fault::Stall => std::future::pending().await,
        Fault::StallMidBody => {
            write(socket, &[promised_head.as_bytes(), half.as_bytes()]).await;
            std::future::pending().await
        }
        Fault::TruncatedJson => {
            let head = response("200 OK", "application/json", half.len(), "close");
            write(socket, &[head.as_bytes(), half.as_bytes()]).await;
        }
        Fault::HtmlError => {
            let page = "<html><head><title>502 Bad Gateway</title></head>\
                        <body><h1>502 Bad Gateway</h1></body></html>";
            let head = response("502 Bad Gateway", "text/html", page.len(), "close");
            write(socket, &[head.as_bytes(), page.as_bytes()]).await;
        }
        Fault::OkWithBody(body) => {
            let head = response("200 OK", "application/json", body.len(), "close");
            write(socket, &[head.as_bytes(), body.as_bytes()]).await;
        }
        Fault::NotHttp => {
            write(socket, &[b"SSH-2.0-OpenSSH_9.2p1\r\n\0\0\x01\x14garbage"]).await;
        }
    }
    let _ = socket.shutdown().await;
}

fn response(status: &str, content_type: &str, length: usize, connection: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {length}\r\n\
         connection: {connection}\r\n\r\n"
    )
}

/// Writes the parts; `false` when the client has gone.
async fn write(socket: &mut TcpStream, parts: &[&[u8]]) -> bool {
    for part in parts {
        if socket.write_all(part).await.is_err() {
            return false;
        }
    }
    socket.flush().await.is_ok()
}

/// Reads one request (head and `Content-Length` body) and returns its path without the query,
/// or `None` when the client closed or sent something too large or unreadable. Bytes past the
/// request stay in `pending` for the next one.
async fn read_request(socket: &mut TcpStream, pending: &mut Vec<u8>) -> Option<String> {
    let head_end = loop {
        if let Some(at) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if pending.len() > MAX_REQUEST || !fill(socket, pending).await {
            return None;
        }
    };
    let head = std::str::from_utf8(&pending[..head_end]).ok()?.to_owned();
    let length = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    if length > MAX_REQUEST {
        return None;
    }
    while pending.len() < head_end + length {
        if !fill(socket, pending).await {
            return None;
        }
    }
    pending.drain(..head_end + length);
    let target = head.split_whitespace().nth(1)?;
    Some(target.split('?').next().unwrap_or(target).to_owned())
}

async fn fill(socket: &mut TcpStream, pending: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 8192];
    match socket.read(&mut chunk).await {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            pending.extend_from_slice(&chunk[..n]);
            true
        }
    }
}
