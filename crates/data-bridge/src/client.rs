//! `Client`, `Database` and `Session`.

use std::time::Duration;

use data_bridge_mongodb::{names, Client, ClientConfig, Database, Session};
use pyo3::prelude::*;
use pyo3::types::PyType;

use crate::collection::PyCollection;
use crate::convert::{options, to_document, to_document_or_empty};
use crate::error::CoreError;
use crate::execute::{awaitable, blocking};

/// A connection pool to a deployment.
#[pyclass(module = "data_bridge._engine", name = "Client", frozen)]
pub struct PyClient {
    pub inner: Client,
}

#[pymethods]
impl PyClient {
    #[new]
    #[pyo3(signature = (
        uri, *, app_name = None, server_selection_timeout_ms = None, connect_timeout_ms = None,
        max_pool_size = None, min_pool_size = None, direct_connection = None
    ))]
    #[allow(clippy::too_many_arguments)] // mirrors the Python keyword arguments
    fn new(
        py: Python<'_>,
        uri: String,
        app_name: Option<String>,
        server_selection_timeout_ms: Option<u64>,
        connect_timeout_ms: Option<u64>,
        max_pool_size: Option<u32>,
        min_pool_size: Option<u32>,
        direct_connection: Option<bool>,
    ) -> PyResult<Self> {
        let config = ClientConfig {
            app_name,
            server_selection_timeout: server_selection_timeout_ms.map(Duration::from_millis),
            connect_timeout: connect_timeout_ms.map(Duration::from_millis),
            max_pool_size,
            min_pool_size,
            direct_connection,
        };
        let inner = blocking(py, async move { Ok(Client::connect(&uri, &config).await?) })?;
        Ok(Self { inner })
    }

    #[pyo3(signature = (name, *, allow_system = false))]
    fn database(&self, name: &str, allow_system: bool) -> PyResult<PyDatabase> {
        let inner = self
            .inner
            .database(name, allow_system)
            .map_err(CoreError::from)?;
        Ok(PyDatabase { inner })
    }

    fn default_database(&self) -> PyResult<Option<PyDatabase>> {
        let db = self.inner.default_database().map_err(CoreError::from)?;
        Ok(db.map(|inner| PyDatabase { inner }))
    }

    #[pyo3(signature = (*, causal_consistency = None))]
    fn start_session(&self, causal_consistency: Option<bool>) -> PyResult<PySession> {
        let inner = self
            .inner
            .start_session(causal_consistency)
            .map_err(CoreError::from)?;
        Ok(PySession { inner })
    }

    fn list_database_names<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.inner.clone();
        awaitable(py, async move { Ok(client.list_database_names().await?) })
    }

    fn list_database_names_sync(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        let client = self.inner.clone();
        blocking(py, async move { Ok(client.list_database_names().await?) })
    }

    fn close<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.inner.clone();
        awaitable(py, async move { Ok(client.close().await?) })
    }

    fn close_sync(&self, py: Python<'_>) -> PyResult<()> {
        let client = self.inner.clone();
        blocking(py, async move { Ok(client.close().await?) })
    }

    #[getter]
    fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    fn __repr__(&self) -> String {
        format!("Client(closed={})", self.inner.is_closed())
    }
}

/// A database handle.
#[pyclass(module = "data_bridge._engine", name = "Database", frozen)]
pub struct PyDatabase {
    pub inner: Database,
}

/// The engine session behind an optional `session=` argument.
pub fn session_arg(session: Option<&Bound<'_, PySession>>) -> Option<Session> {
    session.map(|s| s.get().inner.clone())
}

#[pymethods]
impl PyDatabase {
    #[getter]
    fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    #[getter]
    fn client(&self) -> PyClient {
        PyClient {
            inner: self.inner.client().clone(),
        }
    }

    #[pyo3(signature = (name, *, allow_system = false))]
    fn collection(&self, name: &str, allow_system: bool) -> PyResult<PyCollection> {
        let inner = self
            .inner
            .collection(name, allow_system)
            .map_err(CoreError::from)?;
        Ok(PyCollection { inner })
    }

    #[pyo3(signature = (command, *, session = None))]
    fn command<'py>(
        &self,
        py: Python<'py>,
        command: &Bound<'py, PyAny>,
        session: Option<&Bound<'py, PySession>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, self.command_future(command, session)?)
    }

    #[pyo3(signature = (command, *, session = None))]
    fn command_sync<'py>(
        &self,
        py: Python<'py>,
        command: &Bound<'py, PyAny>,
        session: Option<&Bound<'py, PySession>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        blocking(py, self.command_future(command, session)?)?.into_pyobject(py)
    }

    #[pyo3(signature = (filter = None, *, session = None))]
    fn list_collection_names<'py>(
        &self,
        py: Python<'py>,
        filter: Option<&Bound<'py, PyAny>>,
        session: Option<&Bound<'py, PySession>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, self.list_collection_names_future(filter, session)?)
    }

    #[pyo3(signature = (filter = None, *, session = None))]
    fn list_collection_names_sync<'py>(
        &self,
        py: Python<'py>,
        filter: Option<&Bound<'py, PyAny>>,
        session: Option<&Bound<'py, PySession>>,
    ) -> PyResult<Vec<String>> {
        blocking(py, self.list_collection_names_future(filter, session)?)
    }

    #[pyo3(signature = (name, options = None, *, session = None))]
    fn create_collection<'py>(
        &self,
        py: Python<'py>,
        name: String,
        options: Option<&Bound<'py, PyAny>>,
        session: Option<&Bound<'py, PySession>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, self.create_collection_future(name, options, session)?)
    }

    #[pyo3(signature = (name, options = None, *, session = None))]
    fn create_collection_sync<'py>(
        &self,
        py: Python<'py>,
        name: String,
        options: Option<&Bound<'py, PyAny>>,
        session: Option<&Bound<'py, PySession>>,
    ) -> PyResult<PyCollection> {
        blocking(py, self.create_collection_future(name, options, session)?)
    }

    #[pyo3(signature = (*, session = None))]
    fn drop<'py>(
        &self,
        py: Python<'py>,
        session: Option<&Bound<'py, PySession>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (db, session) = (self.inner.clone(), session_arg(session));
        awaitable(py, async move { Ok(db.drop(session.as_ref()).await?) })
    }

    #[pyo3(signature = (*, session = None))]
    fn drop_sync(&self, py: Python<'_>, session: Option<&Bound<'_, PySession>>) -> PyResult<()> {
        let (db, session) = (self.inner.clone(), session_arg(session));
        blocking(py, async move { Ok(db.drop(session.as_ref()).await?) })
    }

    fn __repr__(&self) -> String {
        format!("Database({:?})", self.inner.name())
    }
}

impl PyDatabase {
    fn command_future(
        &self,
        command: &Bound<'_, PyAny>,
        session: Option<&Bound<'_, PySession>>,
    ) -> PyResult<impl std::future::Future<Output = Result<CommandReply, CoreError>> + Send + 'static>
    {
        let command = to_document(command, "command")?;
        let (db, session) = (self.inner.clone(), session_arg(session));
        Ok(async move { Ok(CommandReply(db.command(command, session.as_ref()).await?)) })
    }

    fn list_collection_names_future(
        &self,
        filter: Option<&Bound<'_, PyAny>>,
        session: Option<&Bound<'_, PySession>>,
    ) -> PyResult<impl std::future::Future<Output = Result<Vec<String>, CoreError>> + Send + 'static>
    {
        let filter = options::mapping(filter, "filter")?;
        let (db, session) = (self.inner.clone(), session_arg(session));
        Ok(async move { Ok(db.list_collection_names(filter, session.as_ref()).await?) })
    }

    fn create_collection_future(
        &self,
        name: String,
        options: Option<&Bound<'_, PyAny>>,
        session: Option<&Bound<'_, PySession>>,
    ) -> PyResult<impl std::future::Future<Output = Result<PyCollection, CoreError>> + Send + 'static>
    {
        names::validate_collection_name(&name, false).map_err(CoreError::from)?;
        let options = to_document_or_empty(options, "options")?;
        let (db, session) = (self.inner.clone(), session_arg(session));
        Ok(async move {
            let inner = db
                .create_collection(&name, options, session.as_ref())
                .await?;
            Ok(PyCollection { inner })
        })
    }
}

/// A command reply, converted to a dict once the GIL is back.
pub struct CommandReply(pub bson::RawDocumentBuf);

impl<'py> IntoPyObject<'py> for CommandReply {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        Ok(crate::convert::raw_document_to_py(py, &self.0)?.into_any())
    }
}

/// A client session.
#[pyclass(module = "data_bridge._engine", name = "Session", frozen)]
pub struct PySession {
    pub inner: Session,
}

macro_rules! session_call {
    ($self:ident, $py:ident, $runner:ident, $method:ident) => {{
        let session = $self.inner.clone();
        $runner($py, async move { Ok(session.$method().await?) })
    }};
}

#[pymethods]
impl PySession {
    #[getter]
    fn in_transaction(&self) -> bool {
        self.inner.in_transaction()
    }

    fn start_transaction<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        session_call!(self, py, awaitable, start_transaction)
    }

    fn start_transaction_sync(&self, py: Python<'_>) -> PyResult<()> {
        session_call!(self, py, blocking, start_transaction)
    }

    fn commit_transaction<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        session_call!(self, py, awaitable, commit_transaction)
    }

    fn commit_transaction_sync(&self, py: Python<'_>) -> PyResult<()> {
        session_call!(self, py, blocking, commit_transaction)
    }

    fn abort_transaction<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        session_call!(self, py, awaitable, abort_transaction)
    }

    fn abort_transaction_sync(&self, py: Python<'_>) -> PyResult<()> {
        session_call!(self, py, blocking, abort_transaction)
    }

    fn end<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        session_call!(self, py, awaitable, end)
    }

    fn end_sync(&self, py: Python<'_>) -> PyResult<()> {
        session_call!(self, py, blocking, end)
    }

    fn __enter__(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        let session = slf.get().inner.clone();
        blocking(slf.py(), async move { Ok(session.start().await?) })?;
        Ok(slf)
    }

    #[pyo3(signature = (exc_type, exc_value, traceback))]
    fn __exit__(
        &self,
        py: Python<'_>,
        exc_type: Option<&Bound<'_, PyType>>,
        exc_value: Option<&Bound<'_, PyAny>>,
        traceback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let _ = (exc_type, exc_value, traceback);
        self.end_sync(py)
    }

    fn __aenter__<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let session = slf.get().inner.clone();
        let this = slf.clone().unbind();
        awaitable(slf.py(), async move {
            session.start().await?;
            Ok(this)
        })
    }

    #[pyo3(signature = (exc_type, exc_value, traceback))]
    fn __aexit__<'py>(
        &self,
        py: Python<'py>,
        exc_type: Option<&Bound<'py, PyType>>,
        exc_value: Option<&Bound<'py, PyAny>>,
        traceback: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let _ = (exc_type, exc_value, traceback);
        self.end(py)
    }
}
