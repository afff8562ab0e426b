//! Handing freed memory back to the system.
//!
//! glibc keeps what a burst of work freed (a schedule set parsed, a catch-up's decoders) in its
//! arenas for reuse, so the daemon's RSS stays at the burst's peak for the rest of the run. After
//! such bursts, and only then (it walks the arenas), loaxa asks glibc to return it.

/// Returns free heap memory to the system; a no-op where the C library is not glibc.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas, under their locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A copy of `value` made on this thread, with the original freed and the memory handed back.
/// A long-lived value built on another thread among short-lived ones (a schedule set parsed
/// beside the files' texts and syntax trees) pins half-used pages all over that thread's arena;
/// the copy is allocated here in one run, and the other arena empties.
pub fn settled<T: Clone>(value: T) -> T {
    // What was freed before (the files' texts) makes room for the copy first.
    give_back();
    let copy = value.clone();
    drop(value);
    give_back();
    copy
}
