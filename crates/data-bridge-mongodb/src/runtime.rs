//! The one Tokio runtime every client shares, re-created in a forked child.
//!
//! After `fork()` only the forking thread exists in the child: the parent's runtime has no
//! worker threads there and dropping it would wait for them forever. So the runtime is keyed by
//! process id; a child builds its own and leaks the parent's (a bounded, one-off cost).

use std::future::Future;
use std::sync::Mutex;

use tokio::runtime::{Builder, Handle, Runtime};

use crate::error::{EngineError, Result};

struct ProcessRuntime {
    pid: u32,
    runtime: &'static Runtime,
}

static CURRENT: Mutex<Option<ProcessRuntime>> = Mutex::new(None);

/// A handle on this process's runtime, building it on first use (and again after fork).
pub fn handle() -> Result<Handle> {
    let pid = std::process::id();
    let mut current = CURRENT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(rt) = current.as_ref() {
        if rt.pid == pid {
            return Ok(rt.runtime.handle().clone());
        }
    }
    let runtime = Builder::new_multi_thread()
        .enable_all()
        .thread_name("data-bridge")
        .build()
        .map_err(|e| EngineError::Runtime(e.to_string()))?;
    let runtime: &'static Runtime = Box::leak(Box::new(runtime));
    // The parent's runtime, if any, stays leaked: see above.
    *current = Some(ProcessRuntime { pid, runtime });
    Ok(runtime.handle().clone())
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
