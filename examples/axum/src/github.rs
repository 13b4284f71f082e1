//! Sign-in with GitHub: OAuth 2 authorization code flow with PKCE and `state`, then Auth.js's rules for signing in,
//! signing up and linking accounts.

use std::time::Duration;

use authjs_sea_orm::axum::{MaybeSession, account_from_token_response, normalize_email};
use authjs_sea_orm::{AccountType, Adapter, AdapterUser, Error as AdapterError, NewUser};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet, EndpointSet,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, TokenUrl,
};
use serde::Deserialize;
use subtle::ConstantTimeEq;
use url::Url;

use crate::handlers::{AppError, error_redirect};
use crate::{AppState, BoxError, Config, env};

/// The provider id stored in `account.provider`.
pub(crate) const PROVIDER: &str = "github";
/// How long a started sign-in may take (Auth.js: 15 minutes).
const FLOW_MAX_AGE: Duration = Duration::from_secs(15 * 60);

/// GitHub OAuth app settings. The endpoints default to GitHub's; point them elsewhere to test against a fake.
#[derive(Clone)]
pub struct GithubConfig {
    /// The OAuth app's client id (`AUTH_GITHUB_ID`).
    pub client_id: String,
    /// The OAuth app's client secret (`AUTH_GITHUB_SECRET`).
    pub client_secret: String,
    /// Authorization endpoint (`AUTH_GITHUB_AUTHORIZE_URL`).
    pub authorize_url: Url,
    /// Token endpoint (`AUTH_GITHUB_TOKEN_URL`).
    pub token_url: Url,
    /// REST API base (`AUTH_GITHUB_API_URL`): the profile is `GET {api_url}/user`.
    pub api_url: Url,
}

impl std::fmt::Debug for GithubConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GithubConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("authorize_url", &self.authorize_url.as_str())
            .field("token_url", &self.token_url.as_str())
            .field("api_url", &self.api_url.as_str())
            .finish()
    }
}

impl GithubConfig {
    /// GitHub's endpoints with this OAuth app's credentials.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        let url = |s: &str| Url::parse(s).expect("a valid constant URL");
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            authorize_url: url("https://github.com/login/oauth/authorize"),
            token_url: url("https://github.com/login/oauth/access_token"),
            api_url: url("https://api.github.com"),
        }
    }

    /// From `AUTH_GITHUB_ID` and `AUTH_GITHUB_SECRET` (`None` unless both are set), with the endpoints overridden
    /// by `AUTH_GITHUB_AUTHORIZE_URL`, `AUTH_GITHUB_TOKEN_URL` and `AUTH_GITHUB_API_URL`.
    pub fn from_env() -> Result<Option<Self>, BoxError> {
        let (Some(id), Some(secret)) = (env("AUTH_GITHUB_ID"), env("AUTH_GITHUB_SECRET")) else {
            return Ok(None);
        };
        let mut config = Self::new(id, secret);
        let parse = |name: &str, target: &mut Url| -> Result<(), BoxError> {
            if let Some(value) = env(name) {
                *target = Url::parse(&value).map_err(|err| format!("{name}: {err}"))?;
            }
            Ok(())
        };
        parse("AUTH_GITHUB_AUTHORIZE_URL", &mut config.authorize_url)?;
        parse("AUTH_GITHUB_TOKEN_URL", &mut config.token_url)?;
        parse("AUTH_GITHUB_API_URL", &mut config.api_url)?;
        Ok(Some(config))
    }
}

/// The fields of `GET /user` the app uses, and the user's verified address.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct GithubProfile {
    /// Numeric user id: the account's `providerAccountId` (as a string).
    pub id: u64,
    /// User name, the display name when `name` is empty.
    pub login: String,
    /// Display name.
    pub name: Option<String>,
    /// The user's primary e-mail address, from `GET /user/emails`, when GitHub says it is verified; `None`
    /// otherwise. Not the profile's public `email`: `GET /user` does not say whether that one is verified.
    #[serde(skip_deserializing)]
    pub email: Option<String>,
    /// Avatar URL.
    pub avatar_url: Option<String>,
}

/// An entry of `GET /user/emails`.
#[derive(Deserialize)]
struct GithubEmail {
    email: String,
    primary: bool,
    verified: bool,
}

type Client = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// The configured OAuth client.
pub(crate) struct Github {
    client: Client,
    api_url: String,
    http: reqwest::Client,
}

impl Github {
    pub(crate) fn new(config: &GithubConfig, app: &Config) -> Self {
        let client = BasicClient::new(ClientId::new(config.client_id.clone()))
            .set_client_secret(ClientSecret::new(config.client_secret.clone()))
            .set_auth_type(AuthType::RequestBody)
            .set_auth_uri(AuthUrl::from_url(config.authorize_url.clone()))
            .set_token_uri(TokenUrl::from_url(config.token_url.clone()))
            .set_redirect_uri(RedirectUrl::from_url(app.url("/auth/callback/github")));
        // No redirects on the token endpoint (oauth2's advice against SSRF); GitHub's API wants a User-Agent.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("authjs-sea-orm-example/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap_or_default();
        Self { client, api_url: config.api_url.as_str().trim_end_matches('/').to_owned(), http }
    }

    /// The signed-in GitHub user: `GET /user`, with the primary address of `GET /user/emails` (scope
    /// `user:email`) if it is verified. An unverified address is never used: it would let whoever typed someone
    /// else's address into GitHub sign in as, or be refused as, that address's user here.
    async fn profile(&self, access_token: &str) -> Result<GithubProfile, reqwest::Error> {
        let get = |path: &str| {
            self.http
                .get(format!("{}{path}", self.api_url))
                .bearer_auth(access_token)
                .header(reqwest::header::ACCEPT, "application/vnd.github+json")
        };
        let mut profile: GithubProfile = get("/user").send().await?.error_for_status()?.json().await?;
        let emails: Vec<GithubEmail> = get("/user/emails").send().await?.error_for_status()?.json().await?;
        profile.email = emails.into_iter().find(|e| e.primary && e.verified).map(|e| e.email);
        Ok(profile)
    }
}

// Over HTTPS the flow's cookies are `__Host-` cookies (Secure, `Path=/`, no `Domain`): a sibling subdomain can set
// a `__Secure-` cookie for this host, and so plant its own `state` and PKCE verifier, but not a `__Host-` one.
fn state_cookie(secure: bool) -> &'static str {
    if secure { "__Host-authjs-axum.state" } else { "authjs-axum.state" }
}

fn pkce_cookie(secure: bool) -> &'static str {
    if secure { "__Host-authjs-axum.pkce" } else { "authjs-axum.pkce" }
}

/// A short-lived HttpOnly cookie for the flow, host-only (no `Domain`). SameSite=Lax: it must come back on GitHub's
/// top-level redirect.
fn flow_cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .max_age(time::Duration::seconds(FLOW_MAX_AGE.as_secs().cast_signed()))
        .build()
}

/// `POST /auth/signin/github`: sign in, or link GitHub to the signed-in user. Keeps `state` and the PKCE verifier
/// in short-lived cookies and redirects to GitHub.
pub(crate) async fn sign_in(State(state): State<AppState>, jar: CookieJar) -> Response {
    let Some(github) = &state.github else {
        return crate::pages::not_found(&state.config).into_response();
    };
    let secure = state.config.auth.secure;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf_state) = github
        .client
        .authorize_url(CsrfToken::new_random)
        .add_scope(Scope::new("read:user".to_owned()))
        .add_scope(Scope::new("user:email".to_owned()))
        .set_pkce_challenge(challenge)
        .url();
    let jar = jar.add(flow_cookie(state_cookie(secure), csrf_state.secret().clone(), secure)).add(flow_cookie(
        pkce_cookie(secure),
        verifier.secret().clone(),
        secure,
    ));
    (jar, Redirect::to(url.as_str())).into_response()
}

/// GitHub's redirect back.
#[derive(Deserialize)]
pub(crate) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// What the callback does once GitHub said who the user is.
enum Outcome {
    /// Create a session for this user.
    SignIn(String),
    /// Already signed in as the account's user, or the account was just linked to them.
    Account,
    /// Auth.js's `OAuthAccountNotLinked`.
    NotLinked,
}

/// `GET /auth/callback/github`: checks `state`, exchanges the code (with the PKCE verifier), reads the profile and
/// applies Auth.js's rules.
pub(crate) async fn callback(
    State(state): State<AppState>,
    MaybeSession(current): MaybeSession,
    jar: CookieJar,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, AppError> {
    let Some(github) = &state.github else {
        return Ok(crate::pages::not_found(&state.config).into_response());
    };
    let secure = state.config.auth.secure;
    let expected_state = jar.get(state_cookie(secure)).map(|c| c.value().to_owned());
    let verifier = jar.get(pkce_cookie(secure)).map(|c| c.value().to_owned());
    // The flow's cookies are single-use, whatever happens next.
    let jar = jar
        .remove(Cookie::build(state_cookie(secure)).path("/").secure(secure))
        .remove(Cookie::build(pkce_cookie(secure)).path("/").secure(secure));
    let fail = |jar: CookieJar, code: &str| Ok((jar, error_redirect(code)).into_response());

    if let Some(error) = query.error {
        tracing::info!(%error, "GitHub refused the sign-in");
        return fail(jar, if error == "access_denied" { "AccessDenied" } else { "OAuthCallbackError" });
    }
    let (Some(code), Some(returned_state), Some(expected_state), Some(verifier)) =
        (query.code, query.state, expected_state, verifier)
    else {
        tracing::warn!("GitHub callback without code, state or the flow's cookies");
        return fail(jar, "OAuthCallbackError");
    };
    if !bool::from(returned_state.as_bytes().ct_eq(expected_state.as_bytes())) {
        tracing::warn!("GitHub callback with a state that does not match the cookie's");
        return fail(jar, "OAuthCallbackError");
    }
    let token = match github
        .client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&github.http)
        .await
    {
        Ok(token) => token,
        Err(err) => {
            tracing::warn!(error = %err, "GitHub token exchange failed");
            return fail(jar, "OAuthCallbackError");
        }
    };
    let profile = match github.profile(token.access_token().secret()).await {
        Ok(profile) => profile,
        Err(err) => {
            tracing::warn!(error = %err, "reading the GitHub profile failed");
            return fail(jar, "OAuthCallbackError");
        }
    };

    let provider_account_id = profile.id.to_string();
    let account = |user_id: &str| {
        account_from_token_response(user_id, AccountType::Oauth, PROVIDER, provider_account_id.as_str(), &token, None)
    };
    let current_user = current.map(|c| c.user);
    let outcome = match state.adapter.get_user_by_account(PROVIDER, &provider_account_id).await? {
        // A known account: sign its user in, unless someone else is signed in.
        Some(owner) => match &current_user {
            Some(user) if user.id == owner.id => Outcome::Account,
            Some(_) => Outcome::NotLinked,
            None => Outcome::SignIn(owner.id),
        },
        // A new account, signed in: link it to the current user.
        None => match &current_user {
            Some(user) => match state.adapter.link_account(account(&user.id)).await {
                Ok(_) => {
                    tracing::info!(user = %user.id, github = %provider_account_id, "linked a GitHub account");
                    Outcome::Account
                }
                Err(AdapterError::Conflict(_)) => Outcome::NotLinked,
                Err(err) => return Err(err.into()),
            },
            // A new account, signed out: sign up, unless the address belongs to a user already (no dangerous
            // e-mail account linking: they must sign in as that user first, then link GitHub).
            None => sign_up(&state, &profile, account).await?,
        },
    };
    match outcome {
        Outcome::SignIn(user_id) => {
            let (jar, _) = state.auth.sign_in(jar, &user_id).await?;
            Ok((jar, Redirect::to("/account")).into_response())
        }
        Outcome::Account => Ok((jar, Redirect::to("/account")).into_response()),
        Outcome::NotLinked => fail(jar, "OAuthAccountNotLinked"),
    }
}

/// Creates the user of a new GitHub account (with its verified address, normalized as magic links normalize it;
/// `emailVerified` null, as Auth.js) and links the account.
async fn sign_up(
    state: &AppState,
    profile: &GithubProfile,
    account: impl Fn(&str) -> authjs_sea_orm::AdapterAccount,
) -> Result<Outcome, AppError> {
    let email = profile.email.as_deref().and_then(|e| normalize_email(e).ok());
    if let Some(email) = &email
        && state.adapter.get_user_by_email(email).await?.is_some()
    {
        return Ok(Outcome::NotLinked);
    }
    let new_user = NewUser {
        name: Some(profile.name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| profile.login.clone())),
        email,
        email_verified: None,
        image: profile.avatar_url.clone(),
        ..NewUser::default()
    };
    let user: AdapterUser = match state.adapter.create_user(new_user).await {
        Ok(user) => user,
        // Someone signed up with this address meanwhile.
        Err(AdapterError::Conflict(_)) => return Ok(Outcome::NotLinked),
        Err(err) => return Err(err.into()),
    };
    if let Err(err) = state.adapter.link_account(account(&user.id)).await {
        // Do not leave a user without a way to sign in (the account was linked concurrently, say).
        if let Err(cleanup) = state.adapter.delete_user(&user.id).await {
            tracing::error!(error = %cleanup, user = %user.id, "removing a half-created user failed");
        }
        return match err {
            AdapterError::Conflict(_) => Ok(Outcome::NotLinked),
            err => Err(err.into()),
        };
    }
    tracing::info!(user = %user.id, github = %profile.id, "signed up with GitHub");
    Ok(Outcome::SignIn(user.id))
}
