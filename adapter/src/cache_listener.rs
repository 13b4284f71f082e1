//! [`CacheListener`]: the feed that keeps a `CachedAdapter` current on PostgreSQL (features `postgres` and `cache`).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use authjs_core::cache::CacheInvalidator;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sea_orm::sqlx::{ConnectOptions, Executor};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::cache_triggers::{Change, DEFAULT_CHANNEL, check_channel};
use crate::{Error, Result};

/// The `application_name` the listener's connection reports unless its URL names one (`pg_stat_activity` shows it).
pub const LISTENER_APPLICATION_NAME: &str = "authjs-sea-orm cache listener";

/// The default [`health_check`](CacheListener::health_check) interval: 10 seconds.
pub const DEFAULT_HEALTH_CHECK: Duration = Duration::from_secs(10);

/// The first wait before connecting again after a failure; it doubles up to [`MAX_RECONNECT_DELAY`].
pub const MIN_RECONNECT_DELAY: Duration = Duration::from_millis(100);

/// The longest wait between two attempts to connect.
pub const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(10);

/// How long one attempt to connect and `LISTEN` may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Listens on PostgreSQL for the notifications of the [`cache_triggers`](crate::cache_triggers) and drops what they
/// name from a `CachedAdapter`, in a task of its own, so that a session signed out or a user changed by any process
/// (a Next.js app, another instance of this service, SQL run by hand) is no longer served from memory once the
/// notification arrives (milliseconds after the write commits; `tests/tests/cache_notify.rs` measures it).
///
/// ```no_run
/// use std::time::Duration;
///
/// use authjs_sea_orm::cache::{CacheListener, CachedAdapter};
/// use authjs_sea_orm::{SeaOrmAdapter, cache_triggers};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let db = authjs_sea_orm::connect("postgres://app:secret@db.internal/app").await?;
/// cache_triggers::install::<authjs_sea_orm::schema::Tables>(&db, cache_triggers::DEFAULT_CHANNEL).await?; // once
/// let cached = CachedAdapter::builder(SeaOrmAdapter::new(db)).time_to_live(Duration::from_secs(3600)).build();
/// // The server itself, not a transaction pooler: LISTEN needs a session of its own.
/// let _listener = CacheListener::new("postgres://app:secret@db.internal/app")?.spawn(cached.invalidator());
/// # Ok(())
/// # }
/// ```
///
/// **A direct connection.** `LISTEN` holds a server session for as long as it listens: give the listener the
/// server's URL (or a PgBouncer in *session* mode), never a pooler in transaction mode, which hands the session to
/// other clients between transactions, so notifications go astray. The adapter itself may still go through the
/// transaction pooler ([`SeaOrmAdapter::behind_transaction_pooler`](crate::SeaOrmAdapter::behind_transaction_pooler)).
/// The listener uses one connection of its own, outside the adapter's pool.
///
/// **When the connection drops.** From [`spawn`](Self::spawn) until it listens, and from the moment it sees its
/// connection go (closed by the server, `pg_terminate_backend`, a failed [health check](Self::health_check)) until it
/// listens again, the cache serves nothing from memory and stores nothing ([`Invalidation::NotListening`]), so a
/// write whose notification was lost is never served; each transition empties the cache. It reconnects by itself,
/// waiting [`MIN_RECONNECT_DELAY`] after a failure, doubling up to [`MAX_RECONNECT_DELAY`]. A connection that dies
/// silently (a half-open TCP connection) is seen by the next health check.
///
/// **Logs** (`tracing`, target `authjs_sea_orm::cache`): when it listens, when the connection is lost, and each failed
/// attempt to reconnect, with the error; never the URL, a password, a token or a payload.
///
/// [`Invalidation::NotListening`]: crate::cache::Invalidation::NotListening
#[derive(Clone)]
pub struct CacheListener {
    options: PgConnectOptions,
    channel: String,
    health_check: Duration,
}

impl fmt::Debug for CacheListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not the connect options: they hold the password.
        f.debug_struct("CacheListener")
            .field("channel", &self.channel)
            .field("health_check", &self.health_check)
            .finish_non_exhaustive()
    }
}

impl CacheListener {
    /// A listener on the PostgreSQL server of `direct_url` (not a transaction pooler's URL), on the channel
    /// [`DEFAULT_CHANNEL`].
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when `direct_url` is not a PostgreSQL URL (the message does not repeat it).
    pub fn new(direct_url: &str) -> Result<Self> {
        let options = PgConnectOptions::from_str(direct_url)
            .map_err(|_| Error::InvalidInput("the cache listener's URL is not a PostgreSQL URL".to_owned()))?;
        Ok(Self::with_options(options))
    }

    /// A listener connecting with `options` (sqlx's, for settings a URL does not carry), on [`DEFAULT_CHANNEL`].
    pub fn with_options(options: PgConnectOptions) -> Self {
        let options = match options.get_application_name() {
            Some(_) => options,
            None => options.application_name(LISTENER_APPLICATION_NAME),
        };
        // The health check would log a statement every interval.
        let options = options.log_statements(log::LevelFilter::Off);
        Self { options, channel: DEFAULT_CHANNEL.to_owned(), health_check: DEFAULT_HEALTH_CHECK }
    }

    /// Listens on `channel`, the one the triggers were installed with.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when `channel` cannot name a channel (1 to 63 bytes, no NUL).
    pub fn channel(mut self, channel: &str) -> Result<Self> {
        check_channel(channel).map_err(Error::InvalidInput)?;
        self.channel = channel.to_owned();
        Ok(self)
    }

    /// How often the listener checks its connection when no notification arrives ([`DEFAULT_HEALTH_CHECK`] if not
    /// set): a `SELECT 1` that must answer within the same time, or the connection counts as lost. The bound on how
    /// long a connection that died silently goes unnoticed (about twice this).
    pub fn health_check(mut self, interval: Duration) -> Self {
        self.health_check = interval.max(Duration::from_millis(10));
        self
    }

    /// Starts listening in a Tokio task (call it within the runtime) and feeding `cache` (from
    /// [`CachedAdapter::invalidator`](crate::cache::CachedAdapter::invalidator)): from now until it listens, the cache
    /// serves nothing from memory. One listener per cache. Dropping the handle leaves the task running;
    /// [`ListenerHandle::stop`] ends it.
    pub fn spawn(self, cache: CacheInvalidator) -> ListenerHandle {
        cache.set_listening(false);
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(self.run(cache, stopped));
        ListenerHandle { stop, task }
    }

    async fn run(self, cache: CacheInvalidator, mut stop: watch::Receiver<bool>) {
        let mut delay = MIN_RECONNECT_DELAY;
        loop {
            let connected = tokio::select! {
                connected = tokio::time::timeout(CONNECT_TIMEOUT, self.listen()) => connected,
                () = stop_requested(&mut stop) => break,
            };
            let lost = match connected {
                Ok(Ok(mut listener)) => {
                    cache.set_listening(true);
                    tracing::info!(target: "authjs_sea_orm::cache", channel = %self.channel, "session cache listener: listening");
                    delay = MIN_RECONNECT_DELAY;
                    let lost = tokio::select! {
                        lost = self.receive(&mut listener, &cache) => lost,
                        () = stop_requested(&mut stop) => None,
                    };
                    cache.set_listening(false);
                    match lost {
                        Some(lost) => lost,
                        None => break,
                    }
                }
                Ok(Err(err)) => format!("cannot listen: {err}"),
                Err(_) => format!("cannot listen: no answer within {} s", CONNECT_TIMEOUT.as_secs()),
            };
            tracing::warn!(
                target: "authjs_sea_orm::cache",
                channel = %self.channel,
                retry_in_ms = delay.as_millis() as u64,
                "session cache listener: {lost}; the cache serves and stores nothing until it listens again",
            );
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = stop_requested(&mut stop) => break,
            }
            delay = (delay * 2).min(MAX_RECONNECT_DELAY);
        }
        cache.set_listening(false);
    }

    /// A connection of its own that listens on the channel.
    async fn listen(&self) -> std::result::Result<PgListener, sea_orm::sqlx::Error> {
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .min_connections(0)
            .max_lifetime(None)
            .idle_timeout(None)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_with(self.options.clone())
            .await?;
        let mut listener = PgListener::connect_with(&pool).await?;
        // A lost connection is reported at once (`Ok(None)`), not after a silent reconnect that may miss notifications.
        listener.eager_reconnect(false);
        listener.ignore_pool_close_event(true);
        listener.listen(&self.channel).await?;
        Ok(listener)
    }

    /// Applies notifications until the connection is lost; returns why.
    async fn receive(&self, listener: &mut PgListener, cache: &CacheInvalidator) -> Option<String> {
        loop {
            let received = tokio::time::timeout(self.health_check, listener.try_recv()).await;
            match received {
                Ok(Ok(Some(notification))) => match Change::of_payload(notification.payload()) {
                    Change::Session(digest) => cache.invalidate_session_digest(&digest),
                    Change::User(id) => cache.invalidate_user(&id),
                    Change::All => cache.invalidate_all(),
                },
                Ok(Ok(None)) => return Some("connection lost".to_owned()),
                Ok(Err(err)) => return Some(format!("connection lost: {err}")),
                // Nothing for a while: is the connection still there?
                Err(_) => match tokio::time::timeout(self.health_check, listener.execute("SELECT 1")).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(err)) => return Some(format!("health check failed: {err}")),
                    Err(_) => {
                        return Some(format!("health check unanswered for {} ms", self.health_check.as_millis()));
                    }
                },
            }
        }
    }
}

/// Resolves once [`ListenerHandle::stop`] was called; never if the handle was dropped without it (the task goes on).
async fn stop_requested(stop: &mut watch::Receiver<bool>) {
    while !*stop.borrow_and_update() {
        if stop.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// The task of a [`CacheListener`], from [`CacheListener::spawn`]. Dropping it leaves the task running.
#[derive(Debug)]
pub struct ListenerHandle {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl ListenerHandle {
    /// Stops listening and waits for the task to end. The cache then serves nothing from memory (no feed tells it of
    /// writes made elsewhere any more).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }

    /// Whether the task has ended (after [`stop`](Self::stop), or a panic).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}
