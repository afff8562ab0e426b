//! ICY metadata, the SHOUTcast/Icecast way of telling a listener what is on air: asked for with
//! `Icy-MetaData: 1`, the server puts a metadata block after every `icy-metaint` bytes of audio
//! (a length byte, times 16, then `StreamTitle='…';`). The blocks are cut out before the audio
//! reaches the decoder (an MP3 decoder fed one hears a click, or loses a frame), and the title
//! is kept for the dashboard and the record.

/// Cuts the metadata blocks out of a stream, chunk by chunk, wherever the chunks are cut.
#[derive(Debug)]
pub struct Icy {
    /// Audio bytes between two blocks; 0 when the server sends none.
    every: usize,
    state: State,
}

#[derive(Debug)]
enum State {
    /// Audio bytes left before the next block.
    Audio(usize),
    /// The next byte is a block's length.
    Length,
    /// A block's bytes so far, and how many it has.
    Block(Vec<u8>, usize),
}

impl Icy {
    /// `every` is the answer's `icy-metaint` (None or 0: the stream has no metadata).
    pub fn new(every: Option<usize>) -> Icy {
        let every = every.unwrap_or(0);
        Icy {
            every,
            state: State::Audio(every),
        }
    }

    /// Appends `chunk`'s audio to `audio`; returns the stream's title when a block in it has
    /// one.
    pub fn strip(&mut self, mut chunk: &[u8], audio: &mut Vec<u8>) -> Option<String> {
        if self.every == 0 {
            audio.extend_from_slice(chunk);
            return None;
        }
        let mut title = None;
        while !chunk.is_empty() {
            match &mut self.state {
                State::Audio(left) => {
                    let n = (*left).min(chunk.len());
                    audio.extend_from_slice(&chunk[..n]);
                    chunk = &chunk[n..];
                    *left -= n;
                    if *left == 0 {
                        self.state = State::Length;
                    }
                }
                State::Length => {
                    let len = usize::from(chunk[0]) * 16;
                    chunk = &chunk[1..];
                    self.state = if len == 0 {
                        State::Audio(self.every)
                    } else {
                        State::Block(Vec::with_capacity(len), len)
                    };
                }
                State::Block(block, len) => {
                    let n = (*len - block.len()).min(chunk.len());
                    block.extend_from_slice(&chunk[..n]);
                    chunk = &chunk[n..];
                    if block.len() == *len {
                        title = stream_title(block).or(title);
                        self.state = State::Audio(self.every);
                    }
                }
            }
        }
        title
    }
}

/// `StreamTitle='…';` out of a block (padded with NULs). Stations send UTF-8 or Latin-1; what
/// is not UTF-8 is read as Latin-1, so a title is never lost to its encoding.
fn stream_title(block: &[u8]) -> Option<String> {
    let text: String = match std::str::from_utf8(block) {
        Ok(s) => s.to_string(),
        Err(_) => block.iter().map(|&b| char::from(b)).collect(),
    };
    let from = text.find("StreamTitle='")? + "StreamTitle='".len();
    let rest = &text[from..];
    let to = rest.find("';").unwrap_or(rest.trim_end_matches('\0').len());
    let title = unescape(rest[..to].trim());
    // A title goes to the dashboard and the record: no control characters, and not a novel.
    let title: String = title.chars().filter(|c| !c.is_control()).take(200).collect();
    (!title.trim().is_empty()).then(|| title.trim().to_string())
}

/// Icecast sends an MP3 mount's title in Latin-1 and writes what Latin-1 lacks (every
/// Vietnamese tone mark) as `&#7901;`: read back as the letters they are.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let entity = rest.find(';').filter(|&j| j <= 10).map(|j| (&rest[1..j], j));
        let decoded = entity.and_then(|(name, j)| {
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .map(|h| u32::from_str_radix(h, 16))
                    .or_else(|| name.strip_prefix('#').map(str::parse::<u32>))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, j))
        });
        match decoded {
            Some((c, j)) => {
                out.push(c);
                rest = &rest[j + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream of `blocks` runs of `every` audio bytes (each run a different byte), each
    /// followed by a metadata block.
    fn stream(every: usize, blocks: &[&str]) -> (Vec<u8>, Vec<u8>) {
        let (mut wire, mut audio) = (Vec::new(), Vec::new());
        for (i, meta) in blocks.iter().enumerate() {
            let run = vec![i as u8 + 1; every];
            wire.extend_from_slice(&run);
            audio.extend_from_slice(&run);
            let mut block = meta.as_bytes().to_vec();
            block.resize(block.len().div_ceil(16) * 16, 0);
            wire.push((block.len() / 16) as u8);
            wire.extend_from_slice(&block);
        }
        (wire, audio)
    }

    #[test]
    fn blocks_are_cut_out_wherever_the_chunks_end() {
        let (wire, audio) = stream(
            100,
            &["", "StreamTitle='Thời sự 6h';", "", "StreamTitle='Nhạc';StreamUrl='';"],
        );
        for size in [1, 2, 7, 16, 99, 100, 101, 117, wire.len()] {
            let mut icy = Icy::new(Some(100));
            let mut out = Vec::new();
            let mut titles = Vec::new();
            for chunk in wire.chunks(size) {
                titles.extend(icy.strip(chunk, &mut out));
            }
            assert_eq!(out, audio, "chunks of {size}");
            // The newest title of each chunk.
            assert_eq!(titles.last().map(String::as_str), Some("Nhạc"), "chunks of {size}");
            if size <= 117 {
                assert_eq!(titles, ["Thời sự 6h", "Nhạc"], "chunks of {size}");
            }
        }
    }

    #[test]
    fn a_stream_without_metadata_passes_as_it_is() {
        let mut icy = Icy::new(None);
        let mut out = Vec::new();
        assert_eq!(icy.strip(b"\x01\x00abc", &mut out), None);
        assert_eq!(out, b"\x01\x00abc");
    }

    /// What Icecast 2.4 sends for `Thời sự 6 giờ` set in UTF-8 on an MP3 mount.
    #[test]
    fn character_references_are_read_back() {
        assert_eq!(
            stream_title(b"StreamTitle='Th&#7901;i s&#7921; 6 gi&#7901;';\0"),
            Some("Thời sự 6 giờ".to_string())
        );
        assert_eq!(unescape("A &amp; B &#x1EA1; &bogus; & x"), "A & B ạ &bogus; & x");
    }

    #[test]
    fn a_latin1_title_is_read() {
        assert_eq!(stream_title(b"StreamTitle='Caf\xe9';\0\0"), Some("Café".to_string()));
        assert_eq!(stream_title(b"StreamTitle='';\0"), None);
    }
}
