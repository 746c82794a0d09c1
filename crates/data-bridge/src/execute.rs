//! How a Python call runs an engine future: awaited on the running asyncio loop, or blocking
//! the calling thread with the GIL released. Every operation goes through one of these two.

use std::cell::OnceCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use data_bridge_mongodb::runtime;
use pyo3::prelude::*;
use pyo3::IntoPyObjectExt;
use pyo3_async_runtimes::generic::{self, ContextExt, Runtime};
use pyo3_async_runtimes::TaskLocals;

use crate::error::CoreError;

/// pyo3-async-runtimes' glue over the engine's fork-aware runtime (its own tokio runtime is
/// a process-wide singleton that a forked child cannot use).
struct EngineRuntime;

tokio::task_local! {
    static TASK_LOCALS: OnceCell<TaskLocals>;
}

/// A spawned task, or the reason it could not be spawned.
enum Join {
    Spawned(tokio::task::JoinHandle<()>),
    NotSpawned,
}

/// Why a task did not complete.
struct JoinFailure(Option<tokio::task::JoinError>);

impl generic::JoinError for JoinFailure {
    fn is_panic(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(tokio::task::JoinError::is_panic)
    }

    fn into_panic(self) -> Box<dyn std::any::Any + Send + 'static> {
        match self.0 {
            Some(e) if e.is_panic() => e.into_panic(),
            _ => Box::new("task was not spawned or was cancelled"),
        }
    }
}

impl Future for Join {
    type Output = Result<(), JoinFailure>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Self::Spawned(handle) => Pin::new(handle)
                .poll(cx)
                .map(|r| r.map_err(|e| JoinFailure(Some(e)))),
            Self::NotSpawned => Poll::Ready(Err(JoinFailure(None))),
        }
    }
}

impl Runtime for EngineRuntime {
    type JoinError = JoinFailure;
    type JoinHandle = Join;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        match runtime::handle() {
            Ok(handle) => Join::Spawned(handle.spawn(fut)),
            Err(_) => Join::NotSpawned,
        }
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        match runtime::handle() {
            Ok(handle) => Join::Spawned(handle.spawn_blocking(f)),
            Err(_) => Join::NotSpawned,
        }
    }
}

impl ContextExt for EngineRuntime {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = OnceCell::new();
        // A fresh cell always accepts its first value.
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS
            .try_with(|c| c.get().cloned())
            .unwrap_or_default()
    }
}

/// Returns an asyncio awaitable for `fut`. Cancelling it drops `fut` (and with it any cursor).
pub fn awaitable<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<T, CoreError>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    runtime::handle().map_err(CoreError::from)?;
    generic::future_into_py::<EngineRuntime, _, T>(py, async move { Ok(fut.await?) })
}

/// Runs `fut` to completion on the calling thread with the GIL released.
///
/// This is the one place long calls leave the GIL (polars' `enter_polars`), and the place
/// to add Ctrl-C handling.
pub fn blocking<F, T>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = Result<T, CoreError>> + Send,
    T: Send,
{
    py.detach(|| match runtime::block_on(fut) {
        Ok(result) => result,
        Err(e) => Err(CoreError::from(e)),
    })
    .map_err(PyErr::from)
}

/// How a Python method runs its operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `op(...)`: returns an awaitable.
    Async,
    /// `op_sync(...)`: blocks with the GIL released and returns the value.
    Blocking,
}

/// Runs an operation the way `mode` says: the one path every `op` / `op_sync` pair shares.
pub fn run<'py, F, T>(py: Python<'py>, mode: Mode, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<T, CoreError>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    match mode {
        Mode::Async => awaitable(py, fut),
        Mode::Blocking => blocking(py, fut)?.into_bound_py_any(py),
    }
}
