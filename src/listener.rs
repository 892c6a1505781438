//! The HTTP listener: accepts TCP connections and serves each with hyper, with limits
//! so that slow, stuck or piled-up connections cannot crowd out anyone else.
//!
//! - **Per address and in total** (`[limits] connections_per_address`, `max_connections`):
//!   a connection is counted from accept until its socket closes, WebSockets included
//!   (the count travels inside the connection, also after an upgrade). Beyond a cap the
//!   connection gets a short `503` and is closed at once; nothing of it is read.
//! - **Header read** (`header_read_secs`): a request's head must be complete this long
//!   after the server starts waiting for it, on a new connection and on a kept-alive one
//!   after its last response. A connection that sends nothing, or its headers a byte at a
//!   time (slowloris), is closed.
//! - **Request** (`request_secs`): a request, its body included, is handled within this,
//!   or answered `408` and the connection closed (a body sent a byte at a time).
//! - **Idle** (`idle_secs`): a connection over which no byte moves either way for this
//!   long is closed (for example a client that stops reading its response). Live sockets
//!   have their own heartbeat once upgraded.
//!
//! Graceful shutdown: stop accepting, let requests in flight finish, close idle
//! connections. Upgraded sockets are closed by the hub before (`Hub::begin_shutdown`).

use crate::config::LimitSettings;
use crate::limits::{Refused, Slot, Slots, address_key};
use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;
use tower::ServiceExt;

/// How often a connection checks whether it has been idle too long.
const IDLE_CHECK: Duration = Duration::from_millis(250);

/// What a refused connection is told (written without reading anything of it).
const REFUSED: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 10\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 62\r\n\r\nToo many connections from your address. Please try again soon.";

/// The listener's limits, read from `[limits]`.
#[derive(Debug, Clone)]
pub struct Limits {
    pub header_read: Duration,
    pub request: Duration,
    pub idle: Duration,
    pub per_address: usize,
    pub total: usize,
    pub exempt: Vec<IpAddr>,
}

impl Limits {
    /// The limits of `[limits]`, with the total lowered to what the open-file limit
    /// `open_files` allows (keeping room for the database, media ports and logs).
    pub fn from_config(l: &LimitSettings, open_files: Option<u64>) -> Limits {
        let room = open_files
            .map(|n| {
                usize::try_from(n.saturating_sub(256))
                    .unwrap_or(usize::MAX)
                    .max(64)
            })
            .unwrap_or(usize::MAX);
        Limits {
            header_read: Duration::from_secs(l.header_read_secs),
            request: Duration::from_secs(l.request_secs),
            idle: Duration::from_secs(l.idle_secs),
            per_address: l.connections_per_address,
            total: l.max_connections.min(room),
            exempt: l.exempt_addresses.clone(),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` fires, then shuts down gracefully.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: oneshot::Receiver<()>,
) -> std::io::Result<()> {
    tracing::info!(
        per_address = limits.per_address,
        total = limits.total,
        header_read_secs = limits.header_read.as_secs(),
        request_secs = limits.request.as_secs(),
        idle_secs = limits.idle.as_secs(),
        "connection limits"
    );
    let slots = Slots::<IpAddr>::with_total(limits.per_address, limits.total);
    let limits = Arc::new(limits);
    let mut refusals = RefusalLog::default();
    let (stop_tx, stop_rx) = watch::channel(false);
    // Every connection task holds a clone; when all are dropped, all have finished.
    let (alive_tx, mut alive_rx) = mpsc::channel::<()>(1);
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let key = address_key(remote.ip());
        let taken = if limits.exempt.contains(&remote.ip()) {
            slots.take_uncapped(key)
        } else {
            slots.take(key)
        };
        let slot = match taken {
            Ok(slot) => slot,
            Err(why) => {
                refusals.note(remote, why);
                let _ = stream.try_write(REFUSED);
                continue;
            }
        };
        let app = app.clone();
        let limits = Arc::clone(&limits);
        let stop = stop_rx.clone();
        let alive = alive_tx.clone();
        tokio::spawn(async move {
            serve_connection(stream, remote, slot, app, &limits, stop).await;
            drop(alive);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    drop(alive_tx);
    let _ = alive_rx.recv().await;
    Ok(())
}

/// Logs refused connections at most once a second (a flood must not flood the log).
#[derive(Default)]
struct RefusalLog {
    last: Option<Instant>,
    since: u64,
}

impl RefusalLog {
    fn note(&mut self, remote: SocketAddr, why: Refused) {
        self.since += 1;
        if self
            .last
            .is_some_and(|t| t.elapsed() < Duration::from_secs(1))
        {
            return;
        }
        tracing::warn!(
            address = %address_key(remote.ip()),
            cap = match why {
                Refused::PerKey => "per address",
                Refused::Total => "total",
            },
            refused = self.since,
            "connections refused: cap reached (503)"
        );
        self.last = Some(Instant::now());
        self.since = 0;
    }
}

/// Accept errors: a connection that failed before it was accepted is no concern; out of
/// file descriptors (or memory) waits a moment so the loop does not spin.
async fn accept_error(e: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::warn!(error = %e, "accept failed; waiting a moment");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// One connection, from accept until hyper is done with it (after an upgrade the socket
/// lives on in its WebSocket task, still holding its slot).
async fn serve_connection(
    stream: TcpStream,
    remote: SocketAddr,
    slot: Slot<IpAddr>,
    app: Router,
    limits: &Limits,
    mut stop: watch::Receiver<bool>,
) {
    let started = Instant::now();
    let seen = Arc::new(AtomicU64::new(0));
    let io = Tracked {
        stream,
        _slot: slot,
        started,
        seen: Arc::clone(&seen),
    };
    let request_limit = limits.request;
    let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(remote));
        let app = app.clone();
        async move {
            match tokio::time::timeout(request_limit, app.oneshot(req)).await {
                Ok(response) => response,
                Err(_) => {
                    tracing::info!("request not complete in time; closing the connection");
                    Ok(too_slow())
                }
            }
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .keep_alive(true);
    let conn = builder
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    tokio::pin!(conn);
    let mut check = tokio::time::interval(IDLE_CHECK);
    let mut stopping = false;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            _ = check.tick() => {
                let last = Duration::from_millis(seen.load(Ordering::Relaxed));
                if started.elapsed().saturating_sub(last) > limits.idle {
                    tracing::info!("connection idle; closing it");
                    return;
                }
            }
            changed = stop.changed(), if !stopping => {
                stopping = true;
                if changed.is_ok() {
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// The answer to a request that took longer than `request_secs`.
fn too_slow() -> Response<axum::body::Body> {
    let mut response = Response::new(axum::body::Body::from("Request took too long.\n"));
    *response.status_mut() = StatusCode::REQUEST_TIMEOUT;
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// A TCP stream that holds its connection slot (given back when the socket closes, also
/// after an upgrade) and notes when a byte last moved.
struct Tracked {
    stream: TcpStream,
    _slot: Slot<IpAddr>,
    started: Instant,
    /// Milliseconds after `started` that a byte last moved.
    seen: Arc<AtomicU64>,
}

impl Tracked {
    fn touch(&self) {
        let ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.seen.store(ms, Ordering::Relaxed);
    }
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.touch();
        }
        result
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write(cx, data);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
