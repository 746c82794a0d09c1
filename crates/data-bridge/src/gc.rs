//! Pausing Python's cyclic garbage collector while a result is turned into many objects.
//!
//! Building tens of thousands of containers (model instances, their dicts, lists) that all
//! survive triggers collection after collection, each walking every object built so far: more
//! than half the time of a large conversion went to the collector. None of the new objects can
//! be garbage while they are being built, so the collector is paused for the loop and resumed
//! after it (one collection then accounts for them all).

use pyo3::ffi;
use pyo3::Python;

/// Keeps the collector paused while alive; resumes it on drop if it was running before. It
/// borrows the GIL token, so it cannot outlive the GIL or move to another thread.
pub struct GcPause<'py> {
    resume: bool,
    _gil: Python<'py>,
}

impl<'py> GcPause<'py> {
    /// Pauses the collector.
    pub fn new(py: Python<'py>) -> Self {
        // SAFETY: called with the GIL held; PyGC_Disable only flips the interpreter's flag and
        // returns whether it was set.
        let was_enabled = unsafe { ffi::PyGC_Disable() };
        Self {
            resume: was_enabled == 1,
            _gil: py,
        }
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        if self.resume {
            // SAFETY: the borrowed `Python` token means the GIL is still held by this thread.
            unsafe {
                ffi::PyGC_Enable();
            }
        }
    }
}
