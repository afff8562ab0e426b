//! Who may try a password now, on the control page's login (issue #31).
//!
//! Each verification is an argon2 of 19 MiB: unbounded, a flood of wrong passwords from 16
//! clients took the daemon to 2.2 GB. And a failure table that was cleared when it grew let 1,002
//! junk names wipe the lock on a real one, while five guesses under an officer's name kept the
//! officer out of the emergency page. So, before any argon2 runs:
//!
//! - at most [`AT_ONCE`] verifications run at a time; a request beyond them is answered 429 at
//!   once, and the memory a verification used is given back to the system after it;
//! - each client address has a growing delay after [`FREE`] failures (1 s, 2 s, 4 s, … up to
//!   five minutes); an attempt inside it is refused without a verification;
//! - each name is locked for five minutes after [`FREE`] failures, but only for browsers that
//!   have not logged in as that name before: a successful login leaves a device cookie (OWASP's "device cookies"),
//!   signed with a key of this run, that lets its browser past the name's lock. An attacker can
//!   slow the guessing of a name, not lock its officer out;
//! - entries are forgotten only when they have expired; when the table of client addresses is
//!   full of live ones, a new address is refused (429) rather than anything forgotten.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Verifications at once: two argon2s (38 MiB) at most.
pub const AT_ONCE: usize = 2;
/// Failures before delays (a client) or a lock (a name) begin.
pub const FREE: u32 = 5;
/// The longest delay for a client, and how long a name stays locked after its last failure.
pub const LONGEST: Duration = Duration::from_secs(5 * 60);
/// Client addresses remembered at once.
const MAX_CLIENTS: usize = 10_000;
/// Names remembered at once (failures under names nobody has are remembered too: no telling
/// which names exist).
const MAX_NAMES: usize = 10_000;

/// The cookie that lets a browser that logged in as a name past that name's lock.
pub const DEVICE_COOKIE: &str = "loaxa_device";

/// A count of recent failures and when the last one was.
#[derive(Clone, Copy, Debug)]
struct Failures {
    n: u32,
    last: Instant,
}

impl Failures {
    /// How long after the last failure a client's next attempt must wait (zero: it may go now):
    /// doubling from a second.
    fn growing(&self) -> Duration {
        if self.n < FREE {
            return Duration::ZERO;
        }
        let doubling = (self.n - FREE).min(16);
        Duration::from_secs(1u64 << doubling).min(LONGEST)
    }

    /// A name's lock: [`LONGEST`] after its last failure, once there were [`FREE`] (it keeps no
    /// officer out: their browser goes past it).
    fn lock(&self) -> Duration {
        if self.n < FREE { Duration::ZERO } else { LONGEST }
    }

    fn wait(&self, delay: Duration, now: Instant) -> Option<Duration> {
        let until = self.last + delay;
        (until > now).then(|| until - now)
    }

    /// Forgotten once it could no longer delay anything, and a while has passed.
    fn expired(&self, now: Instant) -> bool {
        now.duration_since(self.last) > LONGEST
    }
}

/// Why an attempt is not verified now.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Every verification slot is taken: try again in a second.
    Busy,
    /// This client, or this name for a browser that has not logged in as it, must wait.
    Wait(Duration),
}

/// The login's gatekeeper (see the module's comment).
pub struct LoginGuard {
    slots: Arc<tokio::sync::Semaphore>,
    clients: Mutex<HashMap<IpAddr, Failures>>,
    names: Mutex<HashMap<String, Failures>>,
    key: [u8; 32],
}

impl LoginGuard {
    /// `key`: this run's key for device cookies (random).
    pub fn new(key: [u8; 32]) -> LoginGuard {
        LoginGuard {
            slots: Arc::new(tokio::sync::Semaphore::new(AT_ONCE)),
            clients: Mutex::new(HashMap::new()),
            names: Mutex::new(HashMap::new()),
            key,
        }
    }

    /// May `client` try a password for `name` now, with the device cookie `device` (if any)?
    /// Yes: a verification slot, held while the password is verified.
    pub fn admit(
        &self,
        client: IpAddr,
        name: &str,
        device: Option<&str>,
        now: Instant,
    ) -> Result<tokio::sync::OwnedSemaphorePermit, Refusal> {
        let known = self.known_device(name, device);
        {
            let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(wait) = clients.get(&client).and_then(|f| f.wait(f.growing(), now)) {
                return Err(Refusal::Wait(wait));
            }
            // A table full of live addresses (thousands of them: a flood) turns newcomers away,
            // but not a browser that has logged in as this name before.
            if !known && !clients.contains_key(&client) && clients.len() >= MAX_CLIENTS {
                clients.retain(|_, f| !f.expired(now));
                if clients.len() >= MAX_CLIENTS {
                    return Err(Refusal::Busy);
                }
            }
        }
        if !known {
            let names = self.names.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(wait) = names.get(&key(name)).and_then(|f| f.wait(f.lock(), now)) {
                return Err(Refusal::Wait(wait));
            }
        }
        self.slots.clone().try_acquire_owned().map_err(|_| Refusal::Busy)
    }

    /// A wrong password (or an unknown name) from `client` for `name`.
    pub fn failed(&self, client: IpAddr, name: &str, device: Option<&str>, now: Instant) {
        bump(&self.clients, client, MAX_CLIENTS, now);
        // A browser that has logged in as this name does not lock it for the others.
        if !self.known_device(name, device) {
            bump(&self.names, key(name), MAX_NAMES, now);
        }
    }

    /// The right password: the client's failures are forgotten (not the name's: they may be an
    /// attacker's), and the browser gets a device cookie for the name.
    pub fn succeeded(&self, client: IpAddr, name: &str) -> String {
        self.clients.lock().unwrap_or_else(|p| p.into_inner()).remove(&client);
        let mut nonce = [0u8; 16];
        // A failed draw still makes a cookie that only this key can sign: it is not a secret,
        // only a tag.
        let _ = getrandom::fill(&mut nonce);
        let nonce = crate::domain::text::hex(&nonce);
        let tag = self.sign(name, &nonce);
        format!("{nonce}.{tag}")
    }

    /// Whether `device` is a cookie this run gave a browser that logged in as `name`.
    fn known_device(&self, name: &str, device: Option<&str>) -> bool {
        let Some((nonce, tag)) = device.and_then(|d| d.split_once('.')) else {
            return false;
        };
        let want = self.sign(name, nonce);
        want.len() == tag.len() && want.bytes().zip(tag.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }

    fn sign(&self, name: &str, nonce: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else {
            return String::new();
        };
        mac.update(key(name).as_bytes());
        mac.update(b"\0");
        mac.update(nonce.as_bytes());
        crate::domain::text::hex(&mac.finalize().into_bytes())
    }
}

/// Names are compared without case (as the login compares them).
fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// One more failure for `k`; expired entries make room, live ones are never forgotten (when the
/// table is full of live ones, the newcomer is not counted: [`LoginGuard::admit`] refuses new
/// clients then, and an unknown name's lock protects no one).
fn bump<K: std::hash::Hash + Eq>(table: &Mutex<HashMap<K, Failures>>, k: K, max: usize, now: Instant) {
    let mut t = table.lock().unwrap_or_else(|p| p.into_inner());
    if !t.contains_key(&k) && t.len() >= max {
        t.retain(|_, f| !f.expired(now));
        if t.len() >= max {
            return;
        }
    }
    let f = t.entry(k).or_insert(Failures { n: 0, last: now });
    if f.expired(now) {
        f.n = 0;
    }
    f.n += 1;
    f.last = now;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u32) -> IpAddr {
        IpAddr::V4(std::net::Ipv4Addr::from(0x7f00_0000 + n))
    }

    #[tokio::test]
    async fn a_client_waits_longer_after_each_failure_beyond_the_free_ones() {
        let g = LoginGuard::new([7; 32]);
        let t = Instant::now();
        for _ in 0..FREE {
            drop(g.admit(ip(2), "x", None, t).unwrap());
            g.failed(ip(2), &format!("junk{}", t.elapsed().as_nanos()), None, t);
        }
        assert_eq!(
            g.admit(ip(2), "y", None, t).unwrap_err(),
            Refusal::Wait(Duration::from_secs(1))
        );
        let t1 = t + Duration::from_secs(1);
        drop(g.admit(ip(2), "y", None, t1).unwrap());
        g.failed(ip(2), "y", None, t1);
        assert_eq!(
            g.admit(ip(2), "y", None, t1).unwrap_err(),
            Refusal::Wait(Duration::from_secs(2))
        );
        // Another client is not held up by it.
        assert!(g.admit(ip(3), "z", None, t1).is_ok());
    }

    #[tokio::test]
    async fn a_locked_name_lets_its_own_browser_in_and_junk_names_do_not_unlock_it() {
        let g = LoginGuard::new([9; 32]);
        let t = Instant::now();
        let cookie = g.succeeded(ip(1), "tuan");
        // An attacker's five guesses, from five addresses.
        for i in 0..FREE {
            g.failed(ip(10 + i), "Tuan", None, t);
        }
        assert!(matches!(g.admit(ip(20), "tuan", None, t), Err(Refusal::Wait(_))));
        // 20,000 junk names from 20,000 addresses: the lock stays.
        for i in 0..20_000 {
            g.failed(ip(100 + i), &format!("junk{i}"), None, t);
        }
        assert!(g.admit(ip(21), "tuan", None, t).is_err());
        assert!(g.admit(ip(20), "tuan", None, t).is_err());
        // The officer's browser goes past it; a forged or another name's cookie does not.
        assert!(g.admit(ip(1), "tuan", Some(&cookie), t).is_ok());
        assert!(g.admit(ip(22), "tuan", Some("00.00"), t).is_err());
        let other = g.succeeded(ip(1), "lan");
        assert!(g.admit(ip(23), "tuan", Some(&other), t).is_err());
    }

    #[tokio::test]
    async fn no_more_than_two_verifications_at_once() {
        let g = LoginGuard::new([1; 32]);
        let t = Instant::now();
        let a = g.admit(ip(1), "a", None, t).unwrap();
        let _b = g.admit(ip(2), "b", None, t).unwrap();
        assert_eq!(g.admit(ip(3), "c", None, t).unwrap_err(), Refusal::Busy);
        drop(a);
        assert!(g.admit(ip(3), "c", None, t).is_ok());
    }
}
