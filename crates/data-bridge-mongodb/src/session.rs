//! Client sessions shared between Python objects and in-flight operations.
//!
//! The driver's `ClientSession` must be borrowed mutably by each operation, so it lives behind
//! an async mutex: operations on one session run one at a time, which is what the server
//! requires of a session anyway.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use mongodb::ClientSession;
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::client::Client;
use crate::error::{EngineError, Result};

#[derive(Debug, Default)]
struct SessionState {
    session: Option<ClientSession>,
    ended: bool,
}

/// A client session; clones share it.
#[derive(Clone, Debug)]
pub struct Session {
    client: Client,
    causal_consistency: Option<bool>,
    state: Arc<Mutex<SessionState>>,
    in_transaction: Arc<AtomicBool>,
}

/// Exclusive access to a started session for the duration of one operation.
pub struct SessionGuard {
    guard: OwnedMutexGuard<SessionState>,
}

impl SessionGuard {
    /// The driver session.
    pub fn get(&mut self) -> Result<&mut ClientSession> {
        self.guard
            .session
            .as_mut()
            .ok_or_else(|| EngineError::invalid("the session has ended"))
    }
}

impl Session {
    pub(crate) fn new(client: Client, causal_consistency: Option<bool>) -> Self {
        Self {
            client,
            causal_consistency,
            state: Arc::new(Mutex::new(SessionState::default())),
            in_transaction: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Locks the session for one operation, starting its server side on first use.
    pub async fn lock(&self) -> Result<SessionGuard> {
        let mut guard = self.state.clone().lock_owned().await;
        if guard.ended {
            return Err(EngineError::invalid(
                "the session has ended: start a new one",
            ));
        }
        if guard.session.is_none() {
            let driver = self.client.driver()?;
            let mut start = driver.start_session();
            if let Some(causal) = self.causal_consistency {
                start = start.causal_consistency(causal);
            }
            guard.session = Some(start.await?);
        }
        Ok(SessionGuard { guard })
    }

    /// Whether a transaction is open.
    pub fn in_transaction(&self) -> bool {
        self.in_transaction.load(Ordering::Acquire)
    }

    /// Starts the server session if it has not started yet.
    pub async fn start(&self) -> Result<()> {
        self.lock().await.map(drop)
    }

    /// Opens a transaction.
    pub async fn start_transaction(&self) -> Result<()> {
        let mut guard = self.lock().await?;
        guard.get()?.start_transaction().await?;
        self.in_transaction.store(true, Ordering::Release);
        Ok(())
    }

    /// Commits the open transaction.
    pub async fn commit_transaction(&self) -> Result<()> {
        let mut guard = self.lock().await?;
        let result = guard.get()?.commit_transaction().await;
        self.in_transaction.store(false, Ordering::Release);
        Ok(result?)
    }

    /// Aborts the open transaction.
    pub async fn abort_transaction(&self) -> Result<()> {
        let mut guard = self.lock().await?;
        let result = guard.get()?.abort_transaction().await;
        self.in_transaction.store(false, Ordering::Release);
        Ok(result?)
    }

    /// Ends the session, aborting an open transaction; later use is an error.
    pub async fn end(&self) -> Result<()> {
        let mut guard = self.state.clone().lock_owned().await;
        let mut outcome = Ok(());
        if let Some(mut session) = guard.session.take() {
            if self.in_transaction.swap(false, Ordering::AcqRel) {
                outcome = session.abort_transaction().await.map_err(EngineError::from);
            }
        }
        guard.ended = true;
        outcome
    }
}

/// Runs a driver action with the caller's session if one was given; evaluates to
/// `Result<_, EngineError>`.
///
/// The driver types an action differently with and without a session, so the action
/// expression is written once and expanded into both arms.
#[macro_export]
#[doc(hidden)]
macro_rules! with_session {
    ($session:expr, $action:expr) => {
        match $session {
            Some(session) => match session.lock().await {
                Ok(mut guard) => match guard.get() {
                    Ok(s) => $action.session(s).await.map_err($crate::EngineError::from),
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            },
            None => $action.await.map_err($crate::EngineError::from),
        }
    };
}
