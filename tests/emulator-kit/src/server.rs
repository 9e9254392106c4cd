//! Serving an emulator's router on its own thread and runtime, with a server loop whose
//! handlers can close their connection without answering (a lost answer, as a real network
//! loses one).

use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::thread;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tower::ServiceExt;

/// Closes the request's connection when used: every request carries one as an axum
/// extension (`Extension<Hangup>`).
#[derive(Clone)]
pub struct Hangup(mpsc::Sender<()>);

impl Hangup {
    /// Closes the connection at once, without an answer; never completes (a handler ends
    /// with `match hangup.now().await {}`).
    pub async fn now(&self) -> Infallible {
        let _ = self.0.send(()).await;
        std::future::pending().await
    }
}

/// Serves HTTP/1.1 on `listener` until `shutdown` completes.
pub async fn serve(listener: TcpListener, router: Router, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
        };
        let router = router.clone();
        tokio::spawn(async move {
            let (hangup_tx, mut hangup_rx) = mpsc::channel(1);
            let hangup = Hangup(hangup_tx);
            let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let mut req = req.map(Body::new);
                req.extensions_mut().insert(hangup.clone());
                router.clone().oneshot(req)
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            // Dropping the connection future closes the socket at once.
            tokio::select! {
                _ = conn => {},
                _ = hangup_rx.recv() => {},
            }
        });
    }
}

/// A server running on its own thread and runtime; dropping it stops the server.
pub struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Running {
    /// Listens on `listen` and serves `router` on a thread named `name-PORT`.
    pub fn start(name: &str, listen: SocketAddr, router: Router) -> Result<Running, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the emulator's runtime: {e}"))?;
        let listener = runtime
            .block_on(TcpListener::bind(listen))
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot read the bound address: {e}"))?;
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = thread::Builder::new()
            .name(format!("{name}-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(serve(listener, router, async {
                    let _ = stop_rx.await;
                }));
                runtime.shutdown_background();
            })
            .map_err(|e| format!("cannot start the emulator's thread: {e}"))?;
        Ok(Running {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the server and waits for its thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.shutdown();
    }
}
