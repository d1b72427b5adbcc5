//! Serving webhook routes on a TCP listener, with a deadline for each request's headers.
//!
//! `axum::serve` gives hyper no timer, so hyper cannot time anything out: a sender that
//! opens a connection and sends part of a request's headers, or nothing at all, holds the
//! connection (and its task and memory) for as long as it likes. A few hundred such
//! senders exhaust a gateway's file descriptors without ever reaching a route. The body
//! deadline of [`Inbox`](super::inbox::Inbox) and [`Verified`](super::axum::Verified) only
//! starts once the headers are in, so it cannot help.
//!
//! [`serve`] and [`Server`] serve an axum [`Router`] over HTTP/1.1 on a Tokio
//! [`TcpListener`] with hyper's header read timeout switched on: a connection whose next
//! request's headers are not all in within [`DEFAULT_HEADER_READ_TIMEOUT`] (10 s, or what
//! [`Server::with_header_read_timeout`] sets) is closed, after a `408` when part of a
//! request had arrived. The deadline runs from the moment the server starts waiting for a
//! request, so it also closes a connection that sends nothing, and a keep-alive connection
//! left idle that long between requests.
//!
//! Handlers can take [`ConnectInfo<SocketAddr>`](axum::extract::ConnectInfo) to see the peer
//! address. With [`Server::serve_with_shutdown`], the server stops accepting once a signal
//! future completes, lets requests in progress finish, closes idle connections, and returns
//! when every connection has ended; a connection mid-headers ends at its header deadline at
//! the latest.
//!
//! ```no_run
//! use axum::{Router, routing::post};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let app: Router = Router::new().route("/webhooks/resend", post(|| async { "ok" }));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! proign_core::webhook::serve(listener, app).await?;
//! # Ok(())
//! # }
//! ```
//!
//! With a shorter deadline and a shutdown signal:
//!
//! ```no_run
//! use std::time::Duration;
//! use axum::{Router, routing::post};
//! use proign_core::webhook::server::Server;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let app: Router = Router::new().route("/webhooks/resend", post(|| async { "ok" }));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! Server::new()
//!     .with_header_read_timeout(Duration::from_secs(5))
//!     .serve_with_shutdown(listener, app, async {
//!         let _ = tokio::signal::ctrl_c().await;
//!     })
//!     .await?;
//! # Ok(())
//! # }
//! ```

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower_service::Service;

/// How long a connection may take to send a request's headers unless configured otherwise:
/// 10 s.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long accepting pauses after an error that may come from running out of resources
/// (file descriptors, memory), so a full table does not turn into a busy loop.
const ACCEPT_PAUSE: Duration = Duration::from_millis(250);

/// Why [`serve`] or a [`Server`] stopped before being told to.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The listener itself failed (for example, it is not listening); no further
    /// connections can be accepted on it. Errors that concern a single connection, or that
    /// pass (such as running out of file descriptors), are logged and accepting goes on.
    #[error("the listener failed: {0}")]
    Accept(#[source] io::Error),
}

/// Serves `router` on `listener` with the default settings of [`Server::new`], until the
/// listener fails.
///
/// This is `axum::serve(listener, router)` with a [`DEFAULT_HEADER_READ_TIMEOUT`] for every
/// request's headers; see the [module documentation](self).
pub async fn serve(listener: TcpListener, router: Router) -> Result<(), ServeError> {
    Server::new().serve(listener, router).await
}

/// An HTTP/1.1 server for axum routes, with a deadline for each request's headers.
#[derive(Debug, Clone)]
pub struct Server {
    header_read_timeout: Duration,
}

impl Default for Server {
    fn default() -> Self {
        Self::new()
    }
}

impl Server {
    /// A server with a header read timeout of [`DEFAULT_HEADER_READ_TIMEOUT`].
    pub fn new() -> Self {
        Self {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
        }
    }

    /// How long a connection may take to send a whole request head (request line and
    /// headers), counted from when the server starts waiting for it; a slower connection is
    /// closed. A zero duration is taken as one millisecond.
    pub fn with_header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// The header read timeout in force.
    pub fn header_read_timeout(&self) -> Duration {
        self.header_read_timeout
    }

    /// Serves `router` on `listener` until the listener fails.
    pub async fn serve(self, listener: TcpListener, router: Router) -> Result<(), ServeError> {
        self.serve_with_shutdown(listener, router, std::future::pending())
            .await
    }

    /// Serves `router` on `listener` until `signal` completes, then shuts down gracefully:
    /// no new connections are accepted, requests in progress are answered, and the call
    /// returns `Ok(())` once every connection has closed.
    ///
    /// If the listener fails first, the open connections are shut down the same way before
    /// the error is returned. Dropping the returned future stops accepting at once and asks
    /// the open connections to shut down gracefully on their own.
    pub async fn serve_with_shutdown<F>(
        self,
        listener: TcpListener,
        router: Router,
        signal: F,
    ) -> Result<(), ServeError>
    where
        F: Future<Output = ()>,
    {
        let mut http = http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.header_read_timeout)
            .keep_alive(true);

        // Each connection task holds a receiver; the sender says when to shut down, and
        // tells the accept loop when the last connection has ended.
        let (shutdown, _) = watch::channel(false);
        let mut signal = pin!(signal);
        let outcome = loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = &mut signal => break Ok(()),
            };
            match accepted {
                Ok((stream, peer)) => {
                    let task = Connection {
                        http: http.clone(),
                        router: router.clone(),
                        peer,
                        shutdown: shutdown.subscribe(),
                    };
                    tokio::spawn(task.run(stream));
                }
                Err(err) => match accept_error(&err) {
                    AcceptError::Connection => {
                        tracing::debug!(error = %err, "a connection failed before it was accepted");
                    }
                    AcceptError::Pause => {
                        tracing::warn!(error = %err, "cannot accept connections; pausing");
                        tokio::select! {
                            () = tokio::time::sleep(ACCEPT_PAUSE) => {}
                            () = &mut signal => break Ok(()),
                        }
                    }
                    AcceptError::Fatal => break Err(ServeError::Accept(err)),
                },
            }
        };
        drop(listener);
        shutdown.send_replace(true);
        shutdown.closed().await;
        outcome
    }
}

/// What an error from `accept` means for the accept loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AcceptError {
    /// It concerned one connection only: accept the next.
    Connection,
    /// It may pass (often a full file descriptor table): wait a little, then accept again.
    Pause,
    /// The listener cannot accept anything any more.
    Fatal,
}

fn accept_error(err: &io::Error) -> AcceptError {
    match err.kind() {
        io::ErrorKind::ConnectionAborted
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionRefused
        | io::ErrorKind::Interrupted
        | io::ErrorKind::WouldBlock
        | io::ErrorKind::TimedOut => AcceptError::Connection,
        io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported | io::ErrorKind::NotConnected => {
            AcceptError::Fatal
        }
        _ => AcceptError::Pause,
    }
}

/// One accepted connection and what it needs to be served.
struct Connection {
    http: http1::Builder,
    router: Router,
    peer: SocketAddr,
    shutdown: watch::Receiver<bool>,
}

impl Connection {
    async fn run(mut self, stream: TcpStream) {
        // Small answers should leave at once rather than wait for the peer's ACK.
        let _ = stream.set_nodelay(true);
        let peer = self.peer;
        let router = self.router;
        let service = hyper::service::service_fn(move |mut request: http::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let mut router = router.clone();
            async move { router.call(request).await }
        });
        let connection = self.http.serve_connection(TokioIo::new(stream), service);
        let mut connection = pin!(connection);
        let result = tokio::select! {
            result = connection.as_mut() => result,
            // A change, or the server gone: finish what is in progress, then close.
            _ = self.shutdown.changed() => {
                connection.as_mut().graceful_shutdown();
                connection.await
            }
        };
        if let Err(err) = result {
            tracing::debug!(%peer, error = %err, "connection ended with an error");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_about_one_connection_do_not_stop_accepting() {
        for kind in [
            io::ErrorKind::ConnectionAborted,
            io::ErrorKind::ConnectionReset,
            io::ErrorKind::Interrupted,
        ] {
            assert_eq!(
                accept_error(&io::Error::from(kind)),
                AcceptError::Connection
            );
        }
    }

    #[test]
    fn a_full_descriptor_table_pauses_and_a_broken_listener_stops() {
        // EMFILE has no stable error kind of its own; it lands in the pausing branch.
        assert_eq!(
            accept_error(&io::Error::from_raw_os_error(24)),
            AcceptError::Pause
        );
        assert_eq!(
            accept_error(&io::Error::from(io::ErrorKind::InvalidInput)),
            AcceptError::Fatal
        );
    }

    #[test]
    fn a_zero_header_timeout_is_taken_as_one_millisecond() {
        let server = Server::new().with_header_read_timeout(Duration::ZERO);
        assert_eq!(server.header_read_timeout(), Duration::from_millis(1));
        assert_eq!(
            Server::default().header_read_timeout(),
            DEFAULT_HEADER_READ_TIMEOUT
        );
    }
}
