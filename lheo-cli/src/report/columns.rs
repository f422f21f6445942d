//! Byte columns made character columns. lheo's findings count columns in bytes of the
//! document decoded to UTF-8 (like libxml2); SARIF counts them in Unicode code points. The
//! two differ after a non-ASCII character on the same line — everywhere in a national feed
//! written on one line.
//!
//! One pass over the input: lines without a finding are skipped with `memchr`, and memory
//! stays that of the read buffer, whatever the length of a line.

use std::collections::HashMap;
use std::io::{self, BufRead};

/// For each `(line, byte column)` of `targets` that exists in `input` (already UTF-8), its
/// 1-based column in characters.
pub fn char_columns(
    mut input: impl BufRead,
    targets: &[(u32, u32)],
) -> io::Result<HashMap<(u32, u32), u32>> {
    let mut wanted: Vec<(u32, u32)> = targets.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut found = HashMap::with_capacity(wanted.len());
    let mut next = 0;
    let (mut line, mut byte, mut chars) = (1u32, 1u32, 1u32);
    while next < wanted.len() {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let mut i = 0;
        while i < buf.len() && next < wanted.len() {
            let (target_line, target_col) = wanted[next];
            if line < target_line {
                // Skip to the next line break.
                match memchr::memchr(b'\n', &buf[i..]) {
                    Some(k) => {
                        i += k + 1;
                        line += 1;
                        (byte, chars) = (1, 1);
                    }
                    None => i = buf.len(),
                }
                continue;
            }
            if line > target_line || byte > target_col {
                // Past it (a column beyond its line's end): not there.
                next += 1;
                continue;
            }
            if byte == target_col {
                found.insert(wanted[next], chars);
                next += 1;
                continue;
            }
            let b = buf[i];
            if b == b'\n' {
                line += 1;
                (byte, chars) = (1, 1);
            } else {
                byte += 1;
                // Characters before the next byte: one more when this one starts one.
                if b & 0xC0 != 0x80 {
                    chars += 1;
                }
            }
            i += 1;
        }
        let used = i;
        input.consume(used);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_after_accents_count_characters() {
        let text = "<a>\n<é>été<b/>\n\n<c/>";
        let cols =
            char_columns(text.as_bytes(), &[(2, 11), (1, 1), (4, 1), (2, 1), (9, 1)]).unwrap();
        // `<b/>` starts at byte 11 of line 2, character 8.
        assert_eq!(cols.get(&(2, 11)), Some(&8));
        assert_eq!(cols.get(&(1, 1)), Some(&1));
        assert_eq!(cols.get(&(2, 1)), Some(&1));
        assert_eq!(cols.get(&(4, 1)), Some(&1));
        assert_eq!(cols.get(&(9, 1)), None);
    }

    #[test]
    fn a_small_buffer_changes_nothing() {
        let text = "é".repeat(1000) + "<x/>";
        let input = io::BufReader::with_capacity(7, text.as_bytes());
        let cols = char_columns(input, &[(1, 2001)]).unwrap();
        assert_eq!(cols.get(&(1, 2001)), Some(&1001));
    }
}
