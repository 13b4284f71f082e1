//! Sending magic links: to the console by default ([`ConsoleMailer`]), over SMTP with `SMTP_URL`
//! ([`SmtpMailer`]), or anywhere else by implementing [`Mailer`] (the tests record the links).

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
            .to(email.to.parse::<Mailbox>()?)
            .subject(format!("Sign in to {}", email.app_name))
            .multipart(MultiPart::alternative_plain_html(text, html))?;
        self.transport.send(message).await?;
        Ok(())
    }
}
