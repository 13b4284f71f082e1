//! Sending magic links: over SMTP with `SMTP_URL` ([`SmtpMailer`]), to the console in development
//! ([`ConsoleMailer`]: debug builds, or `AUTH_EMAIL_CONSOLE=1`), or anywhere else by implementing [`Mailer`] (the
//! tests record the links). [`from_env`] picks one.

use std::sync::Arc;

use async_trait::async_trait;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::BoxError;

/// A magic link to send.
#[derive(Clone)]
pub struct MagicLinkEmail {
    /// The normalized address the link is for.
    pub to: String,
    /// The link (it signs in whoever has it: never log it in production).
    pub url: String,
    /// The app's name, for the subject line.
    pub app_name: String,
    /// The host the link points to, for the text.
    pub host: String,
}

impl std::fmt::Debug for MagicLinkEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MagicLinkEmail").field("to", &self.to).field("host", &self.host).finish_non_exhaustive()
    }
}

/// Delivers magic links.
#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    /// Sends `email`; an error shows the user Auth.js's `EmailSignin` error page.
    async fn send_magic_link(&self, email: &MagicLinkEmail) -> Result<(), BoxError>;
}

/// The mailer the environment asks for: [`SmtpMailer`] when `SMTP_URL` is set (sender `EMAIL_FROM`), else
/// [`ConsoleMailer`] in a debug build or with `AUTH_EMAIL_CONSOLE=1`; else an error, so that a release build never
/// prints sign-in links to its logs for want of a setting.
pub fn from_env() -> Result<Arc<dyn Mailer>, BoxError> {
    let console = cfg!(debug_assertions)
        || crate::env("AUTH_EMAIL_CONSOLE").is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
    let from = crate::env("EMAIL_FROM");
    choose(crate::env("SMTP_URL").as_deref(), from.as_deref().unwrap_or(DEFAULT_FROM), console)
}

/// The sender when `EMAIL_FROM` is not set.
pub const DEFAULT_FROM: &str = "Auth.js example <noreply@example.com>";

/// [`from_env`]'s choice: SMTP to `smtp_url` if given, else the console if `console` is allowed.
fn choose(smtp_url: Option<&str>, from: &str, console: bool) -> Result<Arc<dyn Mailer>, BoxError> {
    match smtp_url {
        Some(url) => Ok(Arc::new(SmtpMailer::new(url, from)?)),
        None if console => Ok(Arc::new(ConsoleMailer)),
        None => Err("SMTP_URL is not set: set it to e-mail sign-in links, or set AUTH_EMAIL_CONSOLE=1 to print \
                     them to the console (development only: anyone reading the logs can sign in)"
            .into()),
    }
}

/// Logs the link at `info` level instead of sending it: sign in by opening it from the console. For development.
#[derive(Clone, Copy, Debug, Default)]
pub struct ConsoleMailer;

#[async_trait]
impl Mailer for ConsoleMailer {
    async fn send_magic_link(&self, email: &MagicLinkEmail) -> Result<(), BoxError> {
        tracing::info!(to = %email.to, "magic link (SMTP_URL is not set, so it is not e-mailed): {}", email.url);
        Ok(())
    }
}

/// Sends links over SMTP with `lettre` (Tokio, rustls).
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer").field("from", &self.from).finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// A mailer for `url` and sender `from` (`Example <noreply@example.com>`).
    ///
    /// URLs as `lettre` reads them: `smtps://user:pass@host:465` (TLS), `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS), `smtp://host:25` (plain, for a local relay or a test server such as Mailpit).
    pub fn new(url: &str, from: &str) -> Result<Self, BoxError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|err| format!("SMTP_URL is not a valid SMTP URL: {err}"))?
            .build();
        let from = from.parse::<Mailbox>().map_err(|err| format!("EMAIL_FROM is not an e-mail address: {err}"))?;
        Ok(Self { transport, from })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send_magic_link(&self, email: &MagicLinkEmail) -> Result<(), BoxError> {
        let text = format!(
            "Sign in to {host}\n\n{url}\n\nIf you did not request this e-mail you can safely ignore it.\n",
            host = email.host,
            url = email.url
        );
        let html = format!(
            "<p>Sign in to <strong>{host}</strong></p><p><a href=\"{url}\">Sign in</a></p>\
             <p>If you did not request this e-mail you can safely ignore it.</p>",
            host = crate::pages::escape(&email.host),
            url = crate::pages::escape(&email.url)
        );
        let message = Message::builder()
            .from(self.from.clone())
            // The stored address itself, never a display-name form parsed out of it.
            .to(Mailbox::new(None, email.to.parse::<lettre::Address>()?))
            .subject(format!("Sign in to {}", email.app_name))
            .multipart(MultiPart::alternative_plain_html(text, html))?;
        self.transport.send(message).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_console_is_used_only_when_allowed() {
        let refused = choose(None, DEFAULT_FROM, false).err().map(|err| err.to_string()).unwrap_or_default();
        assert!(refused.contains("SMTP_URL is not set") && refused.contains("AUTH_EMAIL_CONSOLE=1"), "{refused}");
        assert!(!refused.contains('\n'), "one line");
        assert!(choose(None, DEFAULT_FROM, true).is_ok());
    }

    #[tokio::test]
    async fn smtp_needs_no_console_permission() {
        assert!(choose(Some("smtp://127.0.0.1:1025"), DEFAULT_FROM, false).is_ok());
        assert!(choose(Some("not a url"), DEFAULT_FROM, false).is_err());
    }
}
