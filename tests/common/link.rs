//! A link that can go silent, as a 4G modem in a dead zone does: a TCP relay on loopback whose
//! connections stop carrying bytes without being closed (no RST, no FIN: the box's socket stays
//! open and unanswered), and which, once restored, carries new connections only (the old ones
//! stay dead, as after the modem comes back with a new address). Stopping the server instead
//! would refuse connections at once, which is the easy case.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub struct Link {
    pub port: u16,
    /// Bumped by each silence: a connection carries bytes only while its generation is current
    /// and the link is up.
    generation: Arc<AtomicU64>,
    silent: Arc<AtomicBool>,
}

impl Link {
    /// A link to `127.0.0.1:target`.
    pub fn to(target: u16) -> Link {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let generation = Arc::new(AtomicU64::new(0));
        let silent = Arc::new(AtomicBool::new(false));
        let (g, s) = (generation.clone(), silent.clone());
        std::thread::spawn(move || {
            // Kept open, never answered: what a silent link does to a socket.
            let mut held = Vec::new();
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                if s.load(Ordering::SeqCst) {
                    held.push(conn);
                    continue;
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                    continue;
                };
                let mine = g.load(Ordering::SeqCst);
                for (mut from, mut to) in [(conn.try_clone().unwrap(), server.try_clone().unwrap()), (server, conn)] {
                    let (g, s) = (g.clone(), s.clone());
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16 * 1024];
                        loop {
                            let n = match from.read(&mut buf) {
                                Ok(0) | Err(_) => return,
                                Ok(n) => n,
                            };
                            // Dropped, not refused: the sender never hears.
                            if s.load(Ordering::SeqCst) || g.load(Ordering::SeqCst) != mine {
                                std::mem::forget(to);
                                std::mem::forget(from);
                                return;
                            }
                            if to.write_all(&buf[..n]).is_err() {
                                return;
                            }
                        }
                    });
                }
            }
        });
        Link {
            port,
            generation,
            silent,
        }
    }

    /// Every connection goes silent, and new ones are taken and never answered.
    pub fn silence(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.silent.store(true, Ordering::SeqCst);
    }

    /// New connections carry bytes again; the ones made before stay silent.
    pub fn restore(&self) {
        self.silent.store(false, Ordering::SeqCst);
    }
}
