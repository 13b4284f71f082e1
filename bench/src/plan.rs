//! The seeded workload: every key, value and lookup of a run, generated once and shared by the three
//! implementations (the Node side reads it as JSON), so each one does exactly the same work.

use serde::Serialize;

/// splitmix64: a small, fast, seedable generator (no dependency, easy to reproduce elsewhere).
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; the modulo bias is irrelevant here).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A random UUID-shaped string (what Auth.js uses for ids and session tokens).
    pub(crate) fn uuid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }
}

/// 2036-01-01T00:00:00.123Z, in epoch milliseconds: dates carry milliseconds, as real ones do. In the future, so the
/// workload's sessions are live ones (a session cache never answers an expired session from memory), and before
/// 2038 (MySQL `TIMESTAMP`).
pub(crate) const BASE_MS: i64 = 2_082_758_400_123;
const DAY_MS: i64 = 86_400_000;

#[derive(Clone, Debug, Serialize)]
pub(crate) struct UserSpec {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) email: String,
    pub(crate) image: String,
    pub(crate) email_verified: i64,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct AccountSpec {
    pub(crate) user: usize,
    pub(crate) provider: String,
    pub(crate) provider_account_id: String,
    pub(crate) access_token: String,
    pub(crate) refresh_token: String,
    pub(crate) expires_at: i64,
    pub(crate) token_type: String,
    pub(crate) scope: String,
    pub(crate) id_token: String,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct SessionSpec {
    pub(crate) token: String,
    pub(crate) user: usize,
    pub(crate) expires: i64,
}

/// A lookup by key and the user it must find (`None`: must find nothing).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Lookup {
    pub(crate) key: String,
    pub(crate) user: Option<usize>,
    /// The session's `expires` as created (session lookups only).
    pub(crate) expires: Option<i64>,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct AccountLookup {
    pub(crate) provider: String,
    pub(crate) provider_account_id: String,
    pub(crate) user: usize,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct SessionUpdateSpec {
    pub(crate) token: String,
    pub(crate) expires: i64,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct VerificationTokenSpec {
    pub(crate) identifier: String,
    pub(crate) token: String,
    pub(crate) expires: i64,
}

/// The whole workload, in phase order.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Plan {
    pub(crate) n: usize,
    pub(crate) seed: u64,
    pub(crate) callers: usize,
    /// Warm-up rounds before the measured phases (reads that find nothing, and create+use of a verification token).
    pub(crate) warmup: usize,
    pub(crate) users: Vec<UserSpec>,
    pub(crate) accounts: Vec<AccountSpec>,
    pub(crate) sessions: Vec<SessionSpec>,
    pub(crate) session_lookups: Vec<Lookup>,
    pub(crate) email_lookups: Vec<Lookup>,
    pub(crate) account_lookups: Vec<AccountLookup>,
    pub(crate) session_updates: Vec<SessionUpdateSpec>,
    /// Repeat visits, serial: [`REPEAT_VISITS`] lookups of each of a few sessions, shuffled (see [`Plan::new`]).
    pub(crate) repeat_lookups: Vec<Lookup>,
    /// Repeat visits by `callers` concurrent callers, on other sessions than `repeat_lookups`.
    pub(crate) concurrent_repeat_lookups: Vec<Lookup>,
    pub(crate) verification_tokens: Vec<VerificationTokenSpec>,
    /// Indexes into `verification_tokens`, in the order they are used.
    pub(crate) token_uses: Vec<usize>,
    pub(crate) deleted_users: Vec<usize>,
    pub(crate) concurrent_lookups: Vec<Lookup>,
}

/// Share of session lookups that use a token no session has.
pub(crate) const MISS_RATE_PERCENT: usize = 10;

/// Lookups of each session in the repeat-visit phases (a signed-in user's requests).
pub(crate) const REPEAT_VISITS: usize = 20;

impl Plan {
    pub(crate) fn new(n: usize, seed: u64, callers: usize, warmup: usize) -> Self {
        let mut rng = Rng::new(seed);
        let users: Vec<UserSpec> = (0..n)
            .map(|i| {
                let id = rng.uuid();
                UserSpec {
                    name: format!("Bench User {i}"),
                    email: format!("user{i}.{}@example.com", &id[..8]),
                    image: format!("https://avatars.example.com/u/{i}?v=4"),
                    email_verified: BASE_MS + i as i64 * 1000,
                    id,
                }
            })
            .collect();
        let accounts: Vec<AccountSpec> = (0..n)
            .map(|i| AccountSpec {
                user: i,
                provider: "github".to_owned(),
                provider_account_id: format!("{}", 10_000_000 + rng.below(90_000_000)) + &format!("-{i}"),
                access_token: format!("gho_{}", rng.uuid().replace('-', "")),
                refresh_token: format!("ghr_{}", rng.uuid().replace('-', "")),
                expires_at: BASE_MS / 1000 + 28_800,
                token_type: "bearer".to_owned(),
                scope: "read:user,user:email".to_owned(),
                id_token: format!("eyJhbGciOiJSUzI1NiJ9.{}.{}", rng.uuid(), rng.uuid()),
            })
            .collect();
        let sessions: Vec<SessionSpec> = (0..n)
            .map(|i| SessionSpec { token: rng.uuid(), user: i, expires: BASE_MS + 30 * DAY_MS + i as i64 })
            .collect();
        let lookup = |rng: &mut Rng, deleted: &[bool]| {
            if rng.below(100) < MISS_RATE_PERCENT {
                Lookup { key: rng.uuid(), user: None, expires: None }
            } else {
                let s = &sessions[rng.below(n)];
                let user = (!deleted[s.user]).then_some(s.user);
                Lookup { key: s.token.clone(), user, expires: user.map(|_| s.expires) }
            }
        };
        let none_deleted = vec![false; n];
        let session_lookups = (0..4 * n).map(|_| lookup(&mut rng, &none_deleted)).collect();
        let email_lookups = (0..n)
            .map(|_| {
                let u = rng.below(n);
                Lookup { key: users[u].email.clone(), user: Some(u), expires: None }
            })
            .collect();
        let account_lookups = (0..n)
            .map(|_| {
                let a = &accounts[rng.below(n)];
                AccountLookup {
                    provider: a.provider.clone(),
                    provider_account_id: a.provider_account_id.clone(),
                    user: a.user,
                }
            })
            .collect();
        let session_updates: Vec<SessionUpdateSpec> = (0..n)
            .map(|_| {
                let s = &sessions[rng.below(n)];
                SessionUpdateSpec {
                    token: s.token.clone(),
                    expires: BASE_MS + 60 * DAY_MS + rng.below(1_000_000) as i64,
                }
            })
            .collect();
        let verification_tokens: Vec<VerificationTokenSpec> = (0..n)
            .map(|i| VerificationTokenSpec {
                identifier: format!("signin{i}@example.com"),
                token: format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64()),
                expires: BASE_MS + DAY_MS + i as i64,
            })
            .collect();
        let mut token_uses: Vec<usize> = (0..n).collect();
        shuffle(&mut rng, &mut token_uses);
        let mut deleted_users: Vec<usize> = (0..n).collect();
        shuffle(&mut rng, &mut deleted_users);
        deleted_users.truncate(n / 10);
        let mut deleted = vec![false; n];
        for &u in &deleted_users {
            deleted[u] = true;
        }
        let concurrent_lookups = (0..4 * n).map(|_| lookup(&mut rng, &deleted)).collect();
        let (repeat_lookups, concurrent_repeat_lookups) = repeat_visits(&mut rng, &sessions, &session_updates);
        Plan {
            n,
            seed,
            callers,
            warmup,
            users,
            accounts,
            sessions,
            session_lookups,
            email_lookups,
            account_lookups,
            session_updates,
            repeat_lookups,
            concurrent_repeat_lookups,
            verification_tokens,
            token_uses,
            deleted_users,
            concurrent_lookups,
        }
    }
}

/// The repeat-visit phases' lookups (drawn after every other part of the plan, so those are the same as before the
/// phases existed): two disjoint sets of N/20 sessions, each session looked up [`REPEAT_VISITS`] times in a shuffled
/// order. The phases run right after `update_session` and the sessions are among those it rewrote: a session cache
/// drops a session its process updates, so none of them is cached when the phases start (each is cached only by
/// its own first visit), and no write touches them in between. Each lookup expects the `expires` of the session's
/// last update.
fn repeat_visits(rng: &mut Rng, sessions: &[SessionSpec], updates: &[SessionUpdateSpec]) -> (Vec<Lookup>, Vec<Lookup>) {
    let index: std::collections::HashMap<&str, usize> =
        sessions.iter().enumerate().map(|(i, s)| (s.token.as_str(), i)).collect();
    // Session index -> `expires` of its last update, in session order (deterministic).
    let mut updated = std::collections::BTreeMap::new();
    for u in updates {
        updated.insert(index[u.token.as_str()], u.expires);
    }
    let mut candidates: Vec<(usize, i64)> = updated.into_iter().collect();
    shuffle(rng, &mut candidates);
    let k = (sessions.len() / 20).max(1).min(candidates.len() / 2);
    let mut visits = |chosen: &[(usize, i64)]| {
        let mut lookups: Vec<Lookup> = chosen
            .iter()
            .flat_map(|&(i, expires)| {
                let s = &sessions[i];
                let l = Lookup { key: s.token.clone(), user: Some(s.user), expires: Some(expires) };
                std::iter::repeat_n(l, REPEAT_VISITS)
            })
            .collect();
        shuffle(rng, &mut lookups);
        lookups
    };
    (visits(&candidates[..k]), visits(&candidates[k..2 * k]))
}

pub(crate) fn shuffle<T>(rng: &mut Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}
