//! A quick look at the cell references of an `.xlsx`, for a workbook read without budgets
//! ([`Limits::trusted`](super::Limits::trusted)): there, the pre-scan ([`super::scan`]) only
//! checks Excel's bounds, and the streamed reading checks each cell's position itself, except
//! where the workbook library computes it wrong: a reference past 32 bits wraps around in its
//! arithmetic. The pre-scan parses every part as XML (a quarter of the CPU of importing a large
//! workbook); [`plain_references`] only looks at the bytes around each `=` of the unpacked
//! parts: when every attribute named `r` or `ref` is a reference or a range within the limits
//! (in order), the pre-scan has nothing to find that the reading does not find itself, and it
//! is skipped. Anything else (another value, a reference past the limits, an attribute it
//! cannot read at a glance) leaves the decision to the pre-scan, which then runs as before: a
//! look that is wrong only costs the time of the pre-scan.

use std::io::{BufRead, BufReader, Read, Seek};

use super::limits::{Budget, Limits};
use super::scan::{parse_ref, parse_row, starts_as_xml};
use crate::check::types::is_xml_space;
use crate::xml::swar;

/// Bytes before an `=` looked at for the attribute's name (`ref` and a little white space).
const BEHIND: usize = 16;
/// Bytes after an `=` looked at for the value (white space, quotes, a range of two references
/// of at most ten characters each).
const AHEAD: usize = 64;
/// Unpacked bytes read at a time.
const BLOCK: usize = 256 << 10;

/// Whether every attribute named `r` or `ref` in the XML parts of the `.xlsx` archive `input`
/// is a plain reference (`B7`, or a row number for `r`) or range (`A1:C9`, in order) within
/// `limits`. `false` also when the archive or one of its parts cannot be read.
pub fn plain_references<R: Read + Seek>(input: &mut R, limits: &Limits) -> bool {
    let Ok(mut zip) = zip::ZipArchive::new(&mut *input) else {
        return false;
    };
    let budget = Budget::new(*limits);
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index(i) else {
            return false;
        };
        let mut buffered = BufReader::new(part);
        if !starts_as_xml(&mut buffered) {
            continue;
        }
        if !part_is_plain(buffered, &budget) {
            return false;
        }
    }
    true
}

/// [`plain_references`] for one unpacked part.
fn part_is_plain(mut input: impl BufRead, budget: &Budget) -> bool {
    // `window[judged..]` is not judged yet; the `BEHIND` bytes before `judged` are kept.
    let mut window: Vec<u8> = Vec::with_capacity(BLOCK + BEHIND + AHEAD);
    let mut judged = 0;
    // Whether `window[0]` is the part's first byte (nothing was dropped before it).
    let mut origin = true;
    // `<c>` start tags, and those with an `r` attribute holding a cell reference; whether
    // the last `<` or `>` seen opened a cell's start tag.
    let (mut cells, mut references, mut in_cell) = (0u64, 0u64, false);
    loop {
        let Some(read) = read_block(&mut input, &mut window) else {
            return false;
        };
        let end = read == 0;
        // Without the end of the part, an `=` is judged with `AHEAD` bytes after it.
        let until = if end {
            window.len()
        } else {
            window.len().saturating_sub(AHEAD)
        };
        for i in Stops::new(&window[judged..until]) {
            let p = judged + i;
            match window[p] {
                b'<' => {
                    in_cell = is_cell_tag(&window, p);
                    cells += u64::from(in_cell);
                }
                b'>' => in_cell = false,
                _ => match plain_at(&window, p, origin, budget).unwrap_or(Judged::Odd) {
                    // The first `r` of a cell's start tag is its reference (as the pre-scan
                    // reads it): one that is not a cell reference leaves the cell without.
                    judged @ (Judged::Cell | Judged::Row) if in_cell => {
                        references += u64::from(judged == Judged::Cell);
                        in_cell = false;
                    }
                    Judged::Other | Judged::Cell | Judged::Row => {}
                    Judged::Odd => return false,
                },
            }
        }
        if end {
            // A cell without a reference of its own is placed after the one before it:
            // the pre-scan follows such places, the look does not.
            return cells == references;
        }
        let keep = until.saturating_sub(BEHIND);
        window.drain(..keep);
        origin &= keep == 0;
        judged = until - keep;
    }
}

/// Appends up to [`BLOCK`] bytes of `input` to `window` (copied from the reader's buffer:
/// `read_to_end` zeroed the room before reading into it); how many, `None` on an error.
fn read_block(input: &mut impl BufRead, window: &mut Vec<u8>) -> Option<usize> {
    let mut read = 0;
    while read < BLOCK {
        let buffered = input.fill_buf().ok()?;
        if buffered.is_empty() {
            break;
        }
        let n = buffered.len().min(BLOCK - read);
        window.extend_from_slice(&buffered[..n]);
        input.consume(n);
        read += n;
    }
    Some(read)
}

/// The indexes of the bytes `=`, `<` and `>` of a slice, in order. In a sheet, one of them
/// comes every four or five bytes: too close together for a vector search (`memchr3_iter`
/// set one up for each, a third of the look's work). Here, eight bytes at a time are
/// compared in one word (SWAR), then the stops found are given one by one.
struct Stops<'a> {
    bytes: &'a [u8],
    /// Index of the word's first byte.
    at: usize,
    /// The high bit of each byte of the word that is a stop not given yet.
    mask: u64,
    /// Index of the next word.
    next: usize,
}

impl<'a> Stops<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Stops {
            bytes,
            at: 0,
            mask: 0,
            next: 0,
        }
    }
}

/// The high bit of each byte of `word` that is `=`, `<` or `>`.
#[inline(always)]
fn stops_in(word: u64) -> u64 {
    swar::equal(word, b'=') | swar::equal(word, b'<') | swar::equal(word, b'>')
}

impl Iterator for Stops<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            let rest = self.bytes.get(self.next..).filter(|r| !r.is_empty())?;
            let word = match rest.first_chunk::<8>() {
                Some(word) => *word,
                // The last bytes, and zeros (not stops) after them.
                None => {
                    let mut word = [0; 8];
                    word[..rest.len()].copy_from_slice(rest);
                    word
                }
            };
            self.mask = stops_in(swar::word(word));
            self.at = self.next;
            self.next += rest.len().min(8);
        }
        let i = swar::first(self.mask);
        self.mask &= self.mask - 1;
        Some(self.at + i)
    }
}

fn is_space(b: u8) -> bool {
    is_xml_space(char::from(b))
}

/// Whether `b` may be part of a name, at a glance (any byte of a non-ASCII character).
fn is_name_byte(b: u8) -> bool {
    NAME_BYTES[usize::from(b)]
}

/// [`is_name_byte`] by byte: looked up, as it is asked for every byte of every name.
const NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':') || c >= 0x80;
        b += 1;
    }
    table
};

/// What the `=` of an attribute is, at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Judged {
    /// Not that of an `r` or `ref` attribute, or that of a `ref` within the limits (a range
    /// in order).
    Other,
    /// That of an `r` attribute holding a row number within the limits.
    Row,
    /// That of an `r` attribute holding a cell reference within the limits.
    Cell,
    /// Anything else: the pre-scan decides.
    Odd,
}

/// Whether the `<` at `p` of `w` starts a tag named `c` (any prefix): a cell.
fn is_cell_tag(w: &[u8], p: usize) -> bool {
    let limit = w.len().min(p + AHEAD);
    let mut i = p + 1;
    while i < limit && is_name_byte(w[i]) {
        i += 1;
    }
    let name = &w[p + 1..i];
    let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
    local == b"c"
        && w.get(i)
            .is_some_and(|&b| is_space(b) || b == b'/' || b == b'>')
}

/// What the `=` at `p` of `w` is ([`Judged`]), `None` for [`Judged::Odd`]. `origin`: `w`
/// starts where the part starts.
fn plain_at(w: &[u8], p: usize, origin: bool, budget: &Budget) -> Option<Judged> {
    // The name before the `=` (white space allowed between them).
    let floor = p.saturating_sub(BEHIND);
    let mut end = p;
    while end > floor && is_space(w[end - 1]) {
        end -= 1;
    }
    let mut start = end;
    while start > floor && is_name_byte(w[start - 1]) {
        start -= 1;
    }
    let name = &w[start..end];
    if name.len() > 3 {
        // Not `r` nor `ref`, whatever comes before.
        return Some(Judged::Other);
    }
    if start == floor && !(floor == 0 && origin) {
        // The name or the white space may go on before what is kept: not at a glance.
        return (!matches!(name, b"" | b"r" | b"f" | b"ef" | b"ref")).then_some(Judged::Other);
    }
    // Whatever comes before the name (white space, or a quote where a lenient parser reads
    // attributes without space between them), it is judged.
    let is_r = match name {
        b"r" => true,
        b"ref" => false,
        _ => return Some(Judged::Other),
    };
    let value = std::str::from_utf8(quoted_after(w, p + 1)?).ok()?;
    let within = |v: &str| -> Option<(u64, u64)> {
        let (row, col) = parse_ref(v)?;
        budget.position(row, col).ok()?;
        Some((row, col))
    };
    if is_r {
        if value.bytes().all(|b| b.is_ascii_digit()) {
            let row = parse_row(value)?;
            return budget.position(row, 0).is_ok().then_some(Judged::Row);
        }
        return within(value).map(|_| Judged::Cell);
    }
    let plain = match value.split_once(':') {
        None => within(value).is_some(),
        Some((a, b)) => match (within(a), within(b)) {
            (Some((r0, c0)), Some((r1, c1))) => r1 >= r0 && c1 >= c0,
            _ => false,
        },
    };
    plain.then_some(Judged::Other)
}

/// The value quoted after `from` (white space first), within `AHEAD` bytes.
fn quoted_after(w: &[u8], from: usize) -> Option<&[u8]> {
    let limit = w.len().min(from + AHEAD);
    let mut i = from;
    while i < limit && is_space(w[i]) {
        i += 1;
    }
    let quote = *w.get(i).filter(|&&q| q == b'"' || q == b'\'')?;
    let rest = &w[i + 1..limit];
    let close = memchr::memchr(quote, rest)?;
    Some(&rest[..close])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn plain(xml: &str) -> bool {
        part_is_plain(xml.as_bytes(), &Budget::new(Limits::trusted()))
    }

    #[test]
    fn plain_references_and_the_others() {
        for xml in [
            r#"<worksheet><dimension ref="A1:C9"/><sheetData><row r="1"><c r="A1" s="1" t="inlineStr"><is><t>x = "y"</t></is></c></row></sheetData></worksheet>"#,
            r#"<row r = '7' spans="1:3"><c r="XFD1048576"><f t="shared" ref="A1:A1" si="0"/></c></row>"#,
            r#"<a xr:uid="{1}" pref="ZZZZZ9" x:r="XFE1"/>"#,
            "",
        ] {
            assert!(plain(xml), "{xml}");
        }
        for xml in [
            r#"<c r="XFE1"/>"#,
            r#"<row r="1048577"/>"#,
            r#"<c r="AAAAAAAAA1"/>"#,
            r#"<c r="A99999999999"/>"#,
            r#"<dimension ref="C9:A1"/>"#,
            r#"<f ref="A1:B2:C3"/>"#,
            r#"<c r="$A$1"/>"#,
            r#"<c r="&#65;1"/>"#,
            r#"<c r=A1/>"#,
            r#"<c r="A1/>"#,
            "<c\tr\n=\n\"XFE1\"/>",
            r#"<c s="1"r="XFE1"/>"#,
            // Not an attribute, but judged as one: the pre-scan then decides.
            r#"<a href="?r=1"/>"#,
        ] {
            assert!(!plain(xml), "{xml}");
        }
    }

    /// Every `=`, `<` and `>` is found, whatever its neighbours (bytes with the high bit
    /// set, the other stops, zeros), where the word is whole and in the last bytes.
    #[test]
    fn stops_are_every_byte_looked_for() {
        let stops = |bytes: &[u8]| -> Vec<usize> {
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| matches!(b, b'=' | b'<' | b'>'))
                .map(|(i, _)| i)
                .collect()
        };
        for b in 0..=255u8 {
            for filler in [0, b'=' - 1, b'=', b'>', 0x7f, 0x80, 0xbd, 0xff] {
                for len in [1, 7, 8, 9, 17] {
                    for at in 0..len {
                        let mut bytes = vec![filler; len];
                        bytes[at] = b;
                        assert_eq!(
                            Stops::new(&bytes).collect::<Vec<_>>(),
                            stops(&bytes),
                            "{b:#x} at {at} of {len} among {filler:#x}"
                        );
                    }
                }
            }
        }
    }

    /// A workbook as `lheo export` writes it is plain: importing it skips the pre-scan.
    #[test]
    fn an_exported_workbook_is_plain() {
        let xml = crate::generate::Generator::new(
            crate::generate::GenerateOptions::new(30)
                .with_seed(5)
                .with_today(chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap()),
        )
        .to_xml_string();
        let mut xlsx = Vec::new();
        crate::workbook::export(xml.as_bytes(), &mut xlsx).unwrap();
        let trusted = Limits::trusted();
        assert!(plain_references(&mut std::io::Cursor::new(&xlsx), &trusted));
        // Under tighter bounds, its references are not all within them.
        let narrow = trusted.with_max_columns(3);
        assert!(!plain_references(&mut std::io::Cursor::new(&xlsx), &narrow));
        // Not an archive: nothing is settled.
        assert!(!plain_references(
            &mut std::io::Cursor::new(b"PK"),
            &trusted
        ));
    }

    /// Values cut by the blocks, and names far behind their `=`, are judged as in one piece.
    #[test]
    fn references_across_blocks() {
        // BLOCK - 115: the `=` after the 40 spaces is the first one judged after the window
        // moved, with only white space in sight before it.
        for pad in [
            BLOCK - 115,
            BLOCK - 70,
            BLOCK - 64,
            BLOCK - 20,
            BLOCK - 3,
            BLOCK,
            BLOCK + 1,
        ] {
            let filler = "x".repeat(pad);
            assert!(plain(&format!(r#"<t>{filler}</t><c r="B2"/>"#)));
            assert!(!plain(&format!(r#"<t>{filler}</t><c r="XFE2"/>"#)), "{pad}");
            let spaces = " ".repeat(40);
            assert!(
                !plain(&format!(r#"<t>{filler}</t><c r{spaces}="B2"/>"#)),
                "{pad}"
            );
        }
    }

    /// An `.xlsx` archive of one sheet part.
    fn archive(sheet: &str) -> Vec<u8> {
        use std::io::Write as _;
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        out.start_file(
            "xl/worksheets/sheet1.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        out.write_all(sheet.as_bytes()).unwrap();
        out.finish().unwrap().into_inner()
    }

    /// A reference, in bounds of the narrow limits or not, sometimes not one at all.
    fn reference() -> impl Strategy<Value = String> {
        prop_oneof![
            12 => ("[A-L]{1,2}", 1u32..60).prop_map(|(c, r)| format!("{c}{r}")),
            1 => Just("XFD1048576".to_owned()),
            1 => Just("XFE1".to_owned()),
            1 => Just("A1048577".to_owned()),
            1 => Just("AAAAAAAAA1".to_owned()),
            1 => Just("A99999999999".to_owned()),
            3 => (1u32..70).prop_map(|r| r.to_string()),
            1 => "[A-Z$&#;0-9]{0,6}",
        ]
    }

    /// An attribute whose name may be `r` or `ref`, with white space and either quote.
    fn attribute() -> impl Strategy<Value = String> {
        (
            prop_oneof![
                Just("r"),
                Just("ref"),
                Just("s"),
                Just("t"),
                Just("x:r"),
                Just("spans")
            ],
            prop_oneof![
                Just(""),
                Just(" "),
                Just("\n  "),
                Just("                  ")
            ],
            reference(),
            proptest::option::weighted(0.3, reference()),
            prop_oneof![Just('"'), Just('\'')],
        )
            .prop_map(|(name, space, a, b, q)| {
                let value = match b {
                    Some(b) => format!("{a}:{b}"),
                    None => a,
                };
                format!(" {name}{space}={space}{q}{value}{q}")
            })
    }

    /// A piece of a sheet: elements the pre-scan reads, and text or comments that only look
    /// like them.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            // The elements the pre-scan reads, with the attribute it reads.
            4 => (
                prop_oneof![
                    Just(("row", "r")),
                    Just(("c", "r")),
                    Just(("dimension", "ref")),
                    Just(("f", "ref")),
                ],
                prop_oneof![(1u32..70).prop_map(|r| r.to_string()), reference()],
                proptest::option::weighted(0.3, reference()),
                proptest::collection::vec(attribute(), 0..2),
            )
                .prop_map(|((element, name), a, b, attrs)| {
                    let value = match b {
                        Some(b) if name == "ref" => format!("{a}:{b}"),
                        _ => a,
                    };
                    format!("<{element} {name}=\"{value}\"{}/>", attrs.concat())
                }),
            2 => (
                prop_oneof![Just("row"), Just("c"), Just("dimension"), Just("f"), Just("v")],
                proptest::collection::vec(attribute(), 0..3),
            )
                .prop_map(|(name, attrs)| format!("<{name}{}/>", attrs.concat())),
            1 => attribute().prop_map(|a| format!("<t>{}</t>", a.replace(['<', '&'], ""))),
            // A cell whose text looks like its reference.
            1 => (
                proptest::collection::vec(attribute(), 0..2),
                attribute(),
            )
                .prop_map(|(attrs, text)| {
                    format!("<c{}>{}</c>", attrs.concat(), text.replace(['<', '&'], ""))
                }),
            1 => attribute().prop_map(|a| format!("<!--{}-->", a.replace("--", ""))),
            1 => "[a-z =]{0,300}".prop_map(|t| format!("<t>{t}</t>")),
        ]
    }

    proptest! {
        /// [`Stops`] gives what a byte-by-byte search gives.
        #[test]
        fn stops_are_found_as_one_by_one(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'='), Just(b'<'), Just(b'>'), Just(b' '), any::<u8>()],
                0..300,
            ),
        ) {
            let expected: Vec<usize> = (0..bytes.len())
                .filter(|&i| matches!(bytes[i], b'=' | b'<' | b'>'))
                .collect();
            prop_assert_eq!(Stops::new(&bytes).collect::<Vec<_>>(), expected);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// What the look lets through, the pre-scan does not refuse (under tight limits and
        /// Excel's).
        #[test]
        fn a_plain_workbook_passes_the_pre_scan(
            pieces in proptest::collection::vec(piece(), 0..8),
            narrow in any::<bool>(),
        ) {
            let sheet = format!("<worksheet><sheetData>{}</sheetData></worksheet>", pieces.concat());
            let xlsx = archive(&sheet);
            let limits = if narrow {
                Limits::trusted().with_max_rows(50).with_max_columns(12)
            } else {
                Limits::trusted()
            };
            if plain_references(&mut std::io::Cursor::new(&xlsx), &limits) {
                let scanned = crate::workbook::scan::xlsx(
                    &mut std::io::Cursor::new(&xlsx),
                    &mut Budget::new(limits),
                );
                prop_assert!(scanned.is_ok(), "{sheet}");
            }
        }
    }
}
