//! Limits on magic-link requests: per e-mail address and per client IP address, in fixed windows.
//!
//! Each address and each client IP gets a window that starts with its first request and lasts
//! [`LinkLimit::window`]; a request is refused when either of its windows is full (and then counts in neither).
//! Memory stays bounded: windows that ended are swept once per window length, and at most [`MAX_KEYS`] windows
//! are kept; when that many are live, requests from new addresses or IPs are refused until some end.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How many magic links may be requested (`POST /auth/signin/email`), per window. Over the limit the request is
/// answered 429 and no link is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkLimit {
    /// Requests per e-mail address (after normalization: `Ada@Example.com` and `ada@example.com` are one address).
    /// Default 5.
    pub per_address: u32,
    /// Requests per client IP address (IPv6: per /64, what one host usually gets), whatever the addresses. Default
    /// 20. The client IP is the TCP peer (`ConnectInfo`): behind a reverse proxy every client shares the proxy's.
    /// Skipped when the server does not provide `ConnectInfo`.
    pub per_ip: u32,
    /// The window's length. Default 15 minutes.
    pub window: Duration,
}

impl Default for LinkLimit {
    fn default() -> Self {
        Self { per_address: 5, per_ip: 20, window: Duration::from_secs(15 * 60) }
    }
}

/// The most windows kept at once (about 100 bytes each).
pub(crate) const MAX_KEYS: usize = 100_000;

#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Address(String),
    Ip(IpAddr),
}

struct Window {
    start: Instant,
    count: u32,
}

struct Windows {
    by_key: HashMap<Key, Window>,
    next_sweep: Option<Instant>,
}

/// Counts magic-link requests against a [`LinkLimit`].
pub(crate) struct Limiter {
    limit: LinkLimit,
    windows: Mutex<Windows>,
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
    pub(crate) fn new(limit: LinkLimit) -> Self {
        Self { limit, windows: Mutex::new(Windows { by_key: HashMap::new(), next_sweep: None }) }
    }

    /// Counts a request for the normalized `address` from `ip` (`None`: unknown, no per-IP limit) at `now`; over a
    /// limit, counts nothing and returns how long until the full window ends.
    pub(crate) fn check(&self, address: &str, ip: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let window = self.limit.window;
        let keys: Vec<(Key, u32)> = std::iter::once((Key::Address(address.to_owned()), self.limit.per_address))
            .chain(ip.map(|ip| (Key::Ip(client_block(ip)), self.limit.per_ip)))
            .collect();
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        let Windows { by_key, next_sweep } = &mut *windows;
        if next_sweep.is_none_or(|at| now >= at) || by_key.len() + keys.len() > MAX_KEYS {
            by_key.retain(|_, w| now.saturating_duration_since(w.start) < window);
            *next_sweep = Some(now + window);
        }

        let live = |key: &Key| by_key.get(key).filter(|w| now.saturating_duration_since(w.start) < window);
        for (key, max) in &keys {
            if let Some(w) = live(key)
                && w.count >= *max
            {
                return Err(window.saturating_sub(now.saturating_duration_since(w.start)));
            }
        }
        if by_key.len() + keys.iter().filter(|(key, _)| !by_key.contains_key(key)).count() > MAX_KEYS {
            return Err(window);
        }
        for (key, _) in keys {
            let w = by_key.entry(key).or_insert(Window { start: now, count: 0 });
            if now.saturating_duration_since(w.start) >= window {
                *w = Window { start: now, count: 0 };
            }
            w.count += 1;
        }
        Ok(())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.windows.lock().unwrap_or_else(PoisonError::into_inner).by_key.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    fn limiter(per_address: u32, per_ip: u32) -> Limiter {
        Limiter::new(LinkLimit { per_address, per_ip, window: 15 * MINUTE })
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().expect("an IP address"))
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
        assert!(limiter.check("c@x.com", ip("2001:db8::3"), t0).is_err(), "same /64");
        assert_eq!(limiter.check("c@x.com", ip("2001:db8:0:1::3"), t0), Ok(()), "another /64");
        assert_eq!(limiter.check("d@x.com", None, t0), Ok(()), "unknown IP: no per-IP limit");
        assert_eq!(limiter.check("a@x.com", ip("::ffff:192.0.2.1"), t0), Ok(()));
        assert_eq!(limiter.check("b@x.com", ip("192.0.2.1"), t0), Ok(()));
        assert!(limiter.check("c@x.com", ip("192.0.2.1"), t0).is_err(), "IPv4-mapped is the IPv4 address");
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
    fn ended_windows_are_evicted_and_memory_is_capped() {
        let limiter = limiter(5, 5);
        let t0 = Instant::now();
        for i in 0..1000 {
            assert_eq!(limiter.check(&format!("u{i}@x.com"), None, t0), Ok(()));
        }
        assert_eq!(limiter.len(), 1000);
        assert_eq!(limiter.check("late@x.com", None, t0 + 16 * MINUTE), Ok(()));
        assert_eq!(limiter.len(), 1, "the ended windows are gone");

        let t1 = t0 + 40 * MINUTE;
        for i in 0..MAX_KEYS {
            assert_eq!(limiter.check(&format!("v{i}@x.com"), None, t1), Ok(()));
        }
        assert!(limiter.len() <= MAX_KEYS);
        assert!(limiter.check("new@x.com", None, t1).is_err(), "full: new keys wait");
        assert_eq!(limiter.check("v0@x.com", None, t1), Ok(()), "known keys go on");
        assert_eq!(limiter.check("new@x.com", None, t1 + 15 * MINUTE), Ok(()), "until the windows end");
        assert_eq!(limiter.len(), 1);
    }
}
