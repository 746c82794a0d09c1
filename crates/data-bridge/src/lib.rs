//! `data_bridge._engine`: the Python face of the data-bridge engine.
//!
//! Thin by design: arguments are converted in [`convert`], the GIL is released in
//! [`execute`], the engine does the work, and errors are mapped once in [`error`].

mod client;
mod codec;
mod collection;
mod collection_ops;
mod convert;
mod error;
mod execute;
mod gc;
mod instances;
mod operations;
mod results;
mod stream;
mod table;

use pyo3::prelude::*;

#[pyfunction]
#[pyo3(signature = (name, *, allow_system = false))]
fn validate_database_name(name: &str, allow_system: bool) -> PyResult<()> {
    data_bridge_mongodb::names::validate_database_name(name, allow_system)
        .map_err(|e| error::CoreError::from(e).into())
}

#[pyfunction]
#[pyo3(signature = (name, *, allow_system = false))]
fn validate_collection_name(name: &str, allow_system: bool) -> PyResult<()> {
    data_bridge_mongodb::names::validate_collection_name(name, allow_system)
        .map_err(|e| error::CoreError::from(e).into())
}

/// Stops the engine's runtime; `data_bridge` registers it with `atexit`.
#[pyfunction]
fn _shutdown_runtime(py: Python<'_>) {
    // Worker threads finishing asyncio callbacks need the GIL to complete: release it.
    py.detach(|| data_bridge_mongodb::runtime::shutdown(std::time::Duration::from_secs(5)));
}

#[pymodule]
fn _engine(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // Read by data_bridge/__init__.py to warn when a debug build is loaded.
    m.add("DEBUG_BUILD", cfg!(debug_assertions))?;
    error::register(m)?;
    codec::register(m)?;
    m.add_class::<client::PyClient>()?;
    m.add_class::<client::PyDatabase>()?;
    m.add_class::<client::PySession>()?;
    m.add_class::<collection::PyCollection>()?;
    m.add_class::<table::PyTable>()?;
    m.add_class::<table::PySchemaInfo>()?;
    m.add_class::<stream::PyRecordBatchStream>()?;
    m.add_class::<results::PyInsertOneResult>()?;
    m.add_class::<results::PyInsertManyResult>()?;
    m.add_class::<results::PyInsertArrowResult>()?;
    m.add_class::<results::PyUpdateResult>()?;
    m.add_class::<results::PyDeleteResult>()?;
    m.add_class::<results::PyBulkWriteResult>()?;
    m.add_class::<convert::PyModelLayout>()?;
    m.add_class::<convert::PyEncodedDocuments>()?;
    m.add_class::<convert::PyModelShape>()?;
    m.add_function(wrap_pyfunction!(convert::encode_models, m)?)?;
    m.add_function(wrap_pyfunction!(instances::lazy_instances, m)?)?;
    m.add_function(wrap_pyfunction!(instances::bind_inserted, m)?)?;
    m.add_function(wrap_pyfunction!(validate_database_name, m)?)?;
    m.add_function(wrap_pyfunction!(validate_collection_name, m)?)?;
    m.add_function(wrap_pyfunction!(_shutdown_runtime, m)?)?;
    Ok(())
}
