//! Nothing of a magic link reaches the log: its token and address never appear in what the app logs at any level
//! (TRACE, with the SQL statements too), whether the link signs in, was already used, or fails with a 500. Loco's
//! `logger` middleware puts each request's URI in a span that every event of the request carries, at ERROR level.

use std::io;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use reqwest::StatusCode;

use super::{magic_link, Running};

/// Everything logged on this thread, formatted as an app's log shows it (each event with its spans' fields).
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl io::Write for Log {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Log {
    /// The log of this process: every event at every level, from every crate and thread (sqlx logs SQLite's
    /// statements from its worker thread). nextest runs each test in a process of its own; under `cargo test` the
    /// other tests of this binary log into it too, which changes nothing here.
    fn global() -> &'static Log {
        static LOG: OnceLock<Log> = OnceLock::new();
        LOG.get_or_init(|| {
            let log = Log::default();
            let writer = log.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_ansi(false)
                .with_writer(move || writer.clone())
                .finish();
            tracing::subscriber::set_global_default(subscriber).unwrap();
            log
        })
    }

    /// The lines holding `needle`.
    fn lines_with(&self, needle: &str) -> Vec<String> {
        let text = self.text();
        text.lines()
            .filter(|line| line.contains(needle))
            .map(str::to_owned)
            .collect()
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

/// Asks for a link for `email`: the link's path and query, its token and its query's e-mail (URL-encoded).
async fn link_for(
    app: &Running,
    (cookie, token): &(String, String),
    email: &str,
) -> (String, String, String) {
    let before = app.mails().len();
    let response = app
        .post(
            "/auth/sign-in",
            cookie,
            &[("csrf_token", token), ("email", email)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let link = magic_link(&app.mails()[before]);
    let url = reqwest::Url::parse(&format!("{}{link}", app.base)).unwrap();
    let token = url
        .query_pairs()
        .find(|(key, _)| key == "token")
        .unwrap()
        .1
        .into_owned();
    assert!(token.len() >= 32, "{link}");
    let encoded = email.replace('@', "%40");
    assert!(link.contains(&encoded), "{link}");
    (link, token, encoded)
}

#[tokio::test]
async fn magic_links_never_reach_the_log() {
    let log = Log::global();
    let app = Running::start_with("logs", |config| config.database.enable_logging = true).await;
    let csrf = app.csrf().await;

    // A link that signs in, then the same link again (used up), then a forged one.
    let (used, used_token, used_email) = link_for(&app, &csrf, "logged-a@example.com").await;
    assert_eq!(app.get(&used, "").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get(&used, "").await.status(), StatusCode::BAD_REQUEST);
    let forged = used.replace(&used_token, &"f".repeat(used_token.len()));
    assert_eq!(app.get(&forged, "").await.status(), StatusCode::BAD_REQUEST);

    // A link followed while the database is down: a 500, which Loco and tower-http log at ERROR.
    let (failing, failing_token, failing_email) =
        link_for(&app, &csrf, "logged-b@example.com").await;
    app.ctx.db.close_by_ref().await.unwrap();
    assert_eq!(
        app.get(&failing, "").await.status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );

    // The capture works: the requests (their spans showing the path), the SQL and the failure are in it.
    let callbacks = log.lines_with("http.uri=/auth/callback/email ");
    assert!(
        callbacks.len() >= 8,
        "the callback's requests: {callbacks:#?}"
    );
    assert!(
        callbacks
            .iter()
            .any(|line| line.contains("ERROR") && line.contains("controller_error")),
        "the failed request: {callbacks:#?}"
    );
    assert!(
        !log.lines_with("INSERT INTO").is_empty(),
        "the SQL statements"
    );
    let forged_token = "f".repeat(used_token.len());
    for needle in [
        used_token.as_str(),
        failing_token.as_str(),
        forged_token.as_str(),
        "logged-a@example.com",
        "logged-b@example.com",
        used_email.as_str(),
        failing_email.as_str(),
        "token=",
    ] {
        let lines = log.lines_with(needle);
        assert!(lines.is_empty(), "{needle} is in the log: {lines:#?}");
    }
    app.stop().await;
}
