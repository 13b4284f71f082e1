//! Model-based property test: random sequences of adapter calls run against the adapter and against an in-memory
//! model of the Auth.js contract; after every step the results agree, and so does everything stored (read from the
//! tables directly, not through the adapter).
//!
//! Keys are drawn from small sets so that sequences collide: duplicate e-mails, accounts, session tokens and
//! verification tokens, calls on deleted users, cascades. Bounded (`CASES` sequences of up to `STEPS` calls per
//! backend) so it runs in CI on every backend.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use authjs_sea_orm::{
    AccountType, Adapter, AdapterAccount, AdapterSession, Error, NewUser, Record, SessionUpdate, UserUpdate,
    VerificationToken,
};
use authjs_sea_orm_tests::{Backend, TestDb};
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

const CASES: u32 = 10;
const STEPS: usize = 30;
const USERS: u8 = 3;
const TOKENS: u8 = 3;

#[derive(Clone, Debug)]
enum Op {
    CreateUser(u8),
    DeleteUser(u8),
    GetUserByEmail(u8),
    RenameUser(u8, u8),
    LinkAccount(u8, u8),
    UnlinkAccount(u8),
    GetUserByAccount(u8),
    CreateSession(u8, u8),
    GetSessionAndUser(u8),
    ExtendSession(u8, u8),
    DeleteSession(u8),
    DeleteSessionsOfUser(u8),
    CreateVerificationToken(u8, u8),
    UseVerificationToken(u8, u8),
}

fn op() -> impl Strategy<Value = Op> {
    let (u, t) = (0..USERS, 0..TOKENS);
    prop_oneof![
        u.clone().prop_map(Op::CreateUser),
        u.clone().prop_map(Op::DeleteUser),
        u.clone().prop_map(Op::GetUserByEmail),
        (u.clone(), 0..3u8).prop_map(|(u, n)| Op::RenameUser(u, n)),
        (u.clone(), t.clone()).prop_map(|(u, a)| Op::LinkAccount(u, a)),
        t.clone().prop_map(Op::UnlinkAccount),
        t.clone().prop_map(Op::GetUserByAccount),
        (u.clone(), t.clone()).prop_map(|(u, t)| Op::CreateSession(u, t)),
        t.clone().prop_map(Op::GetSessionAndUser),
        (t.clone(), 1..60u8).prop_map(|(t, d)| Op::ExtendSession(t, d)),
        t.clone().prop_map(Op::DeleteSession),
        u.clone().prop_map(Op::DeleteSessionsOfUser),
        (u.clone(), t.clone()).prop_map(|(i, t)| Op::CreateVerificationToken(i, t)),
        (u, t).prop_map(|(i, t)| Op::UseVerificationToken(i, t)),
    ]
}

fn email(u: u8) -> String {
    format!("user{u}@example.com")
}

fn token(t: u8) -> String {
    format!("token-{t}")
}

fn day(d: u8) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap() + Duration::days(i64::from(d)) + Duration::milliseconds(123)
}

/// The contract, in memory: users by e-mail index (with their adapter id once created).
#[derive(Default)]
struct Model {
    users: BTreeMap<u8, (String, Option<String>)>,
    accounts: BTreeMap<u8, u8>,
    sessions: BTreeMap<u8, (u8, DateTime<Utc>)>,
    verification_tokens: BTreeSet<(u8, u8)>,
}

impl Model {
    fn id(&self, u: u8) -> Option<&str> {
        self.users.get(&u).map(|(id, _)| id.as_str())
    }

    fn delete_user(&mut self, u: u8) {
        self.users.remove(&u);
        self.accounts.retain(|_, owner| *owner != u);
        self.sessions.retain(|_, (owner, _)| *owner != u);
    }
}

fn kind<T>(result: &Result<T, Error>) -> Result<(), String> {
    match result {
        Ok(_) => Ok(()),
        Err(Error::Conflict(r)) => Err(format!("conflict {r}")),
        Err(Error::NotFound(r)) => Err(format!("not found {r}")),
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

fn conflict(record: Record) -> Result<(), String> {
    Err(format!("conflict {record}"))
}

fn not_found(record: Record) -> Result<(), String> {
    Err(format!("not found {record}"))
}

/// Runs `ops` on a fresh database of `backend` and on the model, comparing after every step.
async fn run(backend: Backend, ops: Vec<Op>) {
    let Some(t) = TestDb::new(backend).await else { return };
    let a = &t.adapter;
    let mut m = Model::default();
    let missing_user = "00000000-0000-4000-8000-000000000000".to_owned();
    for (step, op) in ops.into_iter().enumerate() {
        let context = format!("step {step}: {op:?} on {backend}");
        match op {
            Op::CreateUser(u) => {
                let result = a.create_user(NewUser { email: Some(email(u)), ..NewUser::default() }).await;
                match m.users.entry(u) {
                    std::collections::btree_map::Entry::Occupied(_) => {
                        assert_eq!(kind(&result), conflict(Record::User), "{context}");
                    }
                    std::collections::btree_map::Entry::Vacant(slot) => {
                        slot.insert((result.unwrap().id, None));
                    }
                }
            }
            Op::DeleteUser(u) => {
                let id = m.id(u).unwrap_or(&missing_user).to_owned();
                let deleted = a.delete_user(&id).await.unwrap();
                assert_eq!(deleted.map(|u| u.id), m.id(u).map(str::to_owned), "{context}");
                m.delete_user(u);
            }
            Op::GetUserByEmail(u) => {
                let found = a.get_user_by_email(&email(u)).await.unwrap();
                assert_eq!(found.map(|u| (u.id, u.name)), m.users.get(&u).cloned(), "{context}");
            }
            Op::RenameUser(u, n) => {
                let id = m.id(u).unwrap_or(&missing_user).to_owned();
                let name = format!("name {n}");
                let result = a.update_user(UserUpdate { name: Some(Some(name.clone())), ..UserUpdate::new(id) }).await;
                match m.users.get_mut(&u) {
                    Some(user) => {
                        assert_eq!(result.unwrap().name.as_deref(), Some(name.as_str()), "{context}");
                        user.1 = Some(name);
                    }
                    None => assert_eq!(kind(&result), not_found(Record::User), "{context}"),
                }
            }
            Op::LinkAccount(u, acc) => {
                let id = m.id(u).unwrap_or(&missing_user).to_owned();
                let result =
                    a.link_account(AdapterAccount::new(id, AccountType::Oauth, "github", acc.to_string())).await;
                let (no_user, taken) = (!m.users.contains_key(&u), m.accounts.contains_key(&acc));
                if no_user || taken {
                    // With both wrong, which constraint the database checks first is its own choice.
                    let allowed = [(no_user, not_found(Record::User)), (taken, conflict(Record::Account))];
                    assert!(allowed.iter().any(|(possible, e)| *possible && *e == kind(&result)), "{context}");
                } else {
                    result.unwrap();
                    m.accounts.insert(acc, u);
                }
            }
            Op::UnlinkAccount(acc) => {
                let removed = a.unlink_account("github", &acc.to_string()).await.unwrap();
                let expected = m.accounts.remove(&acc).and_then(|u| m.id(u).map(str::to_owned));
                assert_eq!(removed.map(|a| a.user_id), expected, "{context}");
            }
            Op::GetUserByAccount(acc) => {
                let found = a.get_user_by_account("github", &acc.to_string()).await.unwrap();
                let expected = m.accounts.get(&acc).and_then(|u| m.id(*u).map(str::to_owned));
                assert_eq!(found.map(|u| u.id), expected, "{context}");
            }
            Op::CreateSession(u, tk) => {
                let id = m.id(u).unwrap_or(&missing_user).to_owned();
                let session = AdapterSession { session_token: token(tk), user_id: id, expires: day(0) };
                let result = a.create_session(session.clone()).await;
                let (no_user, taken) = (!m.users.contains_key(&u), m.sessions.contains_key(&tk));
                if no_user || taken {
                    let allowed = [(no_user, not_found(Record::User)), (taken, conflict(Record::Session))];
                    assert!(allowed.iter().any(|(possible, e)| *possible && *e == kind(&result)), "{context}");
                } else {
                    assert_eq!(result.unwrap(), session, "{context}");
                    m.sessions.insert(tk, (u, day(0)));
                }
            }
            Op::GetSessionAndUser(tk) => {
                let found = a.get_session_and_user(&token(tk)).await.unwrap();
                let expected = m.sessions.get(&tk).map(|(u, expires)| (m.id(*u).unwrap().to_owned(), *expires));
                assert_eq!(found.map(|(s, u)| (u.id, s.expires)), expected, "{context}");
            }
            Op::ExtendSession(tk, d) => {
                let updated = a.update_session(SessionUpdate::expires(token(tk), day(d))).await.unwrap();
                if let Some(session) = m.sessions.get_mut(&tk) {
                    session.1 = day(d);
                }
                assert_eq!(updated.map(|s| s.expires), m.sessions.get(&tk).map(|s| s.1), "{context}");
            }
            Op::DeleteSession(tk) => {
                let deleted = a.delete_session(&token(tk)).await.unwrap();
                assert_eq!(deleted.map(|s| s.expires), m.sessions.remove(&tk).map(|s| s.1), "{context}");
            }
            Op::DeleteSessionsOfUser(u) => {
                let id = m.id(u).unwrap_or(&missing_user).to_owned();
                let count = a.delete_sessions_by_user_id(&id).await.unwrap();
                let before = m.sessions.len();
                m.sessions.retain(|_, (owner, _)| *owner != u);
                assert_eq!(count, (before - m.sessions.len()) as u64, "{context}");
            }
            Op::CreateVerificationToken(i, tk) => {
                let vt = VerificationToken { identifier: email(i), token: token(tk), expires: day(1) };
                let result = a.create_verification_token(vt.clone()).await;
                if m.verification_tokens.insert((i, tk)) {
                    assert_eq!(result.unwrap(), vt, "{context}");
                } else {
                    assert_eq!(kind(&result), conflict(Record::VerificationToken), "{context}");
                }
            }
            Op::UseVerificationToken(i, tk) => {
                let used = a.use_verification_token(&email(i), &token(tk)).await.unwrap();
                assert_eq!(used.is_some(), m.verification_tokens.remove(&(i, tk)), "{context}");
            }
        }
        // The stored state agrees with the model, read from the tables without the adapter.
        let stored = t.snapshot().await;
        let users: BTreeSet<_> = stored.users.iter().map(|u| (u.id.clone(), u.email.clone(), u.name.clone())).collect();
        let expected: BTreeSet<_> =
            m.users.iter().map(|(u, (id, name))| (id.clone(), Some(email(*u)), name.clone())).collect();
        assert_eq!(users, expected, "users after {context}");
        let owner = |u: &u8| m.id(*u).expect("the model's sessions and accounts belong to its users").to_owned();
        let accounts: BTreeSet<_> =
            stored.accounts.iter().map(|a| (a.provider_account_id.clone(), a.user_id.clone())).collect();
        let expected: BTreeSet<_> = m.accounts.iter().map(|(acc, u)| (acc.to_string(), owner(u))).collect();
        assert_eq!(accounts, expected, "accounts after {context}");
        let sessions: BTreeSet<_> =
            stored.sessions.iter().map(|s| (s.session_token.clone(), s.user_id.clone(), s.expires)).collect();
        let expected: BTreeSet<_> =
            m.sessions.iter().map(|(tk, (u, expires))| (token(*tk), owner(u), *expires)).collect();
        assert_eq!(sessions, expected, "sessions after {context}");
        let tokens: BTreeSet<_> =
            stored.verification_tokens.iter().map(|v| (v.identifier.clone(), v.token.clone())).collect();
        let expected: BTreeSet<_> = m.verification_tokens.iter().map(|(i, tk)| (email(*i), token(*tk))).collect();
        assert_eq!(tokens, expected, "verification tokens after {context}");
    }
}

fn check(backend: Backend) {
    let config = ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    proptest!(config, |(ops in proptest::collection::vec(op(), 1..STEPS))| {
        runtime.block_on(run(backend, ops));
    });
}

#[test]
fn sqlite_memory() {
    check(Backend::SqliteMemory);
}

#[test]
fn postgres() {
    check(Backend::Postgres);
}

#[test]
fn mysql() {
    check(Backend::MySql);
}
