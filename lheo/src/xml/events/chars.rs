//! Characters: those XML 1.0 does not allow, white space, the per-byte flags text is
//! scanned with, and the five predefined entities.

/// Bytes that may start a character XML 1.0 does not allow: controls other than tab and line
/// ends, and 0xEF (U+FFFE, U+FFFF).
static SUSPICIOUS: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = !matches!(b, 0x09 | 0x0A | 0x0D);
        b += 1;
    }
    t[0xEF] = true;
    t
};

/// What a text byte may need a closer look for (see [`TEXT_FLAGS`]).
pub(super) const FLAG_INVALID: u8 = 1;
pub(super) const FLAG_CR: u8 = 2;
pub(super) const FLAG_GT: u8 = 4;
/// Not XML white space: the text is not blank.
pub(super) const FLAG_NOT_BLANK: u8 = 8;

/// Flags of each byte in text: [`FLAG_INVALID`] for [`SUSPICIOUS`] bytes, [`FLAG_CR`] for
/// `\r`, [`FLAG_GT`] for `>`, [`FLAG_NOT_BLANK`] for all but space, tab, CR and LF.
pub(super) static TEXT_FLAGS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        if SUSPICIOUS[b] {
            t[b] |= FLAG_INVALID;
        }
        b += 1;
    }
    t[b'\r' as usize] |= FLAG_CR;
    t[b'>' as usize] |= FLAG_GT;
    let mut b = 0;
    while b < 256 {
        if !matches!(b as u8, b' ' | b'\t' | b'\r' | b'\n') {
            t[b] |= FLAG_NOT_BLANK;
        }
        b += 1;
    }
    t
};

/// The length of the XML white space at the start of `bytes` when a start or an end tag
/// follows it there (a `<`, then neither `!` nor `?`: not a comment, a CDATA section or a
/// processing instruction), else 0.
#[inline]
pub(super) fn blank_before_tag(bytes: &[u8]) -> usize {
    let n = bytes
        .iter()
        .position(|&b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .unwrap_or(bytes.len());
    match bytes.get(n..n + 2) {
        Some([b'<', next]) if !matches!(next, b'!' | b'?') => n,
        _ => 0,
    }
}

/// The first character XML 1.0 does not allow, if any.
pub fn invalid_char(s: &str) -> Option<char> {
    let bytes = s.as_bytes();
    let suspicious = bytes.iter().any(|&b| SUSPICIOUS[usize::from(b)]);
    if !suspicious {
        return None;
    }
    s.chars().find(|&c| {
        let u = c as u32;
        (u < 0x20 && !matches!(c, '\t' | '\n' | '\r')) || u == 0xFFFE || u == 0xFFFF
    })
}

/// Whether `text` is only XML white space (`#x20 | #x9 | #xD | #xA`), or nothing.
#[inline]
pub fn is_blank(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// The character of one of the five entities XML predefines (`amp`, `lt`, `gt`, `apos`,
/// `quot`): the only ones there are without a DTD.
pub fn predefined_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "apos" => '\'',
        "quot" => '"',
        _ => return None,
    })
}
