//! The one Tokio runtime every client shares, re-created in a forked child.
//!
//! After `fork()` only the forking thread exists in the child: the parent's runtime has no
//! worker threads there and dropping it would wait for them forever. So the runtime is keyed by
//! process id; a child builds its own and leaks the parent's (a bounded, one-off cost).

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use tokio::runtime::{Builder, Handle, Runtime};

use crate::error::{EngineError, Result};

struct ProcessRuntime {
    pid: u32,
    /// `None` once [`shutdown`] has run: the process is exiting and builds no new runtime.
    runtime: Option<Runtime>,
}

static CURRENT: Mutex<Option<ProcessRuntime>> = Mutex::new(None);

/// A handle on this process's runtime, building it on first use (and again after fork).
pub fn handle() -> Result<Handle> {
    let pid = std::process::id();
    let mut current = CURRENT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(state) = current.as_mut() {
        if state.pid == pid {
            return match &state.runtime {
                Some(runtime) => Ok(runtime.handle().clone()),
                None => Err(EngineError::Runtime(
                    "the engine's runtime was shut down because the process is exiting".into(),
                )),
            };
        }
        // A forked child: the parent's worker threads do not exist here, and dropping its
        // runtime would wait for them forever, so it is leaked (a bounded, one-off cost).
        std::mem::forget(state.runtime.take());
    }
    let runtime = Builder::new_multi_thread()
        .enable_all()
        .thread_name("data-bridge")
        .build()
        .map_err(|e| EngineError::Runtime(e.to_string()))?;
    let handle = runtime.handle().clone();
    *current = Some(ProcessRuntime {
        pid,
        runtime: Some(runtime),
    });
    Ok(handle)
}

/// Stops this process's runtime, waiting up to `timeout` for its tasks to finish.
///
/// Called at interpreter exit: a worker thread still finishing an asyncio callback while
/// Python finalises would take the GIL from a dying interpreter and abort the process. After
/// this, operations fail with [`EngineError::Runtime`] instead of starting a new runtime.
pub fn shutdown(timeout: Duration) {
    let pid = std::process::id();
    let runtime = {
        let mut current = CURRENT
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match current.as_mut() {
            Some(state) if state.pid == pid => state.runtime.take(),
            Some(state) => {
                std::mem::forget(state.runtime.take());
                state.pid = pid;
                None
            }
            None => {
                *current = Some(ProcessRuntime { pid, runtime: None });
                None
            }
        }
    };
    if let Some(runtime) = runtime {
        runtime.shutdown_timeout(timeout);
    }
}

/// Runs `fut` to completion on the shared runtime, blocking the calling thread.
///
/// Must not be called from a runtime thread (the bindings call it from Python threads only).
pub fn block_on<F: Future>(fut: F) -> Result<F::Output> {
    Ok(handle()?.block_on(fut))
}

/// Spawns `fut` on the shared runtime.
pub fn spawn<F>(fut: F) -> Result<tokio::task::JoinHandle<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    Ok(handle()?.spawn(fut))
}

/// Runs CPU-bound work (decoding, encoding) off the async worker threads.
pub async fn run_blocking<T, F>(work: F) -> Result<T>
where
    F: FnOnce() -> Result<T> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| EngineError::Runtime(format!("background task failed: {e}")))?
}
