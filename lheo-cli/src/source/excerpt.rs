//! The excerpts of source lines shown under human diagnostics.
//!
//! Excerpts never load a whole file: after validation the input is streamed once more and only
//! the needed lines are kept, each cut to a window around its column (national feeds are often
//! one gigabyte-long line). A gzip-compressed input is decompressed on the way; the standard
//! input and other streams are read from the copy made while they were validated.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

/// Longest line shown whole; longer lines are cut to a window around the column.
const MAX_WHOLE_LINE: usize = 160;
/// Bytes kept on each side of the column in a long line.
const WINDOW: usize = 60;
/// Marks a cut.
const ELLIPSIS: &str = "…";

/// A piece of a source line, ready to print with a caret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// The text (valid UTF-8, no line break), possibly cut with `…` on either side.
    pub text: String,
    /// Byte offset of the caret in `text` (may equal `text.len()` at the end of the line).
    pub caret: usize,
}

/// Excerpts by (line, column).
pub type Excerpts = HashMap<(u32, u32), Excerpt>;

/// Reads the excerpts for `targets` (1-based line and byte column in the UTF-8 text) from a
/// file, decoding it like the reader does. Errors give no excerpts rather than a failure.
pub fn excerpts_from_file(path: &Path, targets: &[(u32, u32)]) -> Excerpts {
    if targets.is_empty() {
        return Excerpts::new();
    }
    let Ok(file) = File::open(path) else {
        return Excerpts::new();
    };
    let Ok(content) = lheo::input::open(BufReader::with_capacity(64 * 1024, file)) else {
        return Excerpts::new();
    };
    match lheo::reader::utf8(content) {
        Ok((utf8, _)) => excerpts(utf8, targets).unwrap_or_default(),
        Err(_) => Excerpts::new(),
    }
}

/// One target being collected on the current line.
struct Window {
    key: (u32, u32),
    /// First and last (inclusive) 1-based byte columns kept.
    start: u64,
    end: u64,
    bytes: Vec<u8>,
}

/// Streams `input` (UTF-8) once and collects the excerpts for `targets`.
pub fn excerpts(mut input: impl BufRead, targets: &[(u32, u32)]) -> io::Result<Excerpts> {
    let mut wanted: Vec<(u32, u32)> = targets.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut result = Excerpts::new();
    let mut next = 0; // index in `wanted` of the first target not finished
    let mut line: u32 = 1;
    let mut col: u64 = 1; // column of the next byte
    let mut head: Vec<u8> = Vec::new();
    let mut windows: Vec<Window> = Vec::new();
    let mut on_target_line = begin_line(&wanted, line, &mut next, &mut windows, &mut head);

    loop {
        if next >= wanted.len() {
            break;
        }
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        let len = chunk.len();
        let mut pos = 0;
        while pos < len && next < wanted.len() {
            let rest = &chunk[pos..];
            if !on_target_line {
                // Lines without a target (most of them) are passed line feed by line feed in
                // one search, not one search and one line's bookkeeping each.
                match skip_lines(rest, wanted[next].0 - line) {
                    (passed, Some(at)) => {
                        pos += at;
                        line += passed;
                        col = 1;
                        on_target_line =
                            begin_line(&wanted, line, &mut next, &mut windows, &mut head);
                    }
                    (passed, None) => {
                        // The line goes on in the next chunk: its column does not matter,
                        // it has no target.
                        pos = len;
                        line += passed;
                    }
                }
                continue;
            }
            // A line with targets: its bytes are kept.
            let newline = memchr::memchr(b'\n', rest);
            let segment = &rest[..newline.unwrap_or(rest.len())];
            collect(segment, col, &mut head, &mut windows);
            col += segment.len() as u64;
            pos += segment.len();
            if newline.is_some() {
                pos += 1;
                finish_line(&head, &mut windows, &mut result);
                line += 1;
                col = 1;
                on_target_line = begin_line(&wanted, line, &mut next, &mut windows, &mut head);
            } else if head.len() > MAX_WHOLE_LINE && windows.iter().all(|w| col > w.end) {
                // A long line whose windows are complete: the rest of it is not needed (a
                // whole feed on one line, or a device that never ends a line, /dev/zero).
                finish_line(&head, &mut windows, &mut result);
                on_target_line = false;
                while next < wanted.len() && wanted[next].0 <= line {
                    next += 1;
                }
            }
        }
        input.consume(pos.min(len));
        if pos < len {
            break;
        }
    }
    if on_target_line {
        finish_line(&head, &mut windows, &mut result);
    }
    Ok(result)
}

/// Passes up to `lines` line feeds of `bytes`: how many it passed, and the index just after
/// the last one when it passed them all.
fn skip_lines(bytes: &[u8], lines: u32) -> (u32, Option<usize>) {
    let mut passed = 0;
    for at in memchr::memchr_iter(b'\n', bytes) {
        passed += 1;
        if passed == lines {
            return (passed, Some(at + 1));
        }
    }
    (passed, None)
}

/// Starts line `line`: skips the targets of earlier lines and opens a window for each target
/// on this one. Returns `true` when the line has targets.
fn begin_line(
    wanted: &[(u32, u32)],
    line: u32,
    next: &mut usize,
    windows: &mut Vec<Window>,
    head: &mut Vec<u8>,
) -> bool {
    while *next < wanted.len() && wanted[*next].0 < line {
        *next += 1;
    }
    head.clear();
    windows.clear();
    for &(l, c) in wanted[*next..].iter().take_while(|(l, _)| *l == line) {
        let col = u64::from(c.max(1));
        windows.push(Window {
            key: (l, c),
            start: col.saturating_sub(WINDOW as u64).max(1),
            end: col + WINDOW as u64,
            bytes: Vec::new(),
        });
    }
    !windows.is_empty()
}

/// Adds the bytes of `segment` (starting at column `col`) to the head and to the windows.
fn collect(segment: &[u8], col: u64, head: &mut Vec<u8>, windows: &mut [Window]) {
    if head.len() <= MAX_WHOLE_LINE {
        let take = (MAX_WHOLE_LINE + 1 - head.len()).min(segment.len());
        head.extend_from_slice(&segment[..take]);
    }
    let seg_end = col + segment.len() as u64; // exclusive
    for w in windows.iter_mut() {
        let from = w.start.max(col);
        let to = (w.end + 1).min(seg_end);
        if from < to {
            w.bytes
                .extend_from_slice(&segment[(from - col) as usize..(to - col) as usize]);
        }
    }
}

/// Turns the collected line into excerpts.
fn finish_line(head: &[u8], windows: &mut Vec<Window>, result: &mut Excerpts) {
    let whole = head.len() <= MAX_WHOLE_LINE;
    for w in windows.drain(..) {
        let caret_col = u64::from(w.key.1.max(1));
        let excerpt = if whole {
            let text = strip_cr(head);
            make_excerpt(text, (caret_col - 1) as usize, false, false)
        } else {
            let cut_left = w.start > 1;
            let cut_right = w.bytes.len() as u64 > w.end - w.start;
            let bytes = if cut_right {
                &w.bytes[..(w.end - w.start) as usize]
            } else {
                strip_cr(&w.bytes)
            };
            make_excerpt(bytes, (caret_col - w.start) as usize, cut_left, cut_right)
        };
        result.insert(w.key, excerpt);
    }
}

fn strip_cr(bytes: &[u8]) -> &[u8] {
    bytes.strip_suffix(b"\r").unwrap_or(bytes)
}

/// Builds an excerpt from raw bytes, fixing UTF-8 at the cuts and moving the caret with them.
fn make_excerpt(bytes: &[u8], caret: usize, cut_left: bool, cut_right: bool) -> Excerpt {
    let mut start = 0;
    let mut end = bytes.len();
    if cut_left {
        while start < end && (bytes[start] & 0xC0) == 0x80 {
            start += 1;
        }
    }
    if cut_right {
        // Drop an incomplete UTF-8 sequence at the end.
        let mut i = end;
        while i > start && (bytes[i - 1] & 0xC0) == 0x80 {
            i -= 1;
        }
        if i > start {
            let lead = bytes[i - 1];
            let need = if lead >= 0xF0 {
                4
            } else if lead >= 0xE0 {
                3
            } else if lead >= 0xC0 {
                2
            } else {
                1
            };
            if end - (i - 1) < need {
                end = i - 1;
            }
        }
    }
    let caret = caret.clamp(start, end);
    let before = String::from_utf8_lossy(&bytes[start..caret]);
    let after = String::from_utf8_lossy(&bytes[caret..end]);
    let mut text = String::with_capacity(end - start + 2 * ELLIPSIS.len());
    if cut_left {
        text.push_str(ELLIPSIS);
    }
    text.push_str(&before);
    let caret = text.len();
    text.push_str(&after);
    if cut_right {
        text.push_str(ELLIPSIS);
    }
    Excerpt { text, caret }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, targets: &[(u32, u32)]) -> Excerpts {
        // A tiny buffer exercises lines split across chunks.
        excerpts(BufReader::with_capacity(7, text.as_bytes()), targets).unwrap()
    }

    #[test]
    fn picks_lines_and_places_carets() {
        let text = "<a>\r\n  <b>\n\n  <c/>\n";
        let ex = run(text, &[(2, 3), (4, 3), (1, 1)]);
        assert_eq!(ex[&(1, 1)].text, "<a>");
        assert_eq!(ex[&(1, 1)].caret, 0);
        assert_eq!(ex[&(2, 3)].text, "  <b>");
        assert_eq!(ex[&(2, 3)].caret, 2);
        assert_eq!(ex[&(4, 3)].text, "  <c/>");
    }

    #[test]
    fn several_columns_on_one_line_and_missing_lines() {
        let ex = run("<a><b/><c/></a>", &[(1, 4), (1, 8), (9, 1)]);
        assert_eq!(ex[&(1, 4)].caret, 3);
        assert_eq!(ex[&(1, 8)].caret, 7);
        assert!(!ex.contains_key(&(9, 1)));
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let mut line = "é".repeat(300);
        line.push_str("<x/>");
        line.push_str(&"z".repeat(300));
        let col = "é".repeat(300).len() as u32 + 1;
        let ex = run(&line, &[(1, col)]);
        let e = &ex[&(1, col)];
        assert!(e.text.starts_with('…') && e.text.ends_with('…'));
        assert!(e.text[e.caret..].starts_with("<x/>"));
        assert!(e.text.len() < 2 * WINDOW + 10);
    }

    #[test]
    fn a_line_that_never_ends_is_cut_without_reading_on() {
        // /dev/zero, or a pipe that never ends a line: the excerpt is made all the same.
        let endless = BufReader::new(io::repeat(b'x'));
        let ex = excerpts(endless, &[(1, 5), (1, 300)]).unwrap();
        assert_eq!(ex[&(1, 5)].caret, 4);
        assert!(ex[&(1, 300)].text.starts_with('…') && ex[&(1, 300)].text.ends_with('…'));
        // A target on a later line still needs the line end; a finite long line gives it.
        let mut text = "y".repeat(10_000);
        text.push_str("\n<a/>\n");
        let ex = run(&text, &[(1, 9_000), (2, 1)]);
        assert_eq!(ex[&(2, 1)].text, "<a/>");
        assert!(ex[&(1, 9_000)].text.ends_with('…'));
    }

    /// Whatever the lines, the targets and the buffer's size, every target on a line of the
    /// text gets that line (short lines here: shown whole), and no other target an excerpt.
    #[test]
    fn targets_get_their_lines_whatever_the_chunks() {
        let lines: Vec<String> = (0..200)
            .map(|i| match i % 7 {
                0 => String::new(),
                1 => "\r".to_owned(),
                k => format!("<l{i}>{}</l{i}>", "x".repeat(k * 3)),
            })
            .collect();
        let text = lines.join("\n");
        let targets: Vec<(u32, u32)> = [1, 2, 3, 9, 10, 11, 57, 58, 150, 199, 200, 201, 400]
            .iter()
            .map(|&l| (l, 1))
            .collect();
        for capacity in [1, 2, 3, 5, 8, 64, 4096] {
            let ex = excerpts(
                BufReader::with_capacity(capacity, text.as_bytes()),
                &targets,
            )
            .unwrap();
            for &(l, c) in &targets {
                let expected = lines.get(l as usize - 1).map(|t| t.trim_end_matches('\r'));
                assert_eq!(
                    ex.get(&(l, c)).map(|e| e.text.as_str()),
                    expected,
                    "line {l}, buffer of {capacity}"
                );
            }
        }
    }

    #[test]
    fn caret_past_the_end_is_clamped() {
        let ex = run("<a>\n", &[(1, 50)]);
        assert_eq!(ex[&(1, 50)].caret, 3);
    }
}
