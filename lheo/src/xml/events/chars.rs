//! Characters: those XML 1.0 does not allow, white space, the per-byte flags text is
//! scanned with, and the five predefined entities.

use crate::xml::swar;

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
        if !is_xml_space(b as u8 as char) {
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
    let n = blank_len(bytes);
    match bytes.get(n..n + 2) {
        Some([b'<', next]) if !matches!(next, b'!' | b'?') => n,
        _ => 0,
    }
}

/// The length of the XML white space at the start of `bytes`: spaces and line feeds (the
/// indentation) eight bytes at a time, without a branch per byte, then byte by byte.
#[inline(always)]
fn blank_len(bytes: &[u8]) -> usize {
    let mut n = 0;
    while let Some(word) = bytes[n..].first_chunk::<8>() {
        let v = swar::word(*word);
        // Neither a space nor a line feed.
        let other = swar::nonzero(v ^ swar::splat(b' ')) & swar::nonzero(v ^ swar::splat(b'\n'));
        if other != 0 {
            n += swar::first(other);
            break;
        }
        n += 8;
    }
    n + bytes[n..]
        .iter()
        .position(|&b| !is_xml_space(char::from(b)))
        .unwrap_or(bytes.len() - n)
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

/// XML white space (`#x20 | #x9 | #xD | #xA`).
#[inline]
pub const fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Whether `text` is only XML white space ([`is_xml_space`]), or nothing.
#[inline]
pub fn is_blank(text: &str) -> bool {
    text.bytes().all(|b| is_xml_space(char::from(b)))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The white space counted word by word is the white space there is, wherever it ends.
    #[test]
    fn blank_len_counts_white_space_exactly() {
        let blanks = [b' ', b'\n', b'\t', b'\r'];
        for len in 0..20 {
            for pattern in 0..16u32 {
                // `len` white space bytes, cycling through the four kinds by `pattern`.
                let mut bytes: Vec<u8> = (0..len)
                    .map(|i| blanks[((pattern >> (i % 4)) as usize + i) % 4])
                    .collect();
                assert_eq!(blank_len(&bytes), len, "{bytes:?}");
                for stop in [b'<', b'x', 0x80, 0x00, 0x2a, 0x0b, 0xa0, 0x8a] {
                    bytes.push(stop);
                    bytes.extend_from_slice(b"  \n");
                    assert_eq!(blank_len(&bytes), len, "{bytes:?}");
                    bytes.truncate(len);
                }
            }
        }
    }
}
