//! The workload's phases, run against any [`Workload`] implementation, with every result checked.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::plan::{AccountSpec, Lookup, Plan, SessionSpec, UserSpec, VerificationTokenSpec};

pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub(crate) type Result<T, E = BoxError> = std::result::Result<T, E>;

/// What a session lookup returns, reduced to what the checks compare.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FoundSession {
    pub(crate) token: String,
    pub(crate) user_id: String,
    pub(crate) expires: i64,
}

/// One implementation of the adapter calls the workload makes. Each method does the whole call (the statements,
/// decoding every column into owned values) and returns the fields the checks need.
#[async_trait]
pub(crate) trait Workload: Send + Sync + 'static {
    /// Returns the stored `(id, email)`.
    async fn create_user(&self, user: &UserSpec) -> Result<(String, String)>;
    /// Returns the stored `(userId, providerAccountId)`.
    async fn link_account(&self, account: &AccountSpec, user_id: &str) -> Result<(String, String)>;
    /// Returns the stored token.
    async fn create_session(&self, session: &SessionSpec, user_id: &str) -> Result<String>;
    async fn get_session_and_user(&self, token: &str) -> Result<Option<FoundSession>>;
    /// Returns the user's id.
    async fn get_user_by_email(&self, email: &str) -> Result<Option<String>>;
    /// Returns the user's id.
    async fn get_user_by_account(&self, provider: &str, provider_account_id: &str) -> Result<Option<String>>;
    /// Returns the new `expires`.
    async fn update_session(&self, token: &str, expires: i64) -> Result<Option<i64>>;
    /// Returns the stored token.
    async fn create_verification_token(&self, token: &VerificationTokenSpec) -> Result<String>;
    /// Returns the used token.
    async fn use_verification_token(&self, identifier: &str, token: &str) -> Result<Option<String>>;
    /// Returns the deleted user's id.
    async fn delete_user(&self, id: &str) -> Result<Option<String>>;
}

/// The phases, in run order. Those named `... x16` run with `Plan::callers` concurrent callers. The repeat-visit
/// phases follow `update_session`, whose sessions they look up (see `plan::repeat_visits`).
pub(crate) const PHASES: [&str; 13] = [
    "create_user",
    "link_account",
    "create_session",
    "get_session_and_user",
    "get_user_by_email",
    "get_user_by_account",
    "update_session",
    "get_session_and_user (repeat visits)",
    "get_session_and_user (repeat visits) x16",
    "create_verification_token",
    "use_verification_token",
    "delete_user",
    "get_session_and_user x16",
];

/// The phases that only read (the others write).
pub(crate) fn is_read(phase: &str) -> bool {
    phase.starts_with("get_")
}

/// One measured phase: wall time of the whole phase and the latency of every call.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct PhaseResult {
    pub(crate) name: String,
    pub(crate) ops: usize,
    pub(crate) wall_s: f64,
    /// Latency of each call in microseconds.
    pub(crate) lat_us: Vec<f64>,
    /// CPU time the client process spent in the phase (all threads), in microseconds: less sensitive to other load
    /// on the machine than wall time. For SQLite it includes the database engine (in process).
    #[serde(default)]
    pub(crate) cpu_us: f64,
}

/// CPU time of this process so far, in microseconds: the sum of its threads' run time (`/proc/self/task/*/schedstat`).
pub(crate) fn cpu_now_us() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return 0.0 };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .sum::<f64>()
        / 1000.0
}

impl PhaseResult {
    pub(crate) fn ops_per_s(&self) -> f64 {
        self.ops as f64 / self.wall_s
    }

    pub(crate) fn cpu_us_per_op(&self) -> f64 {
        self.cpu_us / self.ops as f64
    }

    /// The `q` quantile of the latencies (nearest rank), in microseconds.
    pub(crate) fn quantile(&self, q: f64) -> f64 {
        let mut sorted = self.lat_us.clone();
        sorted.sort_by(f64::total_cmp);
        nearest_rank(&sorted, q)
    }
}

/// The `q` quantile of `sorted` (nearest rank); NaN when it is empty.
pub(crate) fn nearest_rank(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn check<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Result<()> {
    if got == want { Ok(()) } else { Err(format!("{what}: got {got:?}, expected {want:?}").into()) }
}

/// Times `calls` run one after the other.
async fn serial<'a, T, F, Fut>(name: &str, items: &'a [T], mut call: F) -> Result<PhaseResult>
where
    F: FnMut(&'a T) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let mut lat_us = Vec::with_capacity(items.len());
    let (start, cpu) = (Instant::now(), cpu_now_us());
    for item in items {
        let t = Instant::now();
        call(item).await.map_err(|e| format!("{name}: {e}"))?;
        lat_us.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let wall_s = start.elapsed().as_secs_f64();
    Ok(PhaseResult { name: name.to_owned(), ops: items.len(), wall_s, lat_us, cpu_us: cpu_now_us() - cpu })
}

async fn check_session<W: Workload + ?Sized>(w: &W, ids: &[String], l: &Lookup) -> Result<()> {
    check_found(w.get_session_and_user(&l.key).await?, ids, l)
}

/// The whole check of a session lookup: found or not, token, user and `expires` (the lookups of the phases before
/// `update_session` expect the created `expires`, the repeat visits that of the last update).
fn check_found(found: Option<FoundSession>, ids: &[String], l: &Lookup) -> Result<()> {
    match (found, l.user) {
        (None, None) => Ok(()),
        (Some(s), Some(u)) => {
            check("session token", s.token.as_str(), l.key.as_str())?;
            check("session user", s.user_id.as_str(), ids[u].as_str())?;
            check("session expires", Some(s.expires), l.expires)
        }
        (found, want) => Err(format!("session found: {}, expected: {}", found.is_some(), want.is_some()).into()),
    }
}

/// The check of the last phase's lookups: the user found, or none (their `expires` may have been updated since the
/// plan drew them, and their users deleted).
fn check_found_user(found: Option<FoundSession>, ids: &[String], l: &Lookup) -> Result<()> {
    check("concurrent lookup found", found.map(|s| s.user_id), l.user.map(|u| ids[u].clone()))
}

/// Runs a workload phase by phase, so the orchestrator can interleave implementations (each phase of each
/// implementation runs within seconds of the others', under the same load on this shared machine).
#[async_trait]
pub(crate) trait PhaseRunner: Send {
    /// Connections opened, statements prepared, caches filled; leaves the tables empty.
    async fn warm_up(&mut self) -> Result<()>;
    /// Runs phase `PHASES[i]`, checking each result.
    async fn phase(&mut self, i: usize) -> Result<PhaseResult>;
    /// Closes the connections.
    async fn close(self: Box<Self>) -> Result<()>;
}

/// [`PhaseRunner`] of a Rust [`Workload`].
pub(crate) struct Runner<W> {
    w: Arc<W>,
    plan: Arc<Plan>,
    ids: Arc<Vec<String>>,
    close: Option<CloseFn>,
}

type CloseFn = Box<dyn FnOnce() -> std::pin::Pin<Box<dyn Future<Output = Result<()>> + Send>> + Send + Sync>;

impl<W: Workload> Runner<W> {
    /// `close` runs when the runner is closed (closing the pool).
    pub(crate) fn new<F, Fut>(w: W, plan: Arc<Plan>, close: F) -> Self
    where
        F: FnOnce() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<()>> + Send + 'static,
    {
        let close: CloseFn = Box::new(move || Box::pin(close()));
        Runner { w: Arc::new(w), plan, ids: Arc::new(Vec::new()), close: Some(close) }
    }
}

#[async_trait]
impl<W: Workload> PhaseRunner for Runner<W> {
    async fn warm_up(&mut self) -> Result<()> {
        let w = &*self.w;
        for i in 0..self.plan.warmup {
            check("warm-up session", w.get_session_and_user(&format!("warmup-{i}")).await?, None)?;
            check("warm-up email", w.get_user_by_email(&format!("warmup-{i}@example.com")).await?, None)?;
            check("warm-up account", w.get_user_by_account("warmup", &i.to_string()).await?, None)?;
            let vt = VerificationTokenSpec {
                identifier: format!("warmup-{i}@example.com"),
                token: format!("warmup-{i}"),
                expires: crate::plan::BASE_MS,
            };
            w.create_verification_token(&vt).await?;
            check("warm-up token", w.use_verification_token(&vt.identifier, &vt.token).await?, Some(vt.token))?;
        }
        Ok(())
    }

    async fn close(mut self: Box<Self>) -> Result<()> {
        match self.close.take() {
            Some(f) => f().await,
            None => Ok(()),
        }
    }

    async fn phase(&mut self, i: usize) -> Result<PhaseResult> {
        let (w, p) = (&*self.w, &*self.plan);
        if i == 0 {
            let mut ids = Vec::with_capacity(p.n);
            let mut lat_us = Vec::with_capacity(p.n);
            let (start, cpu) = (Instant::now(), cpu_now_us());
            for u in &p.users {
                let t = Instant::now();
                let (id, email) = w.create_user(u).await.map_err(|e| format!("create_user: {e}"))?;
                lat_us.push(t.elapsed().as_secs_f64() * 1e6);
                check("created user email", email.as_str(), u.email.as_str())?;
                check("created user id", id.as_str(), u.id.as_str())?;
                ids.push(id);
            }
            let wall_s = start.elapsed().as_secs_f64();
            self.ids = Arc::new(ids);
            return Ok(PhaseResult { name: PHASES[0].into(), ops: p.n, wall_s, lat_us, cpu_us: cpu_now_us() - cpu });
        }
        let idr = &*self.ids;
        match i {
            1 => {
                serial(PHASES[1], &p.accounts, |a| async move {
                    let (user_id, pid) = w.link_account(a, &idr[a.user]).await?;
                    check("account user", user_id.as_str(), idr[a.user].as_str())?;
                    check("account id", pid.as_str(), a.provider_account_id.as_str())
                })
                .await
            }
            2 => {
                serial(PHASES[2], &p.sessions, |s| async move {
                    check("session token", w.create_session(s, &idr[s.user]).await?.as_str(), s.token.as_str())
                })
                .await
            }
            3 => serial(PHASES[3], &p.session_lookups, |l| async move { check_session(w, idr, l).await }).await,
            4 => {
                serial(PHASES[4], &p.email_lookups, |l| async move {
                    check("user by email", w.get_user_by_email(&l.key).await?, l.user.map(|u| idr[u].clone()))
                })
                .await
            }
            5 => {
                serial(PHASES[5], &p.account_lookups, |l| async move {
                    let found = w.get_user_by_account(&l.provider, &l.provider_account_id).await?;
                    check("user by account", found, Some(idr[l.user].clone()))
                })
                .await
            }
            6 => {
                serial(PHASES[6], &p.session_updates, |u| async move {
                    check("updated expires", w.update_session(&u.token, u.expires).await?, Some(u.expires))
                })
                .await
            }
            7 => serial(PHASES[7], &p.repeat_lookups, |l| async move { check_session(w, idr, l).await }).await,
            8 => self.concurrent(8, |p| &p.concurrent_repeat_lookups, check_found).await,
            9 => {
                serial(PHASES[9], &p.verification_tokens, |v| async move {
                    check("created token", w.create_verification_token(v).await?, v.token.clone())
                })
                .await
            }
            10 => {
                serial(PHASES[10], &p.token_uses, |&i| async move {
                    let v = &p.verification_tokens[i];
                    check("used token", w.use_verification_token(&v.identifier, &v.token).await?, Some(v.token.clone()))
                })
                .await
            }
            11 => {
                serial(PHASES[11], &p.deleted_users, |&u| async move {
                    check("deleted user", w.delete_user(&idr[u]).await?, Some(idr[u].clone()))
                })
                .await
            }
            12 => self.concurrent(12, |p| &p.concurrent_lookups, check_found_user).await,
            _ => Err(format!("no phase {i}").into()),
        }
    }
}

/// The check of each result of a concurrent phase.
type CheckFn = fn(Option<FoundSession>, &[String], &Lookup) -> Result<()>;

impl<W: Workload> Runner<W> {
    /// Phase `PHASES[phase]`: `Plan::callers` concurrent callers share one index into `lookups(plan)`; each call's
    /// latency is that of the lookup alone, its result checked by `check`.
    async fn concurrent(&self, phase: usize, lookups: fn(&Plan) -> &[Lookup], check: CheckFn) -> Result<PhaseResult> {
        let next = Arc::new(AtomicUsize::new(0));
        let (start, cpu) = (Instant::now(), cpu_now_us());
        let mut tasks = Vec::with_capacity(self.plan.callers);
        for _ in 0..self.plan.callers {
            let (w, plan, ids, next) = (self.w.clone(), self.plan.clone(), self.ids.clone(), next.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat_us = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(l) = lookups(&plan).get(i) else { break };
                    let t = Instant::now();
                    let found = w.get_session_and_user(&l.key).await?;
                    lat_us.push(t.elapsed().as_secs_f64() * 1e6);
                    check(found, &ids, l)?;
                }
                Ok::<_, BoxError>(lat_us)
            }));
        }
        let ops = lookups(&self.plan).len();
        let mut lat_us = Vec::with_capacity(ops);
        for task in tasks {
            lat_us.extend(
                task.await
                    .map_err(|e| format!("concurrent caller: {e}"))?
                    .map_err(|e| format!("{}: {e}", PHASES[phase]))?,
            );
        }
        Ok(PhaseResult {
            name: PHASES[phase].into(),
            ops,
            wall_s: start.elapsed().as_secs_f64(),
            lat_us,
            cpu_us: cpu_now_us() - cpu,
        })
    }
}

/// One result per phase from several rounds: ops/s is the median of the rounds' (as `wall_s` of the summed ops),
/// latencies are every call of every round.
pub(crate) fn merge_rounds(rounds: &[PhaseResult]) -> Vec<PhaseResult> {
    PHASES
        .iter()
        .filter_map(|&phase| {
            let runs: Vec<&PhaseResult> = rounds.iter().filter(|p| p.name == phase).collect();
            if runs.is_empty() {
                return None;
            }
            let mut rates: Vec<f64> = runs.iter().map(|p| p.ops_per_s()).collect();
            rates.sort_by(f64::total_cmp);
            let median = if rates.len() % 2 == 1 {
                rates[rates.len() / 2]
            } else {
                (rates[rates.len() / 2 - 1] + rates[rates.len() / 2]) / 2.0
            };
            let ops: usize = runs.iter().map(|p| p.ops).sum();
            let cpu_us: f64 = runs.iter().map(|p| p.cpu_us).sum();
            Some(PhaseResult {
                name: phase.to_owned(),
                ops,
                wall_s: ops as f64 / median,
                lat_us: runs.iter().flat_map(|p| p.lat_us.iter().copied()).collect(),
                cpu_us,
            })
        })
        .collect()
}
