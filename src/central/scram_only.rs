//! The box's password leaves it only inside SCRAM: never in clear text, never as an MD5 digest.
//!
//! tokio-postgres answers whatever authentication the server asks for. A fake server (or a
//! centre left on `password` or `md5` in pg_hba.conf) that asks for the password in clear
//! receives it, and an MD5 digest can be cracked offline. libpq has `require_auth` for this;
//! tokio-postgres has nothing, so this wrapper reads the server's messages until authentication
//! is over, and ends the connection before the client can answer a request for a clear-text
//! (3) or MD5 (5) password. SCRAM (10, 11, 12) and the final "ok" (0) pass; after "ok" it only
//! passes bytes through.
//!
//! Over TLS it wraps the decrypted stream ([`ScramOnlyTls`]); over a plain connection, the
//! socket itself.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_postgres::tls::{ChannelBinding, MakeTlsConnect, TlsConnect, TlsStream};

/// Where the scan of the server's messages is.
#[derive(Debug, Default)]
struct Scan {
    /// The message header (type and length) read so far.
    header: [u8; 5],
    have: usize,
    /// Bytes of the current message's body still to come.
    left: usize,
    /// The authentication request's code (the first four bytes of an `R` body).
    code: [u8; 4],
    code_have: usize,
    auth: bool,
    /// Authentication is over: nothing more to look at.
    done: bool,
}

/// A request the box refuses to answer.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused(pub u32);

impl Scan {
    /// Reads `bytes` (what the server sent next); an error on a clear-text or MD5 request.
    fn feed(&mut self, bytes: &[u8]) -> Result<(), Refused> {
        for &b in bytes {
            if self.done {
                return Ok(());
            }
            if self.have < 5 {
                self.header[self.have] = b;
                self.have += 1;
                if self.have == 5 {
                    let len = u32::from_be_bytes([self.header[1], self.header[2], self.header[3], self.header[4]]);
                    self.left = (len as usize).saturating_sub(4);
                    self.auth = self.header[0] == b'R';
                    self.code_have = 0;
                    if self.left == 0 {
                        self.have = 0;
                    }
                }
                continue;
            }
            if self.auth && self.code_have < 4 {
                self.code[self.code_have] = b;
                self.code_have += 1;
                if self.code_have == 4 {
                    match u32::from_be_bytes(self.code) {
                        0 => self.done = true,
                        code @ (3 | 5) => return Err(Refused(code)),
                        _ => {}
                    }
                }
            }
            self.left -= 1;
            if self.left == 0 {
                self.have = 0;
            }
        }
        Ok(())
    }
}

/// A stream that refuses to go on when the server asks for the password in clear or as MD5.
pub struct ScramOnly<S> {
    inner: S,
    scan: Scan,
}

impl<S> ScramOnly<S> {
    pub fn new(inner: S) -> ScramOnly<S> {
        ScramOnly {
            inner,
            scan: Scan::default(),
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for ScramOnly<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if !this.scan.done => match this.scan.feed(&buf.filled()[before..]) {
                Ok(()) => Poll::Ready(Ok(())),
                Err(Refused(code)) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    if code == 3 {
                        t!("central-auth-cleartext")
                    } else {
                        t!("central-auth-md5")
                    },
                ))),
            },
            other => other,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ScramOnly<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

impl<S: TlsStream + Unpin> TlsStream for ScramOnly<S> {
    fn channel_binding(&self) -> ChannelBinding {
        self.inner.channel_binding()
    }
}

/// A TLS connector whose streams are [`ScramOnly`].
#[derive(Clone)]
pub struct ScramOnlyTls<T>(pub T);

impl<S, T> MakeTlsConnect<S> for ScramOnlyTls<T>
where
    T: MakeTlsConnect<S>,
    T::Stream: Unpin,
    <T::TlsConnect as TlsConnect<S>>::Future: Send + 'static,
{
    type Stream = ScramOnly<T::Stream>;
    type TlsConnect = ScramOnlyTls<T::TlsConnect>;
    type Error = T::Error;

    fn make_tls_connect(&mut self, domain: &str) -> Result<Self::TlsConnect, Self::Error> {
        self.0.make_tls_connect(domain).map(ScramOnlyTls)
    }
}

impl<S, T> TlsConnect<S> for ScramOnlyTls<T>
where
    T: TlsConnect<S>,
    T::Stream: Unpin,
    T::Future: Send + 'static,
{
    type Stream = ScramOnly<T::Stream>;
    type Error = T::Error;
    type Future = Pin<Box<dyn Future<Output = Result<ScramOnly<T::Stream>, T::Error>> + Send>>;

    fn connect(self, stream: S) -> Self::Future {
        let handshake = self.0.connect(stream);
        Box::pin(async move { handshake.await.map(ScramOnly::new) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(code: u32, body: &[u8]) -> Vec<u8> {
        let mut m = vec![b'R'];
        m.extend_from_slice(&(8 + body.len() as u32).to_be_bytes());
        m.extend_from_slice(&code.to_be_bytes());
        m.extend_from_slice(body);
        m
    }

    /// Every way the bytes can be cut: one read, or byte by byte.
    fn scan(bytes: &[u8]) -> Vec<Result<(), Refused>> {
        let mut whole = Scan::default();
        let mut single = Scan::default();
        let bytewise = bytes
            .iter()
            .map(|b| single.feed(&[*b]))
            .find(Result::is_err)
            .unwrap_or(Ok(()));
        vec![whole.feed(bytes), bytewise]
    }

    #[test]
    fn clear_text_and_md5_requests_are_refused_scram_passes() {
        assert!(scan(&auth(3, &[])).iter().all(|r| *r == Err(Refused(3))));
        assert!(scan(&auth(5, b"salt")).iter().all(|r| *r == Err(Refused(5))));
        // SASL: the mechanisms, then continue and final, then ok.
        let mut ok = auth(10, b"SCRAM-SHA-256\0\0");
        ok.extend(auth(11, b"r=abc,s=def,i=4096"));
        ok.extend(auth(12, b"v=xyz"));
        ok.extend(auth(0, &[]));
        assert!(scan(&ok).iter().all(Result::is_ok));
    }

    #[test]
    fn after_authentication_nothing_is_read_as_a_request() {
        let mut s = auth(0, &[]);
        // A row whose bytes happen to look like a clear-text request.
        s.extend(auth(3, &[]));
        assert!(scan(&s).iter().all(Result::is_ok));
        // An error or a notice before the request does not confuse the scan.
        let mut n = vec![b'N', 0, 0, 0, 9, b'S', b'x', 0, 0, 0];
        n.truncate(10);
        n.extend(auth(5, b"salt"));
        assert!(scan(&n).iter().all(|r| *r == Err(Refused(5))));
    }
}
