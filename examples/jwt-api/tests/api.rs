//! The API over HTTP against the session cookies of the real Auth.js: `tests/interop/jwt-session.mjs` signs a user in
//! with a Credentials provider and JWT sessions through `Auth()` of `@auth/core` 0.41 (v5) or `AuthHandler` of
//! `next-auth` 4.24 (v4), and these tests send the cookies it set to the API, served on `127.0.0.1:0`:
//!
//! * `v5_sessions_over_http_and_https`: `authjs.session-token` of an `http://` app, `__Secure-authjs.session-token`
//!   of an `https://` one; `GET /me` gives the standard claims and none of the custom claims' values;
//! * `chunked_sessions`: a token too large for one cookie, in the chunks Auth.js wrote (v5 and v4), in any order; a
//!   missing chunk is signed out;
//! * `next_auth_v4_sessions`: `AUTH_CONVENTIONS=next-auth-v4`, with `NEXTAUTH_SECRET` or `AUTH_SECRET`;
//! * `secret_rotation`: a token of the previous secret is accepted while that secret is listed, not after;
//! * `signed_out_never_500`: another secret, a tampered token, an expired one, a v4 token read as v5 and the
//!   reverse, a token under the other cookie name, garbage and oversized cookies: all 401;
//! * `boot_errors`: the binary refuses to start, saying why, without a secret, with a blank one or with unknown
//!   conventions.
//!
//! Needs Node 20+ and `npm ci --prefix tests`; without them the tests print `skipped: ...` and pass, unless
//! `CI=true`, where they fail.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use authjs_sea_orm_tests::node::{interop_dir, node_ready};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SECRET: &str = "MLx0hEN9Cz6wyXy3ToXhTPWdcYAuMskvXz8VPBX7xjk=";
const OLD_SECRET: &str = "the previous AUTH_SECRET, still listed for rotation";
const OTHER_SECRET: &str = "the AUTH_SECRET of another app, never this one's";

/// The signed-in user's image URL.
const PICTURE: &str = "https://example.com/ada.png";

const HTTP_APP: &str = "http://localhost:3000";
const HTTPS_APP: &str = "https://app.example.com";

/// A cookie as Auth.js set it: name and value.
type Cookie = (String, String);

/// Signs in through the real Auth.js (`jwt-session.mjs`, one Node run for all `requests`): per request, the session
/// cookies set, in Auth.js's order.
fn sign_in(requests: &[Value]) -> Vec<Vec<Cookie>> {
    let out = Command::new("node")
        .arg("jwt-session.mjs")
        .arg(Value::from(requests.to_vec()).to_string())
        .current_dir(interop_dir())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("spawn node jwt-session.mjs: {e}"));
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "jwt-session.mjs failed\nstdout: {stdout}\nstderr: {stderr}");
    let results: Vec<Value> = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("jwt-session.mjs printed no JSON array ({e})\nstdout: {stdout}\nstderr: {stderr}"));
    assert_eq!(results.len(), requests.len());
    results
        .iter()
        .map(|result| {
            let cookies = result["ok"].as_array().unwrap_or_else(|| panic!("Auth.js did not sign in: {result}"));
            cookies
                .iter()
                .map(|c| (c["name"].as_str().unwrap().to_owned(), c["value"].as_str().unwrap().to_owned()))
                .collect()
        })
        .collect()
}

/// A sign-in request for `jwt-session.mjs`: `format` v5 or v4, the app at `url`, its secret(s), the user and the
/// claims its `jwt` callback adds.
fn request(format: &str, url: &str, secret: impl Into<Value>, claims: Value) -> Value {
    json!({
        "format": format,
        "url": url,
        "secret": secret.into(),
        "user": { "id": "user-1", "name": "Ada Lovelace", "email": "ada@example.com", "image": PICTURE },
        "claims": claims,
    })
}

/// Serves the API with the environment `vars` on `127.0.0.1:0`; its base URL.
async fn serve(vars: &[(&str, &str)]) -> String {
    let env: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    let config = example_jwt_api::config_from_env(|name| env.get(name).cloned()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, example_jwt_api::app(config)).await.unwrap() });
    format!("http://{address}")
}

/// `GET {api}/me` with `cookies` in one `Cookie` header: the status and the body.
async fn me(api: &str, cookies: &[Cookie]) -> (StatusCode, String) {
    let mut request = reqwest::Client::new().get(format!("{api}/me"));
    if !cookies.is_empty() {
        let header = cookies.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("; ");
        request = request.header(reqwest::header::COOKIE, header);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    if status == StatusCode::OK {
        let cache = response.headers().get(reqwest::header::CACHE_CONTROL).and_then(|v| v.to_str().ok());
        assert_eq!(cache, Some("private, no-store"));
    }
    (status, response.text().await.unwrap())
}

/// Asserts `GET /me` with `cookies` is the user of [`request`].
async fn assert_signed_in(api: &str, cookies: &[Cookie], what: &str) {
    let (status, body) = me(api, cookies).await;
    assert_eq!(status, StatusCode::OK, "{what}: {body}");
    let mut claims: Value = serde_json::from_str(&body).unwrap();
    let exp = claims.as_object_mut().unwrap().remove("exp").and_then(|exp| exp.as_i64());
    assert_eq!(
        claims,
        json!({ "sub": "user-1", "name": "Ada Lovelace", "email": "ada@example.com", "picture": PICTURE }),
        "{what}"
    );
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    // Auth.js's default session.maxAge: 30 days.
    assert!(exp.is_some_and(|exp| (exp - now - 30 * 24 * 3600).abs() < 120), "{what}: exp {exp:?}");
}

/// Asserts `GET /me` with `cookies` is signed out: 401, never a 500.
async fn assert_signed_out(api: &str, cookies: &[Cookie], what: &str) {
    let (status, body) = me(api, cookies).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {body:.200}");
}

/// `cookies` renamed to session cookie `name` (chunks keep their index).
fn renamed(cookies: &[Cookie], name: &str) -> Vec<Cookie> {
    cookies
        .iter()
        .map(|(old, value)| match old.rsplit_once('.').filter(|(_, i)| i.parse::<usize>().is_ok()) {
            Some((_, index)) => (format!("{name}.{index}"), value.clone()),
            None => (name.to_owned(), value.clone()),
        })
        .collect()
}

#[tokio::test]
async fn v5_sessions_over_http_and_https() {
    if !node_ready() {
        return;
    }
    let claims = json!({ "role": "admin", "accessToken": "gho_provider-token-kept-in-the-jwt" });
    let [http, https] = <[_; 2]>::try_from(sign_in(&[
        request("v5", HTTP_APP, SECRET, claims.clone()),
        request("v5", HTTPS_APP, SECRET, claims),
    ]))
    .unwrap();
    assert_eq!(http.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["authjs.session-token"]);
    assert_eq!(https.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["__Secure-authjs.session-token"]);

    let plain = serve(&[("AUTH_SECRET", SECRET), ("AUTH_URL", HTTP_APP)]).await;
    assert_signed_in(&plain, &http, "v5 over http").await;
    let (_, body) = me(&plain, &http).await;
    assert!(!body.contains("gho_provider") && !body.contains("admin"), "custom claims' values are not sent: {body}");
    // The key is salted with the cookie name: the https cookie is not the http app's session.
    assert_signed_out(&plain, &https, "the https cookie on the http API").await;
    assert_signed_out(&plain, &renamed(&https, "authjs.session-token"), "the https token under the http name").await;

    let secure = serve(&[("AUTH_SECRET", SECRET), ("AUTH_URL", HTTPS_APP)]).await;
    assert_signed_in(&secure, &https, "v5 over https").await;
    assert_signed_out(&secure, &http, "the http cookie on the https API").await;
    // Without AUTH_URL: a deployed app's names; NEXTAUTH_URL is read as Auth.js reads it.
    assert_signed_in(&serve(&[("AUTH_SECRET", SECRET)]).await, &https, "no AUTH_URL").await;
    let nextauth_url = serve(&[("AUTH_SECRET", SECRET), ("NEXTAUTH_URL", HTTP_APP)]).await;
    assert_signed_in(&nextauth_url, &http, "NEXTAUTH_URL").await;

    let health = reqwest::get(format!("{plain}/health")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.text().await.unwrap(), "ok");
    assert_signed_out(&plain, &[], "no cookie").await;
}

#[tokio::test]
async fn chunked_sessions() {
    if !node_ready() {
        return;
    }
    // A claim that takes the token over one cookie (3936 characters in v5, 3933 in v4).
    let claims = json!({ "groups": (0..600).map(|i| format!("group-{i}")).collect::<Vec<_>>() });
    let [v5, v4] = <[_; 2]>::try_from(sign_in(&[
        request("v5", HTTPS_APP, SECRET, claims.clone()),
        request("v4", HTTP_APP, SECRET, claims),
    ]))
    .unwrap();
    // Chunks `NAME.0` to `NAME.{n-1}` in order, three of them for this token (about 10 KB).
    let chunked = |cookies: &[Cookie], name: &str| {
        let names: Vec<String> = cookies.iter().map(|c| c.0.clone()).collect();
        assert_eq!(names, (0..3).map(|i| format!("{name}.{i}")).collect::<Vec<_>>());
    };
    chunked(&v5, "__Secure-authjs.session-token");
    chunked(&v4, "next-auth.session-token");

    let api = serve(&[("AUTH_SECRET", SECRET), ("AUTH_URL", HTTPS_APP)]).await;
    assert_signed_in(&api, &v5, "v5 chunks").await;
    let reversed: Vec<Cookie> = v5.iter().rev().cloned().collect();
    assert_signed_in(&api, &reversed, "v5 chunks in reverse order").await;
    assert_signed_out(&api, &[v5[0].clone(), v5[2].clone()], "a missing chunk").await;
    assert_signed_out(&api, &v5[..2], "the last chunk missing").await;

    let v4_api = serve(&[("AUTH_SECRET", SECRET), ("AUTH_URL", HTTP_APP), ("AUTH_CONVENTIONS", "next-auth-v4")]).await;
    assert_signed_in(&v4_api, &v4, "v4 chunks").await;
}

#[tokio::test]
async fn next_auth_v4_sessions() {
    if !node_ready() {
        return;
    }
    let [http, https] = <[_; 2]>::try_from(sign_in(&[
        request("v4", HTTP_APP, SECRET, json!({})),
        request("v4", HTTPS_APP, SECRET, json!({})),
    ]))
    .unwrap();
    assert_eq!(http.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["next-auth.session-token"]);
    assert_eq!(https.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["__Secure-next-auth.session-token"]);

    let v4 = [("AUTH_CONVENTIONS", "next-auth-v4"), ("NEXTAUTH_URL", HTTP_APP)];
    assert_signed_in(&serve(&[v4[0], v4[1], ("NEXTAUTH_SECRET", SECRET)]).await, &http, "NEXTAUTH_SECRET").await;
    let api = serve(&[v4[0], v4[1], ("AUTH_SECRET", SECRET)]).await;
    assert_signed_in(&api, &http, "AUTH_SECRET").await;
    assert_signed_out(&api, &https, "the https cookie on the http API").await;
    let secure = serve(&[v4[0], ("AUTH_URL", HTTPS_APP), ("AUTH_SECRET", SECRET)]).await;
    assert_signed_in(&secure, &https, "v4 over https").await;
    // NEXTAUTH_SECRET comes first for v4, as next-auth reads it.
    let other = serve(&[v4[0], v4[1], ("NEXTAUTH_SECRET", OTHER_SECRET), ("AUTH_SECRET", SECRET)]).await;
    assert_signed_out(&other, &http, "NEXTAUTH_SECRET is another one").await;
}

#[tokio::test]
async fn secret_rotation() {
    if !node_ready() {
        return;
    }
    // The app encoded with its previous secret, then with the new one listed first.
    let [old, new] = <[_; 2]>::try_from(sign_in(&[
        request("v5", HTTP_APP, OLD_SECRET, json!({})),
        request("v5", HTTP_APP, json!([SECRET, OLD_SECRET]), json!({})),
    ]))
    .unwrap();
    let rotating = serve(&[("AUTH_SECRET", OLD_SECRET), ("AUTH_SECRET_1", SECRET), ("AUTH_URL", HTTP_APP)]).await;
    assert_signed_in(&rotating, &old, "a token of the old secret, still listed").await;
    assert_signed_in(&rotating, &new, "a token of the new secret").await;
    let rotated = serve(&[("AUTH_SECRET", SECRET), ("AUTH_URL", HTTP_APP)]).await;
    assert_signed_in(&rotated, &new, "the new secret alone").await;
    assert_signed_out(&rotated, &old, "a token of a secret no longer listed").await;
}

#[tokio::test]
async fn signed_out_never_500() {
    if !node_ready() {
        return;
    }
    let expired = json!({ "maxAge": -60 });
    let mut expired_v5 = request("v5", HTTP_APP, SECRET, json!({}));
    let mut expired_v4 = request("v4", HTTP_APP, SECRET, json!({}));
    expired_v5.as_object_mut().unwrap().extend(expired.as_object().unwrap().clone());
    expired_v4.as_object_mut().unwrap().extend(expired.as_object().unwrap().clone());
    let [other, v5, v4, expired_v5, expired_v4] = <[_; 5]>::try_from(sign_in(&[
        request("v5", HTTP_APP, OTHER_SECRET, json!({})),
        request("v5", HTTP_APP, SECRET, json!({})),
        request("v4", HTTP_APP, SECRET, json!({})),
        expired_v5,
        expired_v4,
    ]))
    .unwrap();
    // Each under the cookie name the API reads: refused for what the token is, not where it is.
    let names = |cookies: &[Cookie]| cookies.iter().map(|c| c.0.clone()).collect::<Vec<_>>();
    for cookies in [&other, &v5, &expired_v5] {
        assert_eq!(names(cookies), ["authjs.session-token"]);
    }
    for cookies in [&v4, &expired_v4] {
        assert_eq!(names(cookies), ["next-auth.session-token"]);
    }
    let api = serve(&[("AUTH_SECRET", SECRET), ("AUTH_URL", HTTP_APP)]).await;
    let v4_api = serve(&[("AUTH_SECRET", SECRET), ("AUTH_URL", HTTP_APP), ("AUTH_CONVENTIONS", "next-auth-v4")]).await;
    assert_signed_in(&api, &v5, "the untouched v5 token").await;
    assert_signed_in(&v4_api, &v4, "the untouched v4 token").await;

    assert_signed_out(&api, &other, "another app's secret").await;
    assert_signed_out(&api, &expired_v5, "an expired v5 token").await;
    assert_signed_out(&v4_api, &expired_v4, "an expired v4 token").await;
    assert_signed_out(&api, &renamed(&v4, "authjs.session-token"), "a v4 token read as v5").await;
    assert_signed_out(&v4_api, &renamed(&v5, "next-auth.session-token"), "a v5 token read as v4").await;
    assert_signed_out(&api, &v4, "a v4 cookie on the v5 API").await;
    assert_signed_out(&v4_api, &v5, "a v5 cookie on the v4 API").await;

    let name = "authjs.session-token";
    let token = &v5[0].1;
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 5, "a compact JWE");
    // One base64url character in the middle of a part changed: six bits of the decoded bytes (a last character may
    // carry unused bits).
    let tampered = |index: usize| {
        let mut parts: Vec<String> = parts.iter().map(|p| (*p).to_owned()).collect();
        let middle = parts[index].len() / 2;
        let flipped = if parts[index].as_bytes()[middle] == b'A' { "B" } else { "A" };
        parts[index].replace_range(middle..=middle, flipped);
        parts.join(".")
    };
    let cookie = |value: String| vec![(name.to_owned(), value)];
    for (what, value) in [
        ("tampered header", tampered(0)),
        ("tampered iv", tampered(2)),
        ("tampered ciphertext", tampered(3)),
        ("tampered tag", tampered(4)),
        ("truncated", token[..token.len() - 10].to_owned()),
        ("an encrypted key", format!("{}.AAAA.{}", parts[0], parts[2..].join("."))),
        ("garbage", "garbage".to_owned()),
        ("dots", "....".to_owned()),
        ("a JWS", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyLTEifQ.".to_owned()),
        ("not base64", format!("{}.!!.%%.**.~~", parts[0])),
        ("oversized", "A".repeat(64 * 1024)),
    ] {
        assert_signed_out(&api, &cookie(value), what).await;
    }
    let chunks =
        |count: usize, value: &str| (0..count).map(|i| (format!("{name}.{i}"), value.to_owned())).collect::<Vec<_>>();
    assert_signed_out(&api, &chunks(10, &"A".repeat(3936)), "more chunks than a token takes").await;
    assert_signed_out(&api, &chunks(60, "A"), "sixty small chunks").await;
    assert_signed_out(&api, &[(format!("{name}.1"), token.clone())], "chunks not starting at 0").await;
    assert_signed_out(&api, &[(format!("{name}.00"), token.clone())], "a non-canonical chunk index").await;
}

/// Runs the binary with `vars` (and no other Auth.js variable): its exit status and stderr, or a panic if it did not
/// exit within 30 seconds (it started).
fn boot(vars: &[(&str, &str)]) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_example-jwt-api"));
    for name in
        ["AUTH_SECRET", "AUTH_SECRET_1", "AUTH_SECRET_2", "AUTH_SECRET_3", "NEXTAUTH_SECRET", "AUTH_CONVENTIONS"]
    {
        command.env_remove(name);
    }
    let mut child = command
        .envs(vars.iter().copied())
        .env("PORT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("the API started with {vars:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn boot_errors() {
    let (ok, stderr) = boot(&[]);
    assert!(!ok);
    assert!(stderr.starts_with("example-jwt-api: no secret is set: set AUTH_SECRET"), "{stderr}");
    let (ok, stderr) = boot(&[("AUTH_SECRET", " \t ")]);
    assert!(!ok);
    assert!(stderr.contains("empty or only whitespace") && stderr.contains("AUTH_SECRET"), "{stderr}");
    // A blank rotated secret beside a real one: refused, and the real one is not printed.
    let (ok, stderr) = boot(&[("AUTH_SECRET", SECRET), ("AUTH_SECRET_1", "  ")]);
    assert!(!ok);
    assert!(stderr.contains("empty or only whitespace") && !stderr.contains(SECRET), "{stderr}");
    let (ok, stderr) = boot(&[("AUTH_CONVENTIONS", "next-auth-v4"), ("AUTH_SECRET_1", SECRET)]);
    assert!(!ok, "v4 reads NEXTAUTH_SECRET or AUTH_SECRET, not AUTH_SECRET_1");
    assert!(stderr.contains("no secret is set"), "{stderr}");
    let (ok, stderr) = boot(&[("AUTH_SECRET", SECRET), ("AUTH_CONVENTIONS", "next-auth-v3")]);
    assert!(!ok);
    assert!(stderr.contains("AUTH_CONVENTIONS: unknown setting: expected one of authjs-v5, next-auth-v4"), "{stderr}");
}
