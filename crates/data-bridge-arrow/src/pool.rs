//! The codec's rayon pool, re-created in a forked child.
//!
//! After `fork()` only the forking thread exists in the child: a pool built by the parent has no
//! workers there, and handing it work would wait forever (Python's `multiprocessing` forks by
//! default on Linux). So the pool is keyed by process id, like the engine's Tokio runtime; a
//! child builds its own and leaks the parent's (a bounded, one-off cost). Work started from
//! inside some rayon pool (a caller's own, say a one-thread pool in a benchmark) stays there.

use std::sync::Mutex;

use rayon::{ThreadPool, ThreadPoolBuilder};

struct ProcessPool {
    pid: u32,
    pool: &'static ThreadPool,
}

static CURRENT: Mutex<Option<ProcessPool>> = Mutex::new(None);

fn pool() -> Option<&'static ThreadPool> {
    let pid = std::process::id();
    let mut current = CURRENT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(p) = current.as_ref() {
        if p.pid == pid {
            return Some(p.pool);
        }
    }
    let pool = ThreadPoolBuilder::new()
        .thread_name(|i| format!("data-bridge-codec-{i}"))
        .build();
    let pool: &'static ThreadPool = Box::leak(Box::new(pool.ok()?));
    *current = Some(ProcessPool { pid, pool });
    Some(pool)
}

/// Runs `work` (which uses rayon's parallel iterators) on this process's pool.
pub(crate) fn install<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    if rayon::current_thread_index().is_some() {
        return work();
    }
    match pool() {
        Some(pool) => pool.install(work),
        // No threads could be started: rayon's global pool is all that is left.
        None => work(),
    }
}

/// Threads `install` will spread work over.
pub(crate) fn threads() -> usize {
    if rayon::current_thread_index().is_some() {
        return rayon::current_num_threads();
    }
    pool().map_or_else(rayon::current_num_threads, ThreadPool::current_num_threads)
}
