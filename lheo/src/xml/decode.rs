//! Encodings: every input becomes UTF-8 before parsing.
//!
//! UTF-8 (with or without BOM) passes through untouched. UTF-16 (by its BOM) and the
//! single-byte encodings an XML declaration names (ISO-8859-1, Windows-1252, ISO-8859-15, …)
//! are transcoded on the fly, chunk by chunk, so memory stays flat.

use std::io::{self, BufRead, Read};

use encoding_rs::{Decoder, DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// The encoding of an input, as detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputEncoding {
    /// UTF-8 (the default), possibly with a BOM.
    Utf8,
    /// ISO-8859-1 (Latin-1), decoded byte for byte.
    Latin1,
    /// Any other encoding `encoding_rs` knows (UTF-16, Windows-1252, …).
    Other(&'static Encoding),
}

impl InputEncoding {
    /// A display name.
    pub fn name(self) -> &'static str {
        match self {
            InputEncoding::Utf8 => "UTF-8",
            InputEncoding::Latin1 => "ISO-8859-1",
            InputEncoding::Other(e) => e.name(),
        }
    }
}

/// Why an input could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The declaration names an encoding we do not know.
    #[error("encodage « {0} » inconnu ou non pris en charge")]
    Unsupported(String),
    /// An I/O error.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Detects the encoding from the first bytes (BOM, then the XML declaration).
/// Returns the encoding and the length of the BOM to skip.
pub fn sniff(head: &[u8]) -> Result<(InputEncoding, usize), DecodeError> {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Ok((InputEncoding::Utf8, 3));
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return Ok((InputEncoding::Other(UTF_16LE), 2));
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Ok((InputEncoding::Other(UTF_16BE), 2));
    }
    // UTF-16 without BOM: `<?` as 16-bit units.
    if head.starts_with(&[0x3C, 0x00, 0x3F, 0x00]) {
        return Ok((InputEncoding::Other(UTF_16LE), 0));
    }
    if head.starts_with(&[0x00, 0x3C, 0x00, 0x3F]) {
        return Ok((InputEncoding::Other(UTF_16BE), 0));
    }
    if !head.starts_with(b"<?xml") {
        return Ok((InputEncoding::Utf8, 0));
    }
    let end = head.iter().position(|&b| b == b'>').unwrap_or(head.len());
    let decl = String::from_utf8_lossy(&head[..end]).into_owned();
    match declared_encoding(&decl) {
        None => Ok((InputEncoding::Utf8, 0)),
        Some(label) => encoding_for(&label)
            .map(|e| (e, 0))
            .ok_or(DecodeError::Unsupported(label)),
    }
}

/// The `encoding="…"` pseudo-attribute of an XML declaration.
fn declared_encoding(decl: &str) -> Option<String> {
    let i = decl.find("encoding")?;
    let rest = decl[i + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    let end = value.find(quote)?;
    Some(value[..end].to_owned())
}

fn encoding_for(label: &str) -> Option<InputEncoding> {
    let l = label.trim().to_ascii_lowercase();
    if matches!(
        l.as_str(),
        "iso-8859-1"
            | "iso8859-1"
            | "latin1"
            | "latin-1"
            | "l1"
            | "iso_8859-1"
            | "cp819"
            | "ibm819"
    ) {
        return Some(InputEncoding::Latin1);
    }
    // A document that names UTF-16 but had no BOM was handled by the sniffing above.
    let e = Encoding::for_label(l.as_bytes())?;
    if e == UTF_8 {
        Some(InputEncoding::Utf8)
    } else if e == UTF_16LE || e == UTF_16BE {
        // Declared UTF-16 on bytes that start with ASCII `<?xml`: the declaration is wrong.
        None
    } else {
        Some(InputEncoding::Other(e))
    }
}

/// A `BufRead` that yields UTF-8, whatever the input encoding.
pub enum Utf8Input<R> {
    /// Already UTF-8.
    Utf8(R),
    /// Transcoded.
    Transcoded(Transcoder<R>),
}

/// The input with its first bytes read ahead for sniffing.
pub type Prefixed<R> = io::Chain<io::Cursor<Vec<u8>>, R>;

/// `Read::read` for a `BufRead`: copies from its buffer.
pub fn read_buffered<B: BufRead + ?Sized>(input: &mut B, out: &mut [u8]) -> io::Result<usize> {
    let available = input.fill_buf()?;
    let n = available.len().min(out.len());
    out[..n].copy_from_slice(&available[..n]);
    input.consume(n);
    Ok(n)
}

/// `input` (UTF-8, nothing read ahead) as a [`Prefixed`] input.
pub fn resumed<R: BufRead>(input: R) -> Prefixed<R> {
    io::Cursor::new(Vec::new()).chain(input)
}

impl<R: BufRead> Utf8Input<Prefixed<R>> {
    /// Wraps `input`, detecting its encoding from its first bytes.
    pub fn new(input: R) -> Result<(Self, InputEncoding), DecodeError> {
        Utf8Input::sniffed(input).map(|(wrapped, enc, _)| (wrapped, enc))
    }

    /// As [`Utf8Input::new`], with the length of the byte order mark skipped (UTF-8 bytes
    /// then sit at their offset in the input plus that length).
    pub fn sniffed(mut input: R) -> Result<(Self, InputEncoding, usize), DecodeError> {
        let mut head = Vec::with_capacity(512);
        while head.len() < 512 {
            let chunk = input.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            let take = chunk.len().min(512 - head.len());
            head.extend_from_slice(&chunk[..take]);
            input.consume(take);
        }
        let (enc, bom) = sniff(&head)?;
        let mut cursor = io::Cursor::new(head);
        cursor.set_position(bom as u64);
        let input = cursor.chain(input);
        let wrapped = match enc {
            InputEncoding::Utf8 => Utf8Input::Utf8(input),
            InputEncoding::Latin1 => Utf8Input::Transcoded(Transcoder::new(input, None)),
            InputEncoding::Other(e) => Utf8Input::Transcoded(Transcoder::new(
                input,
                Some(e.new_decoder_without_bom_handling()),
            )),
        };
        Ok((wrapped, enc, bom))
    }
}

impl<R: BufRead> Read for Utf8Input<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, out)
    }
}

impl<R: BufRead> BufRead for Utf8Input<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            Utf8Input::Utf8(r) => r.fill_buf(),
            Utf8Input::Transcoded(t) => t.fill_buf(),
        }
    }

    fn consume(&mut self, amt: usize) {
        match self {
            Utf8Input::Utf8(r) => r.consume(amt),
            Utf8Input::Transcoded(t) => t.consume(amt),
        }
    }
}

/// Streams a non-UTF-8 input as UTF-8 (`None` decoder = Latin-1).
pub struct Transcoder<R> {
    input: R,
    decoder: Option<Decoder>,
    out: Vec<u8>,
    pos: usize,
    done: bool,
    /// The encoding whose invalid bytes stopped decoding.
    malformed: Option<&'static str>,
}

impl<R: BufRead> Transcoder<R> {
    fn new(input: R, decoder: Option<Decoder>) -> Self {
        Transcoder {
            input,
            decoder,
            out: Vec::with_capacity(16 * 1024),
            pos: 0,
            done: false,
            malformed: None,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        while self.out.is_empty() && !self.done {
            let chunk = self.input.fill_buf()?;
            let last = chunk.is_empty();
            let take = chunk.len().min(8 * 1024);
            match &mut self.decoder {
                None => {
                    for &b in &chunk[..take] {
                        let c = b as char;
                        let mut tmp = [0u8; 4];
                        self.out
                            .extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                    }
                    self.input.consume(take);
                }
                Some(dec) => {
                    let cap = dec
                        .max_utf8_buffer_length_without_replacement(take)
                        .unwrap_or(take * 4 + 16);
                    self.out.resize(cap, 0);
                    let (result, read, written) =
                        dec.decode_to_utf8_without_replacement(&chunk[..take], &mut self.out, last);
                    self.out.truncate(written);
                    self.input.consume(read);
                    if let DecoderResult::Malformed(..) = result {
                        // Bytes the declared encoding cannot carry (an unpaired UTF-16
                        // surrogate, an odd number of bytes): refused, never replaced. What
                        // was decoded before them is still handed out first.
                        self.done = true;
                        self.malformed = Some(dec.encoding().name());
                    }
                }
            }
            if last {
                self.done = true;
            }
        }
        match self.malformed {
            Some(name) if self.out.is_empty() => {
                Err(io::Error::new(io::ErrorKind::InvalidData, name))
            }
            _ => Ok(()),
        }
    }
}

impl<R: BufRead> BufRead for Transcoder<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.out.len() {
            self.refill()?;
        }
        Ok(&self.out[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.out.len());
    }
}

impl<R: BufRead> Read for Transcoder<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> (String, InputEncoding) {
        let (mut r, enc) = Utf8Input::new(bytes).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        (s, enc)
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(b"\xEF\xBB\xBF<a>\xC3\xA9</a>").0, "<a>é</a>");
        assert_eq!(
            decode(b"<a>\xC3\xA9</a>"),
            ("<a>é</a>".into(), InputEncoding::Utf8)
        );
    }

    #[test]
    fn latin1_declared() {
        let (s, enc) = decode(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xE9\x80</a>");
        assert_eq!(enc, InputEncoding::Latin1);
        assert!(s.ends_with("<a>é\u{80}</a>"));
    }

    #[test]
    fn windows_1252_declared() {
        let (s, _) = decode(b"<?xml version='1.0' encoding='windows-1252'?><a>\x80</a>");
        assert!(s.ends_with("<a>€</a>"));
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "<a>é</a>".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes).0, "<a>é</a>");
    }

    #[test]
    fn unknown_encoding_is_refused() {
        assert!(Utf8Input::new(&b"<?xml version='1.0' encoding='klingon'?><a/>"[..]).is_err());
    }
}
