//! The magic-link e-mail.

use loco_rs::app::AppContext;
use loco_rs::environment::Environment;
use loco_rs::mailer::{Email, Mailer};

use crate::controllers::html_escape;

/// Sends sign-in e-mails.
#[derive(Debug)]
pub struct AuthMailer;

impl Mailer for AuthMailer {}

impl AuthMailer {
    /// Sends the magic link `url` to `to` with Loco's mailer (SMTP, or the stub of `mailer.stub: true`, which keeps
    /// messages in memory). In development the link is also logged, since the development config uses the stub: the
    /// app then runs with no SMTP server.
    ///
    /// # Errors
    /// When the mailer fails.
    pub async fn send_magic_link(ctx: &AppContext, to: &str, url: &str) -> loco_rs::Result<()> {
        if ctx.environment == Environment::Development {
            tracing::info!(to, url = %url, "magic link (logged in development only)");
        }
        if ctx.mailer.is_none() {
            tracing::warn!("no mailer configured (config: mailer); the magic link was not sent");
            return Ok(());
        }
        let email = Email {
            to: to.to_owned(),
            subject: "Sign in to example-loco".to_owned(),
            text: format!("Sign in with this link:\n\n{url}\n\nIf you did not ask for it, ignore this e-mail.\n"),
            html: format!(
                "<p><a href=\"{0}\">Sign in to example-loco</a></p><p>Or open {0}</p>\
                 <p>If you did not ask for it, ignore this e-mail.</p>",
                html_escape(url)
            ),
            ..Email::default()
        };
        Self::mail(ctx, &email).await
    }
}
