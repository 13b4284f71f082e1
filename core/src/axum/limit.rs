//! Limits on magic-link requests: per e-mail address and per client, in fixed windows, in bounded memory.
//!
//! Sending a magic link costs a mail and a verification row, so a sign-in form open to anyone needs a limit: a
//! [`Limiter`] counts each request against its e-mail address and its client (IPv4 address, or IPv6 /64, what one
//! host usually gets), and refuses one when either is at its [`LinkLimit`] for the current window. The Axum example
//! and the Loco integration (`authjs-sea-orm-loco`, `POST /auth/sign-in`) use it as is.
//!
//! Each address and each client gets a window that starts with its first request and lasts [`LinkLimit::window`]; a
//! refused request counts in neither. Windows live in memory (one process: behind a load balancer each instance counts
//! on its own). Memory stays bounded: ended windows are dropped as time passes, and at most [`MAX_KEYS`] are kept;
//! when that many are live, a request from a new address or client evicts the oldest windows (the ones that started
//! first) instead of being refused, so a crowd of clients (many IPv6 prefixes, say) cannot lock everyone out. The
//! price: whoever makes about `MAX_KEYS / 2` requests (each a new address from a new client) within one window can
//! restart the windows they evict, a flood the limit on a single address or client cannot stop anyway.
//!
//! ```
//! use std::time::Instant;
//!
//! use authjs_core::axum::limit::{LinkLimit, Limiter};
//!
//! let limiter = Limiter::new(LinkLimit { per_address: 1, ..LinkLimit::default() });
//! let client = Some("192.0.2.7".parse().unwrap());
//! assert!(limiter.check("ada@example.com", client, Instant::now()).is_ok());
//! // The second link for that address within 15 minutes: refused, with how long to wait (`Retry-After`).
//! let wait = limiter.check("ada@example.com", client, Instant::now()).unwrap_err();
//! assert!(wait.as_secs() <= 15 * 60);
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How many magic links may be requested, per window. Over a limit the request is refused (answered 429 with a
/// `Retry-After`) and no link is stored or sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkLimit {
    /// Requests per e-mail address (after normalization: `Ada@Example.com` and `ada@example.com` are one address).
    /// Default 5. 0 refuses every request.
    pub per_address: u32,
    /// Requests per client IP address (IPv6: per /64), whatever the addresses. Default 20. 0 refuses every request
    /// that has a client address. The client address is what the caller passes to [`Limiter::check`]; behind a
    /// reverse proxy that is the proxy's unless the caller takes it from a header the proxy sets.
    pub per_ip: u32,
    /// The window's length. Default 15 minutes.
    pub window: Duration,
}

impl Default for LinkLimit {
    fn default() -> Self {
        Self { per_address: 5, per_ip: 20, window: Duration::from_secs(15 * 60) }
    }
}

/// The most windows a [`Limiter`] keeps at once (each about 150 bytes, plus the length of its address).
pub const MAX_KEYS: usize = 100_000;

/// What a window counts for.
#[derive(PartialEq, Eq, Hash)]
enum Key {
    Address(String),
    Client(IpAddr),
}

/// A live window.
struct Window {
    start: Instant,
    count: u32,
}

/// The live windows, by key and by age.
#[derive(Default)]
struct Windows {
    by_key: HashMap<Arc<Key>, Window>,
    /// The same windows, oldest first: by start, then by creation (a sequence number).
    by_age: BTreeMap<(Instant, u64), Arc<Key>>,
    next_seq: u64,
}

impl Windows {
    /// Drops the windows that ended at `now` (the oldest ones, since all last `length`).
    fn drop_ended(&mut self, now: Instant, length: Duration) {
        while let Some(entry) = self.by_age.first_entry() {
            if now.saturating_duration_since(entry.key().0) < length {
                break;
            }
            self.by_key.remove(&*entry.remove());
        }
    }

    /// Drops the oldest window whose key is not in `keep`; false when there is none.
    fn evict_oldest(&mut self, keep: &[(Key, u32)]) -> bool {
        let oldest = self.by_age.iter().find(|(_, key)| !keep.iter().any(|(k, _)| k == &***key));
        let Some((&age, _)) = oldest else { return false };
        if let Some(key) = self.by_age.remove(&age) {
            self.by_key.remove(&*key);
        }
        true
    }

    /// Counts one request for `key`, starting its window at `now` if it has none.
    fn count(&mut self, key: Key, now: Instant) {
        if let Some(window) = self.by_key.get_mut(&key) {
            window.count += 1;
            return;
        }
        let (key, seq) = (Arc::new(key), self.next_seq);
        self.next_seq += 1;
        self.by_age.insert((now, seq), Arc::clone(&key));
        self.by_key.insert(key, Window { start: now, count: 1 });
    }
}

/// Counts magic-link requests against a [`LinkLimit`]; share one (in an `Arc`) between the requests of an app.
pub struct Limiter {
    limit: LinkLimit,
    windows: Mutex<Windows>,
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limiter").field("limit", &self.limit).finish_non_exhaustive()
    }
}

/// The part of `ip` that identifies a client: IPv4 addresses (IPv4-mapped IPv6 ones included) whole, IPv6 ones by
/// their /64 prefix.
fn client_block(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6((v6.to_bits() & (u128::MAX << 64)).into()),
        v4 => v4,
    }
}

impl Limiter {
    /// A limiter with no request counted yet.
    pub fn new(limit: LinkLimit) -> Self {
        Self { limit, windows: Mutex::new(Windows::default()) }
    }

    /// The limits it applies.
    pub fn limit(&self) -> LinkLimit {
        self.limit
    }

    /// Counts a request for the normalized `address` from the client `ip` (`None`: unknown, no per-client limit) at
    /// `now` (`Instant::now()`).
    ///
    /// # Errors
    /// Over a limit: how long until the full window ends (at least the `Retry-After`); the request counts nowhere.
    pub fn check(&self, address: &str, ip: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let length = self.limit.window;
        let keys: Vec<(Key, u32)> = std::iter::once((Key::Address(address.to_owned()), self.limit.per_address))
            .chain(ip.map(|ip| (Key::Client(client_block(ip)), self.limit.per_ip)))
            .collect();
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        windows.drop_ended(now, length);

        // Every window left is live.
        for (key, max) in &keys {
            match windows.by_key.get(key) {
                Some(window) if window.count >= *max => {
                    return Err(length.saturating_sub(now.saturating_duration_since(window.start)));
                }
                None if *max == 0 => return Err(length),
                _ => {}
            }
        }
        let new = keys.iter().filter(|(key, _)| !windows.by_key.contains_key(key)).count();
        while windows.by_key.len() + new > MAX_KEYS && windows.evict_oldest(&keys) {}
        for (key, _) in keys {
            windows.count(key, now);
        }
        Ok(())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        let windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        assert_eq!(windows.by_key.len(), windows.by_age.len());
        for (&(start, _), key) in &windows.by_age {
            assert_eq!(windows.by_key[key].start, start);
        }
        windows.by_key.len()
    }

    #[cfg(test)]
    fn has_address(&self, address: &str) -> bool {
        let windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        windows.by_key.contains_key(&Key::Address(address.to_owned()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    fn limiter(per_address: u32, per_ip: u32) -> Limiter {
        Limiter::new(LinkLimit { per_address, per_ip, window: 15 * MINUTE })
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("an IP address"))
    }

    /// The `n`th /64 under 2001:db8::/32, with `host` as its interface part.
    fn ipv6_client(n: u32, host: u64) -> Option<IpAddr> {
        let prefix = (0x2001_0db8_u128 << 96) | (u128::from(n) << 64);
        Some(IpAddr::V6((prefix | u128::from(host)).into()))
    }

    #[test]
    fn defaults() {
        assert_eq!(LinkLimit::default(), LinkLimit { per_address: 5, per_ip: 20, window: 15 * MINUTE });
        assert_eq!(limiter(1, 2).limit().per_ip, 2);
        assert!(format!("{:?}", limiter(1, 2)).starts_with("Limiter { limit: LinkLimit"));
    }

    #[test]
    fn limits_per_address_until_the_window_ends() {
        let limiter = limiter(2, 100);
        let t0 = Instant::now();
        assert_eq!(limiter.check("a@x.com", ip("10.0.0.1"), t0), Ok(()));
        assert_eq!(limiter.check("a@x.com", ip("10.0.0.2"), t0 + MINUTE), Ok(()));
        assert_eq!(limiter.check("a@x.com", None, t0 + 2 * MINUTE), Err(13 * MINUTE));
        assert_eq!(limiter.check("b@x.com", ip("10.0.0.1"), t0 + 2 * MINUTE), Ok(()), "other addresses go on");
        assert_eq!(limiter.check("a@x.com", None, t0 + 15 * MINUTE), Ok(()), "a new window");
    }

    #[test]
    fn limits_per_ip_and_per_ipv6_block() {
        let limiter = limiter(100, 2);
        let t0 = Instant::now();
        assert_eq!(limiter.check("a@x.com", ip("2001:db8::1"), t0), Ok(()));
        assert_eq!(limiter.check("b@x.com", ip("2001:db8::ffff:2"), t0), Ok(()));
        assert_eq!(limiter.check("c@x.com", ip("2001:db8::3"), t0), Err(15 * MINUTE), "same /64");
        assert_eq!(limiter.check("c@x.com", ip("2001:db8:0:0:ffff:ffff:ffff:ffff"), t0), Err(15 * MINUTE));
        assert_eq!(limiter.check("c@x.com", ip("2001:db8:0:1::3"), t0), Ok(()), "another /64");
        assert_eq!(limiter.check("d@x.com", None, t0), Ok(()), "unknown IP: no per-IP limit");
        assert_eq!(limiter.check("a@x.com", ip("::ffff:192.0.2.1"), t0), Ok(()));
        assert_eq!(limiter.check("b@x.com", ip("192.0.2.1"), t0), Ok(()));
        assert!(limiter.check("c@x.com", ip("192.0.2.1"), t0).is_err(), "IPv4-mapped is the IPv4 address");
        assert_eq!(limiter.check("c@x.com", ip("192.0.2.2"), t0), Ok(()), "IPv4: each address its own");
    }

    #[test]
    fn a_refused_request_counts_nowhere() {
        let limiter = limiter(1, 2);
        let t0 = Instant::now();
        assert_eq!(limiter.check("a@x.com", ip("10.0.0.1"), t0), Ok(()));
        for _ in 0..10 {
            assert!(limiter.check("a@x.com", ip("10.0.0.1"), t0).is_err());
        }
        assert_eq!(limiter.check("b@x.com", ip("10.0.0.1"), t0), Ok(()), "the IP's window still has room");
    }

    #[test]
    fn a_zero_limit_refuses_everything() {
        let t0 = Instant::now();
        assert_eq!(limiter(0, 5).check("a@x.com", None, t0), Err(15 * MINUTE));
        let per_ip = limiter(5, 0);
        assert_eq!(per_ip.check("a@x.com", ip("10.0.0.1"), t0), Err(15 * MINUTE));
        assert_eq!(per_ip.check("a@x.com", None, t0), Ok(()), "no client address, no per-IP limit");
        assert_eq!(per_ip.len(), 1);
    }

    #[test]
    fn ended_windows_are_dropped() {
        let limiter = limiter(5, 5);
        let t0 = Instant::now();
        for i in 0..1000 {
            assert_eq!(limiter.check(&format!("u{i}@x.com"), None, t0 + Duration::from_millis(i)), Ok(()));
        }
        assert_eq!(limiter.len(), 1000);
        assert_eq!(limiter.check("late@x.com", None, t0 + 15 * MINUTE + Duration::from_millis(500)), Ok(()));
        assert_eq!(limiter.len(), 500, "the 501 windows that ended are gone");
        assert!(!limiter.has_address("u500@x.com") && limiter.has_address("u501@x.com"));
        assert_eq!(limiter.check("late@x.com", None, t0 + 40 * MINUTE), Ok(()));
        assert_eq!(limiter.len(), 1);
    }

    #[test]
    fn a_full_table_evicts_the_oldest_windows() {
        let limiter = limiter(2, 1_000_000);
        let t0 = Instant::now();
        let at = |i: usize| t0 + Duration::from_micros(u64::try_from(i).unwrap());
        for i in 0..MAX_KEYS {
            assert_eq!(limiter.check(&format!("v{i}@x.com"), None, at(i)), Ok(()));
        }
        assert_eq!(limiter.len(), MAX_KEYS);

        // A new address is taken, in place of the oldest window.
        assert_eq!(limiter.check("new@x.com", None, at(MAX_KEYS)), Ok(()), "full: the oldest make room");
        assert_eq!(limiter.len(), MAX_KEYS);
        assert!(!limiter.has_address("v0@x.com") && limiter.has_address("v1@x.com"));
        // A new address from a new client: two windows, the next two oldest go.
        assert_eq!(limiter.check("newer@x.com", ip("10.0.0.1"), at(MAX_KEYS)), Ok(()));
        assert_eq!(limiter.len(), MAX_KEYS);
        assert!(!limiter.has_address("v2@x.com") && limiter.has_address("v3@x.com"));

        // The oldest window left is the request's own: it is kept, and still counts (the next oldest goes).
        assert_eq!(limiter.check("v3@x.com", ip("10.0.0.2"), at(MAX_KEYS)), Ok(()));
        assert_eq!(limiter.len(), MAX_KEYS);
        assert!(limiter.has_address("v3@x.com") && !limiter.has_address("v4@x.com"));
        assert!(limiter.check("v3@x.com", None, at(MAX_KEYS)).is_err(), "its third request in the window");

        // Known keys go on; windows that end make room as usual.
        assert_eq!(limiter.check("v9@x.com", None, at(MAX_KEYS)), Ok(()));
        assert_eq!(limiter.check("late@x.com", None, at(MAX_KEYS) + 15 * MINUTE), Ok(()));
        assert_eq!(limiter.len(), 1);
    }

    #[test]
    fn thousands_of_ipv6_clients_do_not_lock_out_a_new_one() {
        let limiter = limiter(5, 20);
        let t0 = Instant::now();
        // 5,000 /64s ask for 20 links each, every one to a new address: 105,000 windows' worth in one window.
        for n in 0..5_000 {
            for i in 0..20_u64 {
                let client = ipv6_client(n, i + 1);
                assert_eq!(limiter.check(&format!("n{n}-{i}@x.com"), client, t0), Ok(()), "{n} {i}");
            }
            assert!(limiter.check("one-more@x.com", ipv6_client(n, 999), t0).is_err(), "/64 {n} is at its limit");
        }
        assert!(limiter.len() <= MAX_KEYS);

        // A new client and a new address are taken.
        assert_eq!(limiter.check("ada@example.com", ip("2001:db8:ffff:1::1"), t0), Ok(()));
        assert_eq!(limiter.check("bob@example.com", ip("192.0.2.1"), t0), Ok(()));
        assert!(limiter.len() <= MAX_KEYS);

        // The limits still hold for the windows kept: the latest /64s, and the new client's addresses.
        assert!(limiter.check("x@x.com", ipv6_client(4_999, 7), t0).is_err());
        for _ in 0..4 {
            assert_eq!(limiter.check("ada@example.com", None, t0), Ok(()));
        }
        assert_eq!(limiter.check("ada@example.com", None, t0), Err(15 * MINUTE), "the sixth for one address");
    }
}
