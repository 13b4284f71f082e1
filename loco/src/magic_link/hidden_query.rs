//! Keeps the magic link's query (its token and address) out of what the request's middleware and logs see.
//!
//! Loco's `logger` middleware (tower-http's `TraceLayer`) opens an `http-request` span per request holding the whole
//! URI (`http.uri`). The span is at ERROR level, so every event logged during the request carries it: tower-http's
//! `started processing request` at DEBUG, Loco's `controller_error` and tower-http's `response failed` at ERROR. A
//! link followed would put its live token in the log at whatever level the app logs. [`hide`] runs outside Loco's
//! middleware: it takes the query out of the request's URI (and of axum's `OriginalUri`) and hands it to the handler
//! as a [`HiddenQuery`] extension, so the logger, and everything after it, sees the path only.

use axum::extract::{OriginalUri, Request};
use axum::http::Uri;
use axum::http::uri::PathAndQuery;
use axum::middleware::Next;
use axum::response::Response;

/// The query of the request's URI, taken out of it by [`hide`] (`None` without one). `Debug` does not show it.
#[derive(Clone)]
pub(super) struct HiddenQuery(pub(super) Option<String>);

impl std::fmt::Debug for HiddenQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("HiddenQuery").field(&self.0.as_ref().map(|_| "[redacted]")).finish()
    }
}

/// Middleware: moves the request's query into a [`HiddenQuery`] extension and leaves the URI (and `OriginalUri`)
/// with the path only.
pub(super) async fn hide(mut request: Request, next: Next) -> Response {
    let query = request.uri().query().map(str::to_owned);
    if query.is_some() {
        *request.uri_mut() = path_only(request.uri());
        if let Some(OriginalUri(original)) = request.extensions_mut().get_mut::<OriginalUri>() {
            *original = path_only(original);
        }
    }
    request.extensions_mut().insert(HiddenQuery(query));
    next.run(request).await
}

/// `uri` without its query (scheme, authority and path kept).
fn path_only(uri: &Uri) -> Uri {
    let mut parts = uri.clone().into_parts();
    // A URI's path is a valid path-and-query, and parts from a valid URI make one again: the fallbacks are unreachable,
    // and hold no query either.
    parts.path_and_query = Some(uri.path().parse().unwrap_or_else(|_| PathAndQuery::from_static("/")));
    Uri::from_parts(parts).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_query_goes() {
        let strip = |uri: &str| path_only(&uri.parse().expect("a URI")).to_string();
        assert_eq!(strip("/auth/callback/email?token=abc&email=a%40b.c"), "/auth/callback/email");
        assert_eq!(
            strip("http://example.com:5150/auth/callback/email?token=abc"),
            "http://example.com:5150/auth/callback/email"
        );
        assert_eq!(strip("/auth/sign-in"), "/auth/sign-in");
        assert_eq!(format!("{:?}", HiddenQuery(Some("token=abc".into()))), "HiddenQuery(Some(\"[redacted]\"))");
    }
}
