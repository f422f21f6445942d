//! Bytes as downloaded: zip archives (with their entry-name traps), text in UTF-8 or
//! Windows-1252, CSV with or without quoting, and the size limits that keep a hostile
//! archive from filling the memory or the disk.

use std::io::{self, BufRead, Read, Seek};

use unicode_normalization::UnicodeNormalization;

use super::Error;

/// Safety limits on what a referential may unpack to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Most bytes one archive member may unpack to (the real XML export of the RNCP is under
    /// 1 GB).
    pub max_member: u64,
    /// Most bytes all the members of one archive may unpack to.
    pub max_unpacked: u64,
    /// Largest unpacked/packed ratio accepted for a member larger than 64 MiB (real exports
    /// stay near 10).
    pub max_ratio: u64,
    /// Most members in one archive.
    pub max_members: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_member: 2 << 30,
            max_unpacked: 4 << 30,
            max_ratio: 1000,
            max_members: 10_000,
        }
    }
}

/// The name of a zip member as a person reads it: UTF-8 when the bytes are UTF-8 (France
/// Compétences writes UTF-8 without setting the zip flag), else code page 437 (the zip
/// default), in NFC (the same archive may come in NFC or NFD), without its folders.
pub fn member_name(raw: &[u8]) -> String {
    let name = match std::str::from_utf8(raw) {
        Ok(s) => s.to_owned(),
        Err(_) => raw.iter().map(|&b| cp437(b)).collect(),
    };
    let base = name.rsplit(['/', '\\']).next().unwrap_or(&name);
    base.nfc().collect()
}

/// Code page 437, the zip default for names without the UTF-8 flag.
fn cp437(b: u8) -> char {
    const HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";
    if b < 0x80 {
        b as char
    } else {
        HIGH.chars()
            .nth(usize::from(b - 0x80))
            .unwrap_or('\u{fffd}')
    }
}

/// A field's text: UTF-8 when it is, else Windows-1252 (which never fails: Certif Info and
/// the BCN write Windows-1252, with stray UTF-8 sequences inside some fields).
pub fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.into(),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// The first line of `head` (a file's first bytes), decoded, without a byte order mark, in NFC.
pub fn first_line(head: &[u8]) -> String {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let end = memchr::memchr(b'\n', head).unwrap_or(head.len());
    let line = head[..end].strip_suffix(b"\r").unwrap_or(&head[..end]);
    text(line).nfc().collect()
}

/// The column names of a CSV header line, without quotes.
pub fn columns(line: &str, delimiter: char) -> Vec<String> {
    line.split(delimiter)
        .map(|c| c.trim().trim_matches('"').trim().to_owned())
        .collect()
}

/// How a CSV file is written.
#[derive(Debug, Clone, Copy)]
pub struct CsvDialect {
    /// `;` or `,`.
    pub delimiter: u8,
    /// RFC 4180 quoting (France Compétences, ROME), or none (Certif Info, BCN: their values
    /// hold literal `"`).
    pub quoting: bool,
}

/// A CSV reader over `input` (a byte order mark is skipped; rows may have more or fewer
/// fields than the header).
fn csv_reader<R: BufRead>(mut input: R, dialect: CsvDialect) -> io::Result<csv::Reader<R>> {
    let head = input.fill_buf()?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
    Ok(csv::ReaderBuilder::new()
        .delimiter(dialect.delimiter)
        .quoting(dialect.quoting)
        .flexible(true)
        .has_headers(true)
        .from_reader(input))
}

/// The index of each wanted column in a CSV header (names compared in NFC, case-insensitive).
fn header_indexes<const N: usize>(
    header: &csv::ByteRecord,
    wanted: [&str; N],
) -> [Option<usize>; N] {
    let names: Vec<String> = header
        .iter()
        .map(|f| {
            let t: String = text(f).nfc().collect();
            t.trim().trim_matches('"').to_lowercase()
        })
        .collect();
    wanted.map(|w| {
        let w: String = w.nfc().collect::<String>().to_lowercase();
        names.iter().position(|n| *n == w)
    })
}

/// The rows of a CSV file of a referential, with the place in its header of the columns asked
/// for: what every CSV reader of a referential starts with. [`Rows::open`] names the columns
/// (the first ones required), [`Rows::next_row`] hands out each row, whose [`Row::text`] `k`
/// is the field of the `k`th column named.
pub struct Rows<'f, R, const N: usize> {
    reader: csv::Reader<R>,
    record: csv::ByteRecord,
    columns: [Option<usize>; N],
    file: &'f str,
}

impl<'f, R: BufRead, const N: usize> Rows<'f, R, N> {
    /// Reads `input` (the file named `file`, written as `dialect` says) and finds `columns`
    /// in its header (names compared in NFC, case-insensitive). The first `required` of them
    /// must be there: an error names those missing.
    pub fn open(
        input: R,
        file: &'f str,
        dialect: CsvDialect,
        columns: [&str; N],
        required: usize,
    ) -> Result<Self, Error> {
        let mut reader = csv_reader(input, dialect).map_err(|e| Error::referentiel_io(file, &e))?;
        let header = reader.byte_headers().map_err(|e| csv_error(file, &e))?;
        let found = header_indexes(header, columns);
        let missing: Vec<&str> = columns
            .iter()
            .zip(&found)
            .take(required)
            .filter(|(_, at)| at.is_none())
            .map(|(name, _)| *name)
            .collect();
        if let Some((last, before)) = missing.split_last() {
            let (fr, en) = if before.is_empty() {
                (
                    format!("colonne {last} attendue"),
                    format!("column {last} expected"),
                )
            } else {
                let before = before.join(", ");
                (
                    format!("colonnes {before} et {last} attendues"),
                    format!("columns {before} and {last} expected"),
                )
            };
            return Err(Error::referentiel(file, fr, en));
        }
        Ok(Rows {
            reader,
            record: csv::ByteRecord::new(),
            columns: found,
            file,
        })
    }

    /// The next row, `None` after the last one.
    pub fn next_row(&mut self) -> Result<Option<Row<'_, N>>, Error> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => Ok(Some(Row {
                record: &self.record,
                columns: &self.columns,
            })),
            Ok(false) => Ok(None),
            Err(e) => Err(csv_error(self.file, &e)),
        }
    }
}

/// A row of [`Rows`].
pub struct Row<'a, const N: usize> {
    record: &'a csv::ByteRecord,
    columns: &'a [Option<usize>; N],
}

impl<'a, const N: usize> Row<'a, N> {
    /// The bytes of the `k`th column asked for: `None` when the header has no such column or
    /// the row stops before it.
    pub fn field(&self, k: usize) -> Option<&'a [u8]> {
        self.columns
            .get(k)
            .copied()
            .flatten()
            .and_then(|i| self.record.get(i))
    }

    /// The text of the `k`th column asked for ([`text`]), as [`Row::field`].
    pub fn text(&self, k: usize) -> Option<std::borrow::Cow<'a, str>> {
        self.field(k).map(text)
    }
}

/// A CSV error as a referential error of `file`.
fn csv_error(file: &str, e: &csv::Error) -> Error {
    let line = e.position().map(|p| p.line());
    match (e.kind(), line) {
        (csv::ErrorKind::Io(io), _) => Error::referentiel_io(file, io),
        (_, Some(l)) => Error::referentiel(
            file,
            format!("CSV illisible ligne {l} ({e})"),
            format!("unreadable CSV at line {l} ({e})"),
        ),
        _ => Error::referentiel(
            file,
            format!("CSV illisible ({e})"),
            format!("unreadable CSV ({e})"),
        ),
    }
}

/// A reader that fails once more than `limit` bytes were read (a member that unpacks to more
/// than it declared).
pub struct Bounded<R> {
    inner: R,
    left: u64,
}

impl<R> Bounded<R> {
    /// At most `limit` bytes of `inner`.
    pub fn new(inner: R, limit: u64) -> Self {
        Bounded { inner, left: limit }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // One more byte tells a member exactly at the limit from a longer one.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(
                    "le membre se décompresse en plus d'octets que la limite : archive refusée (bombe zip ?)",
                )),
            };
        }
        let max = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Refuses an archive before anything is unpacked when its members declare more than the
/// limits allow.
pub fn check_archive<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    file: &str,
    limits: &Limits,
) -> Result<(), Error> {
    if zip.len() > limits.max_members {
        return Err(Error::referentiel(
            file,
            format!(
                "archive de {} membres, plus que les {} admis : refusée",
                zip.len(),
                limits.max_members
            ),
            format!(
                "archive with {} members, more than the {} allowed: refused",
                zip.len(),
                limits.max_members
            ),
        ));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(member) = zip.by_index_raw(i) else {
            continue;
        };
        let (size, packed) = (member.size(), member.compressed_size().max(1));
        let name = member_name(member.name_raw());
        total = total.saturating_add(size);
        if size > limits.max_member || (size > (64 << 20) && size / packed > limits.max_ratio) {
            return Err(Error::referentiel(
                file,
                format!("le membre « {name} » se décompresse en {size} octets ({} fois sa taille) : archive refusée (bombe zip ?)", size / packed),
                format!("member \"{name}\" unpacks to {size} bytes ({} times its size): archive refused (zip bomb?)", size / packed),
            ));
        }
    }
    if total > limits.max_unpacked {
        return Err(Error::referentiel(
            file,
            format!(
                "l'archive se décompresse en {total} octets, plus que les {} admis : refusée",
                limits.max_unpacked
            ),
            format!(
                "the archive unpacks to {total} bytes, more than the {} allowed: refused",
                limits.max_unpacked
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;

    #[test]
    fn member_names_in_any_form() {
        let nfc = "export_fiches_CSV_Blocs_De_Compétences_2024_02_22.csv";
        let nfd = "export_fiches_CSV_Blocs_De_Compe\u{301}tences_2024_02_22.csv";
        assert_eq!(member_name(nfc.as_bytes()), nfc);
        assert_eq!(member_name(nfd.as_bytes()), nfc);
        assert_eq!(member_name(b"dir/sub/a.csv"), "a.csv");
        // CP437 (a name that is not UTF-8): 0x82 is é.
        assert_eq!(member_name(b"caf\x82.csv"), "café.csv");
    }

    #[test]
    fn text_in_either_encoding() {
        assert_eq!(text("Scolarité".as_bytes()), "Scolarité");
        assert_eq!(text(b"Scolarit\xe9 l\x92an"), "Scolarité l’an");
        assert_eq!(first_line(b"\xEF\xBB\xBFA;B\r\nx"), "A;B");
        assert_eq!(columns("\"A\";\"B\";C", ';'), ["A", "B", "C"]);
    }

    #[test]
    fn bounded_reads_fail_past_the_limit() {
        let mut ok = Bounded::new(&b"abc"[..], 3);
        let mut s = String::new();
        assert!(ok.read_to_string(&mut s).is_ok());
        let mut over = Bounded::new(&b"abcd"[..], 3);
        assert!(over.read_to_string(&mut String::new()).is_err());
    }

    const SEMICOLON: CsvDialect = CsvDialect {
        delimiter: b';',
        quoting: false,
    };

    #[test]
    fn rows_find_their_columns_whatever_the_order_case_and_byte_order_mark() {
        let csv = "\u{feff}Autre;code_B;Code_A\n1;b1;a1\n2;b2\n3;;a\u{e9}\n";
        let mut rows =
            Rows::open(csv.as_bytes(), "f.csv", SEMICOLON, ["CODE_A", "code_b"], 1).unwrap();
        let mut seen = Vec::new();
        while let Some(row) = rows.next_row().unwrap() {
            seen.push((
                row.text(0).map(Cow::into_owned),
                row.field(1).map(<[u8]>::to_vec),
            ));
        }
        assert_eq!(
            seen,
            [
                (Some("a1".to_owned()), Some(b"b1".to_vec())),
                // A short row: the column it stops before is absent, not empty.
                (None, Some(b"b2".to_vec())),
                (Some("a\u{e9}".to_owned()), Some(Vec::new())),
            ]
        );
    }

    #[test]
    fn rows_name_the_required_columns_missing() {
        let err = |columns: [&str; 3], required| match Rows::open(
            &b"x;y\n1;2\n"[..],
            "f.csv",
            SEMICOLON,
            columns,
            required,
        ) {
            Ok(_) => panic!("{columns:?} accepted"),
            Err(e) => e.to_string(),
        };
        let one = err(["x", "a", "b"], 2);
        assert!(one.contains("colonne a attendue"), "{one}");
        let two = err(["a", "y", "b"], 3);
        assert!(two.contains("colonnes a et b attendues"), "{two}");
        let three = err(["a", "b", "c"], 3);
        assert!(three.contains("colonnes a, b et c attendues"), "{three}");
        // Columns past `required` may be missing.
        assert!(Rows::open(&b"x;y\n"[..], "f.csv", SEMICOLON, ["x", "a", "b"], 1).is_ok());
    }

    #[test]
    fn rows_pass_on_a_failing_input_as_the_file_s_error() {
        /// A header, a row, then a failure.
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let data: &[u8] = b"a\nx\n";
                if self.0 >= data.len() {
                    return Err(io::Error::other("disque illisible"));
                }
                let n = (data.len() - self.0).min(out.len());
                out[..n].copy_from_slice(&data[self.0..self.0 + n]);
                self.0 += n;
                Ok(n)
            }
        }
        let input = io::BufReader::new(Failing(0));
        let mut rows = Rows::open(input, "f.csv", SEMICOLON, ["a"], 1).unwrap();
        assert_eq!(
            rows.next_row().unwrap().and_then(|r| r.text(0)).as_deref(),
            Some("x")
        );
        let e = match rows.next_row() {
            Err(e) => e.to_string(),
            Ok(_) => panic!("the failure is lost"),
        };
        assert!(e.contains("f.csv") && e.contains("disque illisible"), "{e}");
    }
}
