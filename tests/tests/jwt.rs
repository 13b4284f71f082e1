//! Session JWTs across stacks: tokens written by the real Auth.js code (`encode` of `@auth/core/jwt` for v5 and of
//! `next-auth/jwt` 4.24 for v4, run by `tests/interop/jwt.mjs`) are read by `authjs_sea_orm::jwt::decode`, and
//! tokens written by `authjs_sea_orm::jwt::encode` are read by their `decode`, with the same claims on both sides:
//!
//! * `claims_both_ways`: no claims, `sub` only, Auth.js's `null` user claims, and a full set (user claims, custom
//!   claims of every JSON type, unicode, control characters, a 5 KB claim), for v5 with both session cookie names as
//!   salt and for v4; a token of theirs decoded and encoded again by us reads the same on their side;
//! * `secret_rotation`: a list of secrets on either side, in either order;
//! * `expiry_tolerance`: a token expired 10 s ago is accepted by both decoders (15 s of clock tolerance), one
//!   expired 20 s ago refused by both;
//! * `wrong_secret_salt_or_format_refused`: another secret, another salt (cookie name), the other format, an empty
//!   secret;
//! * `v5_reads_a256gcm`: v5 tokens encrypted with `A256GCM`, which @auth/core's decoder accepts but its encoder never
//!   writes (made with jose's `EncryptJWT`, as @auth/core imports it), with and without `kid`.
//!
//! Each test runs Node once per batch of vectors. Needs Node 20+ and `npm ci --prefix tests`; without them
//! the tests print `skipped: ...` and pass, unless `CI=true`, where they fail.
#![allow(clippy::unwrap_used)]

use std::io::Write as _;
use std::process::{Command, Stdio};

use authjs_sea_orm::jwt::{self, JwtFormat, SessionClaims};
use authjs_sea_orm_tests::node::{interop_dir, node_ready};
use chrono::{Duration, Utc};
use serde_json::{Map, Value, json};

/// The v5 session cookie names, which are the HKDF salts of v5 tokens.
const PLAIN: &str = "authjs.session-token";
const SECURE: &str = "__Secure-authjs.session-token";

/// Every way a token is keyed: v5 under each cookie name, and v4 (no salt; `""` here means "not passed to Node").
const SETTINGS: [(JwtFormat, &str); 3] =
    [(JwtFormat::AuthJsV5, PLAIN), (JwtFormat::AuthJsV5, SECURE), (JwtFormat::NextAuthV4, "")];

const SECRET: &str = "MLx0hEN9Cz6wyXy3ToXhTPWdcYAuMskvXz8VPBX7xjk=";
const OLD_SECRET: &str = "the previous AUTH_SECRET, still accepted";
const NEW_SECRET: &str = "the current AUTH_SECRET, used to encode";

/// The claims Auth.js sets itself; the vectors leave them to the encoder.
const TIMES: [&str; 3] = ["iat", "exp", "jti"];
/// The claims `SessionClaims` has fields for.
const KNOWN: [&str; 7] = ["sub", "name", "email", "picture", "iat", "exp", "jti"];

/// Lifetime of the tokens in the vectors, in seconds.
const MAX_AGE: i64 = 3600;

// ---------------------------------------------------------------------------------------------------------------
// Running Node

/// Runs `jwt.mjs` once on `requests`: per request, `Ok` with what the package returned or `Err` with what it threw
/// (`{name, code, message}`).
fn node(requests: &[Value]) -> Vec<Result<Value, Value>> {
    let mut child = Command::new("node")
        .arg("jwt.mjs")
        .current_dir(interop_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn node jwt.mjs: {e}"));
    child.stdin.take().unwrap().write_all(Value::from(requests.to_vec()).to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "jwt.mjs failed\nstdout: {stdout}\nstderr: {stderr}");
    let results: Vec<Value> = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("jwt.mjs printed no JSON array ({e})\nstdout: {stdout}\nstderr: {stderr}"));
    assert_eq!(results.len(), requests.len());
    results
        .into_iter()
        .map(|mut r| match r.get_mut("ok") {
            Some(ok) => Ok(ok.take()),
            None => Err(r["error"].take()),
        })
        .collect()
}

fn format_name(format: JwtFormat) -> &'static str {
    match format {
        JwtFormat::AuthJsV5 => "v5",
        JwtFormat::NextAuthV4 => "v4",
        other => panic!("no Node package for {other:?}"),
    }
}

/// A request for `jwt.mjs`; `salt` is left out when empty (next-auth v4 then uses its default, `""`).
fn request(op: &str, format: JwtFormat, salt: &str, secret: impl Into<Value>, fields: Value) -> Value {
    let mut r = json!({ "op": op, "format": format_name(format), "secret": secret.into() });
    if !salt.is_empty() {
        r["salt"] = salt.into();
    }
    r.as_object_mut().unwrap().extend(fields.as_object().unwrap().clone());
    r
}

/// Their `encode` of `claims`, expiring `max_age` seconds from now (negative: already expired).
fn their_encode(format: JwtFormat, salt: &str, secret: impl Into<Value>, claims: &Value, max_age: i64) -> Value {
    request("encode", format, salt, secret, json!({ "token": claims, "maxAge": max_age }))
}

/// Their `decode` of `token`.
fn their_decode(format: JwtFormat, salt: &str, secret: impl Into<Value>, token: &str) -> Value {
    request("decode", format, salt, secret, json!({ "token": token }))
}

/// The token string of a successful `encode` request.
fn token(result: &Result<Value, Value>) -> String {
    match result {
        Ok(Value::String(token)) => token.clone(),
        other => panic!("Node did not encode: {other:?}"),
    }
}

/// Asserts Node refused, with an error whose code or message contains `why`.
fn assert_refused(result: &Result<Value, Value>, why: &str, what: &str) {
    match result {
        Err(e) => assert!(
            [&e["code"], &e["message"]].iter().any(|v| v.as_str().is_some_and(|s| s.contains(why))),
            "{what}: Node refused, but not with {why:?}: {e}"
        ),
        Ok(claims) => panic!("{what}: Node accepted it as {claims}"),
    }
}

/// The claims Node decoded.
fn decoded<'a>(result: &'a Result<Value, Value>, what: &str) -> &'a Value {
    result.as_ref().unwrap_or_else(|e| panic!("{what}: Node refused: {e}"))
}

// ---------------------------------------------------------------------------------------------------------------
// Claims

/// The claim sets of `claims_both_ways`, as Auth.js's `jwt` callback would return them.
fn claim_sets() -> Vec<(&'static str, Value)> {
    let five_kb: String = "Auth.js ✓ sessions 🙂 ".repeat(200);
    assert!(five_kb.len() > 5 * 1024);
    vec![
        ("no claims", json!({})),
        ("sub only", json!({ "sub": "user-1" })),
        // Auth.js's default claims for a user without name or image (the adapter's nulls).
        (
            "null user claims",
            json!({ "name": null, "email": "ada@example.com", "picture": null, "sub": "3f0b0c6e-8a52-4a4f-9d43-1c2e1c2f8a10" }),
        ),
        (
            "full",
            json!({
                "name": "Zoë Ångström-李小龍 🙂",
                "email": "zoë@exämple.com",
                "picture": "https://example.com/avatars/zoë.png?size=96&v=2",
                "sub": "42",
                "role": "admin",
                "org": { "id": 7, "roles": ["owner", "billing"], "since": null },
                "flags": [true, false, null, 1, -2.5, "x"],
                "count": 9_007_199_254_740_991_i64,
                "ratio": 0.125,
                "ключ": "значение",
                "escapes": "</script>\"'\\\n\t\u{0}\u{1f}\u{2028}",
                "accessToken": "ya29.a0AfH6SMB-very-long-access-token",
                "blob": five_kb,
            }),
        ),
    ]
}

/// What the claims say: without `iat`, `exp` and `jti`, and without the user claims holding `null`. Auth.js writes
/// `name: null` for a user without a name and leaves out what its `jwt` callback returns as `undefined`; its session
/// callback reads both as no value, and so does `SessionClaims` (`None`), which writes `null` for `name`, `email`
/// and `picture` and leaves `sub` out.
fn meaning(claims: &Value) -> Map<String, Value> {
    let mut map = claims.as_object().unwrap_or_else(|| panic!("claims are not an object: {claims}")).clone();
    let unsaid = |k: &str, v: &Value| TIMES.contains(&k) || (KNOWN.contains(&k) && v.is_null());
    map.retain(|k, v| !unsaid(k, v));
    map
}

/// Our claims for `input` (user claims into the fields, the rest into `other`), issued now for `max_age` seconds.
fn our_claims(input: &Value, max_age: i64) -> SessionClaims {
    let text = |k: &str| input.get(k).and_then(Value::as_str).map(String::from);
    let mut claims = SessionClaims::issued(Utc::now(), Duration::seconds(max_age));
    (claims.sub, claims.name, claims.email, claims.picture) =
        (text("sub"), text("name"), text("email"), text("picture"));
    claims.other = input.as_object().unwrap().clone();
    claims.other.retain(|k, _| !KNOWN.contains(&k.as_str()));
    claims
}

/// Asserts `ours` (our decoding of a token Node encoded from `input`, between `before` and `after` in epoch seconds,
/// for `max_age` seconds) says what `input` says, with the `iat`, `exp` and `jti` Auth.js sets.
fn assert_from_node(ours: &SessionClaims, input: &Value, (before, after): (i64, i64), max_age: i64, what: &str) {
    let json = serde_json::to_value(ours).unwrap();
    assert_eq!(meaning(&json), meaning(input), "{what}: claims");
    let iat = ours.iat.unwrap_or_else(|| panic!("{what}: no iat"));
    assert!((before..=after).contains(&iat), "{what}: iat {iat} outside {before}..={after}");
    assert_eq!(ours.exp, Some(iat + max_age), "{what}: exp");
    let jti = ours.jti.as_deref().unwrap_or_else(|| panic!("{what}: no jti"));
    assert_eq!(uuid::Uuid::parse_str(jti).map(|id| id.get_version_num()).ok(), Some(4), "{what}: jti {jti}");
}

fn what(set: &str, format: JwtFormat, salt: &str) -> String {
    format!("{set} ({format:?}, salt {salt:?})")
}

// ---------------------------------------------------------------------------------------------------------------
// The vectors

/// Every claim set, every format and salt: theirs decoded by us, ours decoded by them, and theirs decoded, encoded
/// again by us and decoded by them (a Rust service refreshing an Auth.js session).
#[test]
fn claims_both_ways() {
    if !node_ready() {
        return;
    }
    let sets = claim_sets();
    let cases: Vec<(&str, &Value, JwtFormat, &str)> = sets
        .iter()
        .flat_map(|(name, input)| SETTINGS.iter().map(move |&(format, salt)| (*name, input, format, salt)))
        .collect();

    // Batch 1: Node encodes every case, and decodes our token of every case.
    let ours: Vec<SessionClaims> = cases.iter().map(|(_, input, _, _)| our_claims(input, MAX_AGE)).collect();
    let mut requests = Vec::new();
    for ((_, input, format, salt), claims) in cases.iter().zip(&ours) {
        requests.push(their_encode(*format, salt, SECRET, input, MAX_AGE));
        let our_token = jwt::encode(*format, SECRET, salt, claims).unwrap();
        requests.push(their_decode(*format, salt, SECRET, &our_token));
    }
    let before = Utc::now().timestamp();
    let results = node(&requests);
    let after = Utc::now().timestamp();

    let mut again = Vec::new();
    let mut expected_again = Vec::new();
    for (((name, input, format, salt), claims), results) in cases.iter().zip(&ours).zip(results.chunks(2)) {
        let what = what(name, *format, salt);
        // Theirs, decoded by us.
        let theirs = token(&results[0]);
        let read = jwt::decode(*format, &[SECRET], salt, &theirs, Utc::now())
            .unwrap_or_else(|| panic!("{what}: we refuse Node's token {theirs}"));
        assert_from_node(&read, input, (before, after), MAX_AGE, &what);
        // Ours, decoded by them: exactly our claims.
        let expected = serde_json::to_value(claims).unwrap();
        assert_eq!(meaning(&expected), meaning(input), "{what}: our claims");
        assert_eq!(decoded(&results[1], &what), &expected, "{what}: Node's reading of our token");
        // Theirs, encoded again by us.
        again.push(their_decode(*format, salt, SECRET, &jwt::encode(*format, SECRET, salt, &read).unwrap()));
        expected_again.push(serde_json::to_value(&read).unwrap());
    }

    // Batch 2: Node decodes the tokens we encoded again.
    for ((result, expected), (name, _, format, salt)) in node(&again).iter().zip(&expected_again).zip(&cases) {
        let what = what(name, *format, salt);
        assert_eq!(decoded(result, &what), expected, "{what}: Node's token through our decode and encode");
    }
}

/// `AUTH_SECRET` rotation: v5 encodes with the first secret of a list and decodes with whichever secret's key has the
/// token's `kid`, so the order of the list does not matter to decoding; v4 takes one secret, and our v4 decoder
/// tries each secret of the list.
#[test]
fn secret_rotation() {
    if !node_ready() {
        return;
    }
    let input = json!({ "sub": "user-1", "email": "ada@example.com" });
    let claims = our_claims(&input, MAX_AGE);
    let expected = serde_json::to_value(&claims).unwrap();
    let mut requests = Vec::new();
    for (format, salt) in SETTINGS {
        let ours_new = jwt::encode(format, NEW_SECRET, salt, &claims).unwrap();
        let ours_old = jwt::encode(format, OLD_SECRET, salt, &claims).unwrap();
        match format {
            JwtFormat::AuthJsV5 => requests.extend([
                their_encode(format, salt, json!([NEW_SECRET, OLD_SECRET]), &input, MAX_AGE),
                their_encode(format, salt, json!([OLD_SECRET, NEW_SECRET]), &input, MAX_AGE),
                their_decode(format, salt, json!([OLD_SECRET, NEW_SECRET]), &ours_new),
                their_decode(format, salt, json!([NEW_SECRET, OLD_SECRET]), &ours_old),
                their_decode(format, salt, json!([NEW_SECRET]), &ours_old),
            ]),
            _ => requests.extend([
                their_encode(format, salt, NEW_SECRET, &input, MAX_AGE),
                their_encode(format, salt, OLD_SECRET, &input, MAX_AGE),
                their_decode(format, salt, NEW_SECRET, &ours_new),
                their_decode(format, salt, NEW_SECRET, &ours_old),
            ]),
        }
    }
    let before = Utc::now().timestamp();
    let results = node(&requests);
    let after = Utc::now().timestamp();

    let mut results = results.iter();
    let mut next = || results.next().unwrap();
    for (format, salt) in SETTINGS {
        let what = |case: &str| what(case, format, salt);
        let keyed_new = token(next());
        let keyed_old = token(next());
        for secrets in [[OLD_SECRET, NEW_SECRET], [NEW_SECRET, OLD_SECRET]] {
            for theirs in [&keyed_new, &keyed_old] {
                let read = jwt::decode(format, &secrets, salt, theirs, Utc::now())
                    .unwrap_or_else(|| panic!("{}: we refuse it with {secrets:?}", what("rotation")));
                assert_from_node(&read, &input, (before, after), MAX_AGE, &what("rotation"));
            }
        }
        assert_eq!(jwt::decode(format, &[OLD_SECRET], salt, &keyed_new, Utc::now()), None, "{}", what("old only"));
        assert_eq!(jwt::decode(format, &[NEW_SECRET], salt, &keyed_old, Utc::now()), None, "{}", what("new only"));
        // Ours made with the new secret, and with the old one, read by Node.
        assert_eq!(decoded(next(), &what("ours, new secret")), &expected, "{}", what("ours, new secret"));
        match format {
            JwtFormat::AuthJsV5 => {
                assert_eq!(decoded(next(), &what("ours, old secret")), &expected, "{}", what("ours, old secret"));
                assert_refused(next(), "no matching decryption secret", &what("ours, old secret, list [new]"));
            }
            _ => assert_refused(next(), "ERR_JWE_DECRYPTION_FAILED", &what("ours, old secret, v4 given the new")),
        }
    }
}

/// 15 seconds of clock tolerance on `exp`, on both sides: expired 10 s ago is accepted, 20 s ago refused.
#[test]
fn expiry_tolerance() {
    if !node_ready() {
        return;
    }
    let input = json!({ "sub": "user-1" });
    let expired = |secs: i64| {
        let mut claims = our_claims(&input, MAX_AGE);
        claims.iat = Some(Utc::now().timestamp() - MAX_AGE);
        claims.exp = Some(Utc::now().timestamp() - secs);
        claims
    };
    let (ten, twenty) = (expired(10), expired(20));
    let mut requests = Vec::new();
    for (format, salt) in SETTINGS {
        requests.extend([
            their_encode(format, salt, SECRET, &input, -10),
            their_encode(format, salt, SECRET, &input, -20),
            their_decode(format, salt, SECRET, &jwt::encode(format, SECRET, salt, &ten).unwrap()),
            their_decode(format, salt, SECRET, &jwt::encode(format, SECRET, salt, &twenty).unwrap()),
        ]);
    }
    let before = Utc::now().timestamp();
    let results = node(&requests);
    let after = Utc::now().timestamp();

    for ((format, salt), results) in SETTINGS.into_iter().zip(results.chunks(4)) {
        let what = |case: &str| what(case, format, salt);
        let read = jwt::decode(format, &[SECRET], salt, &token(&results[0]), Utc::now())
            .unwrap_or_else(|| panic!("{}: we refuse it", what("theirs, expired 10 s ago")));
        assert_from_node(&read, &input, (before, after), -10, &what("theirs, expired 10 s ago"));
        assert_eq!(
            jwt::decode(format, &[SECRET], salt, &token(&results[1]), Utc::now()),
            None,
            "{}",
            what("theirs, expired 20 s ago")
        );
        let expected = serde_json::to_value(&ten).unwrap();
        assert_eq!(decoded(&results[2], &what("ours, expired 10 s ago")), &expected, "{}", what("ours, 10 s"));
        assert_refused(&results[3], "ERR_JWT_EXPIRED", &what("ours, expired 20 s ago"));
    }
}

/// Another secret, another salt (the other cookie name), the other format and an empty secret are refused by both.
#[test]
fn wrong_secret_salt_or_format_refused() {
    if !node_ready() {
        return;
    }
    const WRONG: &str = "not the secret";
    let input = json!({ "sub": "user-1", "name": "Ada" });
    let claims = our_claims(&input, MAX_AGE);
    let other_format = |format| match format {
        JwtFormat::AuthJsV5 => JwtFormat::NextAuthV4,
        _ => JwtFormat::AuthJsV5,
    };
    let mut requests = Vec::new();
    for (format, salt) in SETTINGS {
        let ours = jwt::encode(format, SECRET, salt, &claims).unwrap();
        requests.extend([
            their_encode(format, salt, SECRET, &input, MAX_AGE),
            their_decode(format, salt, WRONG, &ours),
            their_decode(other_format(format), if salt.is_empty() { PLAIN } else { "" }, SECRET, &ours),
            their_encode(format, salt, "", &input, MAX_AGE),
        ]);
        if format == JwtFormat::AuthJsV5 {
            let other_salt = if salt == PLAIN { SECURE } else { PLAIN };
            requests.push(their_decode(format, other_salt, SECRET, &ours));
        }
    }
    let results = node(&requests);

    let mut results = results.iter();
    let mut next = || results.next().unwrap();
    for (format, salt) in SETTINGS {
        let what = |case: &str| what(case, format, salt);
        let theirs = token(next());
        assert!(jwt::decode(format, &[SECRET], salt, &theirs, Utc::now()).is_some(), "{}", what("right secret"));
        assert_eq!(jwt::decode(format, &[WRONG], salt, &theirs, Utc::now()), None, "{}", what("theirs, wrong secret"));
        let (other, other_salt) = (other_format(format), if salt.is_empty() { PLAIN } else { "" });
        assert_eq!(jwt::decode(other, &[SECRET], other_salt, &theirs, Utc::now()), None, "{}", what("theirs as other"));
        let why =
            if format == JwtFormat::AuthJsV5 { "no matching decryption secret" } else { "ERR_JWE_DECRYPTION_FAILED" };
        assert_refused(next(), why, &what("ours, wrong secret"));
        assert!(next().is_err(), "{}: Node reads our token in the other format", what("ours as other"));
        // Both refuse an empty secret.
        assert_refused(next(), "ikm", &what("empty secret"));
        assert!(matches!(jwt::encode(format, "", salt, &claims), Err(jwt::JwtError::MissingSecret)), "{}", what(""));
        if format == JwtFormat::AuthJsV5 {
            let other_salt = if salt == PLAIN { SECURE } else { PLAIN };
            assert_eq!(jwt::decode(format, &[SECRET], other_salt, &theirs, Utc::now()), None, "{}", what("salt"));
            assert_refused(next(), "no matching decryption secret", &what("ours, wrong salt"));
        }
    }
}

/// v5 decoders accept `A256GCM` tokens (32-byte key, SHA-256 `kid`): made with jose's `EncryptJWT` and @auth/core's
/// key derivation, read by us and by @auth/core's `decode`. Without `kid`, both try the first secret only.
#[test]
fn v5_reads_a256gcm() {
    if !node_ready() {
        return;
    }
    let input = json!({ "sub": "user-1", "name": "Ada", "picture": null, "role": "admin" });
    let gcm = |salt: &str, secret: &str, kid: bool| json!({ "op": "encode-a256gcm", "token": input, "secret": secret, "salt": salt, "maxAge": MAX_AGE, "kid": kid });
    let mut requests = Vec::new();
    for salt in [PLAIN, SECURE] {
        requests.extend([gcm(salt, SECRET, true), gcm(salt, SECRET, false), gcm(salt, OLD_SECRET, false)]);
    }
    let before = Utc::now().timestamp();
    let results = node(&requests);
    let after = Utc::now().timestamp();

    let mut check = Vec::new();
    for (salt, results) in [PLAIN, SECURE].into_iter().zip(results.chunks(3)) {
        let [with_kid, without_kid, old_without_kid] = [0, 1, 2].map(|i| token(&results[i]));
        for (name, theirs) in [("with kid", &with_kid), ("without kid", &without_kid)] {
            let header = theirs.split('.').next().unwrap();
            assert!(header.starts_with("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNI"), "{name}: {header}"); // dir, A256GCM
            let what = what(name, JwtFormat::AuthJsV5, salt);
            let read = jwt::decode(JwtFormat::AuthJsV5, &[OLD_SECRET, SECRET], salt, theirs, Utc::now());
            let read = if name == "with kid" {
                read.unwrap_or_else(|| panic!("{what}: we refuse it"))
            } else {
                // Without kid only the first secret is tried.
                assert_eq!(read, None, "{what}: decoded with [old, current]");
                jwt::decode(JwtFormat::AuthJsV5, &[SECRET, OLD_SECRET], salt, theirs, Utc::now())
                    .unwrap_or_else(|| panic!("{what}: we refuse it"))
            };
            assert_from_node(&read, &input, (before, after), MAX_AGE, &what);
            assert_eq!(jwt::decode(JwtFormat::NextAuthV4, &[SECRET], salt, theirs, Utc::now()), None, "{what}: v4");
            check.push(their_decode(JwtFormat::AuthJsV5, salt, json!([OLD_SECRET, SECRET]), theirs));
            check.push(their_decode(JwtFormat::AuthJsV5, salt, json!([SECRET, OLD_SECRET]), theirs));
        }
        let what = what("old secret without kid", JwtFormat::AuthJsV5, salt);
        let old = jwt::decode(JwtFormat::AuthJsV5, &[OLD_SECRET, SECRET], salt, &old_without_kid, Utc::now());
        assert!(old.is_some(), "{what}: first secret");
        assert_eq!(jwt::decode(JwtFormat::AuthJsV5, &[SECRET, OLD_SECRET], salt, &old_without_kid, Utc::now()), None);
        check.push(their_decode(JwtFormat::AuthJsV5, salt, json!([SECRET, OLD_SECRET]), &old_without_kid));
    }

    // @auth/core's decode agrees on each: with kid both orders, without kid the first secret only.
    let results = node(&check);
    for (salt, results) in [PLAIN, SECURE].into_iter().zip(results.chunks(5)) {
        let what = |case: &str| what(case, JwtFormat::AuthJsV5, salt);
        for (i, case) in
            [(0, "with kid, [old, current]"), (1, "with kid, [current, old]"), (3, "without kid, [current, old]")]
        {
            assert_eq!(meaning(decoded(&results[i], &what(case))), meaning(&input), "{}", what(case));
        }
        assert_refused(&results[2], "ERR_JWE_DECRYPTION_FAILED", &what("without kid, [old, current]"));
        assert_refused(&results[4], "ERR_JWE_DECRYPTION_FAILED", &what("old without kid, [current, old]"));
    }
}
