//! Better Auth's secrets, picked as better-auth 1.7 picks them (`context/create-context.mjs`,
//! `context/secret-utils.mjs`).

use std::fmt;

use crate::jwt::{RECOMMENDED_SECRET_LEN, is_usable_secret};

/// Better Auth's built-in development secret, used when no secret is set. It is public: Better Auth refuses to start
/// with it when `NODE_ENV=production`, and so does [`Secrets::from_env`].
pub const DEFAULT_SECRET: &str = "better-auth-secret-12345678901234567890";

/// Why a secret configuration was refused. Messages name the entry (its position or version), never a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretsError {
    /// A versioned list without any entry.
    #[error("the secrets list is empty: it needs at least one `version:secret` entry")]
    Missing,
    /// The secret at `position` (0: the current one, then the older ones of a list) is empty or only whitespace: an
    /// HMAC or key derived from it would be a public constant.
    #[error("secret {position} (0 is the current one) is empty or only whitespace")]
    Blank {
        /// Where in the list, the current secret first.
        position: usize,
    },
    /// The legacy secret kept beside a list (`BETTER_AUTH_SECRET` or `AUTH_SECRET`) is only whitespace.
    #[error("the legacy secret (BETTER_AUTH_SECRET or AUTH_SECRET beside BETTER_AUTH_SECRETS) is only whitespace")]
    BlankLegacy,
    /// Entry `position` of `BETTER_AUTH_SECRETS` is not `version:secret`.
    #[error("entry {position} of BETTER_AUTH_SECRETS is not `version:secret`")]
    Malformed {
        /// Where in the list, from 0.
        position: usize,
    },
    /// Entry `position` of `BETTER_AUTH_SECRETS` has a version that is not a non-negative integer (ASCII digits).
    #[error("entry {position} of BETTER_AUTH_SECRETS has a version that is not a non-negative integer")]
    InvalidVersion {
        /// Where in the list, from 0.
        position: usize,
    },
    /// Two entries of the list have the same version.
    #[error("version {version} appears twice in the secrets list: each version must be unique")]
    DuplicateVersion {
        /// The repeated version.
        version: u32,
    },
    /// `NODE_ENV=production` and the current secret is Better Auth's public development default
    /// ([`DEFAULT_SECRET`]), set or fallen back to because no secret is set.
    #[error(
        "the current secret is Better Auth's public default while NODE_ENV=production: set BETTER_AUTH_SECRET (or \
         BETTER_AUTH_SECRETS) to 32 random bytes (`openssl rand -base64 32`)"
    )]
    DefaultInProduction,
}

/// The secrets of a Better Auth app: the current one signs (and verifies) the session cookies; with a versioned list
/// (`BETTER_AUTH_SECRETS`) the older ones and the legacy secret only decrypt the `"jwe"` cookie cache.
///
/// Better Auth signs and verifies the `session_token` and `dont_remember` cookies, and the `"compact"` and `"jwt"`
/// cookie caches, with the current secret only, so **rotating the secret signs everyone out**: a cookie signed with
/// the previous secret is refused (no session, no `Set-Cookie`). The Rust side does the same
/// (`secrets_rotation_signs_out`). Only the `"jwe"` cookie cache is decrypted with any listed secret, picked by its
/// `kid` (`jwe_picks_the_key_by_kid_among_all_secrets`).
///
/// `Debug` shows the versions, never a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Secrets {
    /// The current secret: signs and verifies.
    current: String,
    /// Its version, in list mode.
    current_version: Option<u32>,
    /// The other entries of the list, in list order.
    older: Vec<(u32, String)>,
    /// Better Auth's `legacySecret` (list mode only): another decryption key for the `"jwe"` cookie cache.
    legacy: Option<String>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secrets")
            .field("current_version", &self.current_version)
            .field("older_versions", &self.older.iter().map(|(version, _)| *version).collect::<Vec<_>>())
            .field("legacy", &self.legacy.is_some())
            .field("is_default", &self.is_default())
            .finish()
    }
}

impl Secrets {
    /// One secret, as `BETTER_AUTH_SECRET` (or Better Auth's `secret` option) sets it.
    ///
    /// Accepts [`DEFAULT_SECRET`] (a development app runs with it); [`Secrets::from_env`] refuses it in production.
    /// A secret shorter than 32 characters is accepted with a warning logged, as Better Auth does.
    ///
    /// # Errors
    /// [`SecretsError::Blank`] when `secret` is empty or only whitespace.
    pub fn new(secret: impl Into<String>) -> Result<Self, SecretsError> {
        let current = secret.into();
        if !is_usable_secret(&current) {
            return Err(SecretsError::Blank { position: 0 });
        }
        warn_if_short(&current, None);
        Ok(Self { current, current_version: None, older: Vec::new(), legacy: None })
    }

    /// A versioned list, as `BETTER_AUTH_SECRETS` (or Better Auth's `secrets` option) sets it: the first entry is
    /// the current secret.
    ///
    /// # Errors
    /// [`SecretsError::Missing`] for an empty list, [`SecretsError::Blank`] for an empty or whitespace-only secret,
    /// [`SecretsError::DuplicateVersion`] when two entries share a version.
    pub fn versioned(entries: impl IntoIterator<Item = (u32, String)>) -> Result<Self, SecretsError> {
        let mut entries = entries.into_iter().collect::<Vec<_>>().into_iter();
        let (current_version, current) = entries.next().ok_or(SecretsError::Missing)?;
        let older: Vec<(u32, String)> = entries.collect();
        let all = || std::iter::once((current_version, current.as_str())).chain(older.iter().map(|(v, s)| (*v, &**s)));
        if let Some(position) = all().position(|(_, secret)| !is_usable_secret(secret)) {
            return Err(SecretsError::Blank { position });
        }
        let mut seen = std::collections::BTreeSet::new();
        if let Some((version, _)) = all().find(|(version, _)| !seen.insert(*version)) {
            return Err(SecretsError::DuplicateVersion { version });
        }
        warn_if_short(&current, Some(current_version));
        Ok(Self { current, current_version: Some(current_version), older, legacy: None })
    }

    /// These secrets with Better Auth's legacy secret: beside a versioned list, the single secret the app had before
    /// (`BETTER_AUTH_SECRET`, else `AUTH_SECRET`), still tried when decrypting a `"jwe"` cookie cache. Ignored when it
    /// is [`DEFAULT_SECRET`] or already in the list, as Better Auth ignores it; an empty one is no legacy secret.
    ///
    /// # Errors
    /// [`SecretsError::BlankLegacy`] when `legacy` is only whitespace.
    pub fn with_legacy(mut self, legacy: impl Into<String>) -> Result<Self, SecretsError> {
        let legacy = legacy.into();
        if legacy.is_empty() || legacy == DEFAULT_SECRET {
            self.legacy = None;
            return Ok(self);
        }
        if !is_usable_secret(&legacy) {
            return Err(SecretsError::BlankLegacy);
        }
        self.legacy = Some(legacy);
        Ok(self)
    }

    /// The secrets from the environment, as better-auth 1.7 reads them, `var` giving a variable's value (pass
    /// `|name| std::env::var(name).ok()`; tests pass a map):
    ///
    /// 1. `BETTER_AUTH_SECRETS`, `version:secret` entries separated by commas: each entry trimmed, the version before
    ///    the first `:` (ASCII digits), the secret after it (trimmed, not empty, may hold `:`), versions unique, the
    ///    first entry the current secret; `BETTER_AUTH_SECRET`, else `AUTH_SECRET`, is then the legacy secret
    ///    ([`Secrets::with_legacy`]);
    /// 2. else `BETTER_AUTH_SECRET`, else `AUTH_SECRET`;
    /// 3. else [`DEFAULT_SECRET`], refused when `NODE_ENV` is `production`.
    ///
    /// An empty variable counts as unset (JavaScript's `||`). Stricter than Better Auth: a version with other
    /// characters than digits (`1a`, which `parseInt` reads as 1) is refused, and the default secret is refused in
    /// production as the current secret of a list too.
    ///
    /// # Errors
    /// [`SecretsError::Malformed`], [`SecretsError::InvalidVersion`], [`SecretsError::Blank`],
    /// [`SecretsError::DuplicateVersion`] for a bad list, [`SecretsError::BlankLegacy`],
    /// [`SecretsError::DefaultInProduction`].
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Self, SecretsError> {
        let set = |name: &str| var(name).filter(|value| !value.is_empty());
        let production = var("NODE_ENV").as_deref() == Some("production");
        let single = set("BETTER_AUTH_SECRET").or_else(|| set("AUTH_SECRET"));
        let secrets = match set("BETTER_AUTH_SECRETS") {
            Some(list) => {
                let secrets = Self::versioned(parse_list(&list)?)?;
                match single {
                    Some(legacy) => secrets.with_legacy(legacy)?,
                    None => secrets,
                }
            }
            None => Self::new(single.unwrap_or_else(|| DEFAULT_SECRET.to_owned()))?,
        };
        if production && secrets.is_default() {
            return Err(SecretsError::DefaultInProduction);
        }
        Ok(secrets)
    }

    /// The current secret: signs and verifies the session cookies and the `"compact"` and `"jwt"` cookie caches.
    pub fn current(&self) -> &str {
        &self.current
    }

    /// The current secret's version (`None` for a single secret).
    pub fn current_version(&self) -> Option<u32> {
        self.current_version
    }

    /// Whether the current secret is Better Auth's public [`DEFAULT_SECRET`].
    pub fn is_default(&self) -> bool {
        self.current == DEFAULT_SECRET
    }

    /// Every secret a `"jwe"` cookie cache may be encrypted with, in Better Auth's order: the list (the current
    /// secret first), then the legacy secret unless it is in the list.
    pub fn decryption_secrets(&self) -> impl Iterator<Item = &str> {
        let legacy = self
            .legacy
            .as_deref()
            .filter(|legacy| *legacy != self.current && !self.older.iter().any(|(_, secret)| secret == legacy));
        std::iter::once(self.current.as_str()).chain(self.older.iter().map(|(_, secret)| secret.as_str())).chain(legacy)
    }
}

/// Logs Better Auth's warning for a current secret shorter than 32 characters (UTF-16 code units, JavaScript's
/// `length`). The secret itself is not logged.
fn warn_if_short(secret: &str, version: Option<u32>) {
    if secret.encode_utf16().count() < RECOMMENDED_SECRET_LEN {
        tracing::warn!(
            version,
            "authjs-core: the current Better Auth secret is shorter than {RECOMMENDED_SECRET_LEN} characters; \
             use a random one (`openssl rand -base64 32`)"
        );
    }
}

/// `BETTER_AUTH_SECRETS` as entries, as better-auth's `parseSecretsEnv` reads it (stricter on versions).
fn parse_list(list: &str) -> Result<Vec<(u32, String)>, SecretsError> {
    list.split(',')
        .enumerate()
        .map(|(position, entry)| {
            let (version, secret) = entry.trim().split_once(':').ok_or(SecretsError::Malformed { position })?;
            let version = version.trim();
            if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
                return Err(SecretsError::InvalidVersion { position });
            }
            let version = version.parse().map_err(|_| SecretsError::InvalidVersion { position })?;
            let secret = secret.trim();
            if secret.is_empty() {
                return Err(SecretsError::Blank { position });
            }
            Ok((version, secret.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn secrets_are_picked_as_better_auth_picks_them() -> Result<(), SecretsError> {
        // The list wins; its first entry is current; the single secret is kept as the legacy one.
        let secrets = Secrets::from_env(env(&[
            ("BETTER_AUTH_SECRETS", " 2:new:with:colons , 1: old "),
            ("BETTER_AUTH_SECRET", "single"),
            ("AUTH_SECRET", "auth"),
        ]))?;
        assert_eq!(secrets.current(), "new:with:colons");
        assert_eq!(secrets.current_version(), Some(2));
        assert_eq!(secrets.decryption_secrets().collect::<Vec<_>>(), ["new:with:colons", "old", "single"]);
        // Then BETTER_AUTH_SECRET, then AUTH_SECRET; empty values count as unset.
        let secrets = Secrets::from_env(env(&[("BETTER_AUTH_SECRET", "single"), ("AUTH_SECRET", "auth")]))?;
        assert_eq!((secrets.current(), secrets.current_version()), ("single", None));
        let secrets =
            Secrets::from_env(env(&[("BETTER_AUTH_SECRETS", ""), ("BETTER_AUTH_SECRET", ""), ("AUTH_SECRET", "a")]))?;
        assert_eq!(secrets.current(), "a");
        assert_eq!(secrets.decryption_secrets().collect::<Vec<_>>(), ["a"]);
        // Else the public default, outside production only.
        let secrets = Secrets::from_env(env(&[("NODE_ENV", "development")]))?;
        assert!(secrets.is_default());
        assert_eq!(secrets.current(), DEFAULT_SECRET);
        assert_eq!(Secrets::from_env(env(&[("NODE_ENV", "production")])), Err(SecretsError::DefaultInProduction));
        let explicit = env(&[("NODE_ENV", "production"), ("BETTER_AUTH_SECRET", DEFAULT_SECRET)]);
        assert_eq!(Secrets::from_env(explicit), Err(SecretsError::DefaultInProduction));
        let listed =
            env(&[("NODE_ENV", "production"), ("BETTER_AUTH_SECRETS", "1:better-auth-secret-12345678901234567890")]);
        assert_eq!(Secrets::from_env(listed), Err(SecretsError::DefaultInProduction));
        assert!(Secrets::from_env(env(&[("NODE_ENV", "production"), ("AUTH_SECRET", "x")])).is_ok());
        // The default is never a legacy secret; a legacy secret already listed is not tried twice.
        let secrets =
            Secrets::from_env(env(&[("BETTER_AUTH_SECRETS", "1:a"), ("BETTER_AUTH_SECRET", DEFAULT_SECRET)]))?;
        assert_eq!(secrets.decryption_secrets().collect::<Vec<_>>(), ["a"]);
        let secrets = Secrets::versioned([(3, "a".to_owned()), (2, "b".to_owned())])?.with_legacy("b")?;
        assert_eq!(secrets.decryption_secrets().collect::<Vec<_>>(), ["a", "b"]);
        Ok(())
    }

    #[test]
    fn bad_secret_lists_are_typed_errors() {
        let list = |value: &'static str| {
            Secrets::from_env(move |name| (name == "BETTER_AUTH_SECRETS").then(|| value.to_owned()))
        };
        assert_eq!(list("nocolon"), Err(SecretsError::Malformed { position: 0 }));
        assert_eq!(list("1:a, ,2:b"), Err(SecretsError::Malformed { position: 1 }));
        assert_eq!(list(" "), Err(SecretsError::Malformed { position: 0 }));
        assert_eq!(list("1:a,x:b"), Err(SecretsError::InvalidVersion { position: 1 }));
        assert_eq!(list("-1:a"), Err(SecretsError::InvalidVersion { position: 0 }));
        assert_eq!(list("1a:a"), Err(SecretsError::InvalidVersion { position: 0 }));
        assert_eq!(list(":a"), Err(SecretsError::InvalidVersion { position: 0 }));
        assert_eq!(list("99999999999:a"), Err(SecretsError::InvalidVersion { position: 0 }));
        assert_eq!(list("1:a,2:  "), Err(SecretsError::Blank { position: 1 }));
        assert_eq!(list("1:a,01:b"), Err(SecretsError::DuplicateVersion { version: 1 }));
        assert!(list("0:a").is_ok(), "version 0 is a non-negative integer");
        assert_eq!(Secrets::versioned(Vec::new()), Err(SecretsError::Missing));
        assert_eq!(
            Secrets::versioned([(1, "a".to_owned()), (2, "\t".to_owned())]),
            Err(SecretsError::Blank { position: 1 })
        );
        for blank in ["", " ", "\n\t"] {
            assert_eq!(Secrets::new(blank), Err(SecretsError::Blank { position: 0 }));
            let single = move |name: &str| (name == "BETTER_AUTH_SECRET").then(|| blank.to_owned());
            if blank.is_empty() {
                assert!(Secrets::from_env(single).is_ok_and(|s| s.is_default()), "empty is unset");
            } else {
                assert_eq!(Secrets::from_env(single), Err(SecretsError::Blank { position: 0 }));
            }
        }
        assert_eq!(Secrets::new("a").and_then(|s| s.with_legacy(" ")), Err(SecretsError::BlankLegacy));
        // Messages never hold a secret.
        let message = SecretsError::DuplicateVersion { version: 7 }.to_string();
        assert!(message.contains('7'), "{message}");
    }

    #[test]
    fn debug_never_shows_a_secret() -> Result<(), SecretsError> {
        let secrets = Secrets::versioned([(2, "s3cr3t-current".to_owned()), (1, "s3cr3t-old".to_owned())])?
            .with_legacy("s3cr3t-legacy")?;
        let shown = format!("{secrets:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("current_version: Some(2)") && shown.contains("older_versions: [1]"), "{shown}");
        Ok(())
    }
}
