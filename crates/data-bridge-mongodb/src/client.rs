//! Clients, database and collection handles, and the fork/close guard every call passes.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bson::RawDocumentBuf;
use mongodb::options::ClientOptions;

use crate::error::{EngineError, Result};
use crate::names::{validate_collection_name, validate_database_name, MAX_NAMESPACE_BYTES};
use crate::session::Session;

/// Options that override the URI's.
#[derive(Clone, Debug, Default)]
pub struct ClientConfig {
    /// Reported to the server in the handshake.
    pub app_name: Option<String>,
    /// How long to wait for a suitable server before failing an operation.
    pub server_selection_timeout: Option<Duration>,
    /// How long to wait for a TCP connection.
    pub connect_timeout: Option<Duration>,
    /// Largest number of pooled connections per server.
    pub max_pool_size: Option<u32>,
    /// Connections kept open per server.
    pub min_pool_size: Option<u32>,
    /// Talk to the given host only, without discovering the topology.
    pub direct_connection: Option<bool>,
}

/// A connection pool to a deployment; cheap to clone (clones share the pool).
#[derive(Clone, Debug)]
pub struct Client {
    inner: mongodb::Client,
    pid: u32,
    closed: Arc<AtomicBool>,
}

impl Client {
    /// Parses `uri` (resolving `mongodb+srv://` through DNS) and creates the pool. No
    /// connection is made until the first operation.
    pub async fn connect(uri: &str, config: &ClientConfig) -> Result<Self> {
        let mut options = ClientOptions::parse(uri).await?;
        if config.app_name.is_some() {
            options.app_name.clone_from(&config.app_name);
        }
        if config.server_selection_timeout.is_some() {
            options.server_selection_timeout = config.server_selection_timeout;
        }
        if config.connect_timeout.is_some() {
            options.connect_timeout = config.connect_timeout;
        }
        if config.max_pool_size.is_some() {
            options.max_pool_size = config.max_pool_size;
        }
        if config.min_pool_size.is_some() {
            options.min_pool_size = config.min_pool_size;
        }
        if config.direct_connection.is_some() {
            options.direct_connection = config.direct_connection;
        }
        Ok(Self {
            inner: mongodb::Client::with_options(options)?,
            pid: std::process::id(),
            closed: Arc::new(AtomicBool::new(false)),
        })
    }

    /// The driver client, after checking the client is open and in the process that made it.
    pub fn driver(&self) -> Result<&mongodb::Client> {
        let current = std::process::id();
        if current != self.pid {
            return Err(EngineError::UsedAfterFork {
                created: self.pid,
                current,
            });
        }
        if self.closed.load(Ordering::Acquire) {
            return Err(EngineError::ClientClosed);
        }
        Ok(&self.inner)
    }

    /// Whether `close()` was called.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// A database handle (no I/O).
    pub fn database(&self, name: &str, allow_system: bool) -> Result<Database> {
        validate_database_name(name, allow_system)?;
        Ok(Database {
            inner: self.driver()?.database(name),
            client: self.clone(),
        })
    }

    /// The database named in the URI, if any (no name checks: the user wrote it).
    pub fn default_database(&self) -> Result<Option<Database>> {
        Ok(self.driver()?.default_database().map(|inner| Database {
            inner,
            client: self.clone(),
        }))
    }

    /// Names of the server's databases.
    pub async fn list_database_names(&self) -> Result<Vec<String>> {
        Ok(self.driver()?.list_database_names().await?)
    }

    /// A session whose server side starts on first use.
    pub fn start_session(&self, causal_consistency: Option<bool>) -> Result<Session> {
        self.driver()?;
        Ok(Session::new(self.clone(), causal_consistency))
    }

    /// Closes the pool: in-flight cursors are killed, later calls fail with `ClientClosed`.
    pub async fn close(&self) -> Result<()> {
        if self.closed.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        if std::process::id() == self.pid {
            self.inner.clone().shutdown().await;
        }
        Ok(())
    }
}

/// A database handle.
#[derive(Clone, Debug)]
pub struct Database {
    pub(crate) inner: mongodb::Database,
    pub(crate) client: Client,
}

impl Database {
    /// The database name.
    pub fn name(&self) -> &str {
        self.inner.name()
    }

    /// The client this handle belongs to.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The driver database, after the client checks.
    pub fn driver(&self) -> Result<&mongodb::Database> {
        self.client.driver()?;
        Ok(&self.inner)
    }

    /// A collection handle (no I/O).
    pub fn collection(&self, name: &str, allow_system: bool) -> Result<Collection> {
        validate_collection_name(name, allow_system)?;
        let namespace = self.inner.name().len() + 1 + name.len();
        if namespace > MAX_NAMESPACE_BYTES {
            return Err(EngineError::invalid(format!(
                "namespace \"{}.{name}\" is {namespace} bytes long; the limit is \
                 {MAX_NAMESPACE_BYTES}",
                self.inner.name()
            )));
        }
        Ok(Collection {
            inner: self.driver()?.collection::<RawDocumentBuf>(name),
            database: self.clone(),
        })
    }
}

/// A collection handle; documents travel as raw BSON.
#[derive(Clone, Debug)]
pub struct Collection {
    pub(crate) inner: mongodb::Collection<RawDocumentBuf>,
    pub(crate) database: Database,
}

impl Collection {
    /// The collection name.
    pub fn name(&self) -> &str {
        self.inner.name()
    }

    /// The database this collection belongs to.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The client this collection belongs to.
    pub fn client(&self) -> &Client {
        &self.database.client
    }

    /// The driver collection, after the client checks.
    pub fn driver(&self) -> Result<&mongodb::Collection<RawDocumentBuf>> {
        self.database.client.driver()?;
        Ok(&self.inner)
    }
}
