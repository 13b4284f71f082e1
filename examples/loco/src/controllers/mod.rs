//! The app's controllers (plain HTML responses: no view engine, no assets folder).

use authjs_sea_orm::axum::csrf;

pub mod auth;
pub mod home;

/// `s` escaped for HTML text and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The hidden form field carrying the CSRF `token` (from [`authjs_sea_orm::axum::csrf::token`]).
pub fn csrf_field(token: &str) -> String {
    format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", csrf::FIELD, html_escape(token))
}

/// A whole page around `body` (already HTML).
pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{} - example-loco</title></head>\
         <body><h1>{}</h1>{body}</body></html>",
        html_escape(title),
        html_escape(title)
    )
}
