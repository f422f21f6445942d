//! What the rules look for in free texts: capitals (CARIF-MAJUSCULES) and copy-paste debris
//! (CARIF-CARACTERES).

/// A text "written in capitals": at least this many letters…
pub(crate) const CAPITALS_MIN_LETTERS: usize = 8;
/// …of which at least this share (in percent) are upper case.
pub(crate) const CAPITALS_MIN_PERCENT: usize = 80;

/// The letters of a text and how many of them are upper case.
pub(crate) fn letters(text: &str) -> (usize, usize) {
    text.chars()
        .filter(|c| c.is_alphabetic())
        .fold((0, 0), |(n, up), c| {
            (n + 1, up + usize::from(c.is_uppercase()))
        })
}

/// Whether a text is written in capitals.
pub(crate) fn in_capitals(text: &str) -> bool {
    let (n, up) = letters(text);
    n >= CAPITALS_MIN_LETTERS && up * 100 >= CAPITALS_MIN_PERCENT * n
}

/// A kind of copy-paste debris.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Debris {
    /// A control character (C0 but tab and line breaks, DEL, C1: often a Windows-1252
    /// character read as Latin-1).
    Control,
    /// U+FFFD, the replacement character: a character lost in a conversion.
    Replacement,
    /// A private-use character (Word's Symbol-font bullets, U+F0B7…).
    PrivateUse,
    /// An HTML tag written as text (`<p>`, `<br />`, `<o:p>`).
    HtmlTag,
    /// An HTML entity written as text (`&nbsp;`, `&#39;`).
    HtmlEntity,
}

impl Debris {
    /// French description.
    pub fn fr(self) -> &'static str {
        match self {
            Debris::Control => "caractère de contrôle",
            Debris::Replacement => "caractère de remplacement U+FFFD (caractère perdu)",
            Debris::PrivateUse => "caractère à usage privé (puce Word)",
            Debris::HtmlTag => "balise HTML écrite comme texte",
            Debris::HtmlEntity => "entité HTML écrite comme texte",
        }
    }

    /// English description.
    pub fn en(self) -> &'static str {
        match self {
            Debris::Control => "control character",
            Debris::Replacement => "replacement character U+FFFD (lost character)",
            Debris::PrivateUse => "private-use character (Word bullet)",
            Debris::HtmlTag => "HTML tag written as text",
            Debris::HtmlEntity => "HTML entity written as text",
        }
    }
}

/// HTML elements whose tags turn up in pasted text.
const HTML_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "big",
    "blockquote",
    "br",
    "center",
    "cite",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "o:p",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

/// The length of an HTML tag or comment starting `s` (which starts with `<`).
fn html_tag(s: &str) -> Option<usize> {
    if s.starts_with("<!--") {
        return s.find("-->").map(|e| e + 3);
    }
    let body = s.strip_prefix('<')?;
    let body = body.strip_prefix('/').unwrap_or(body);
    let name_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == ':'))
        .unwrap_or(body.len());
    let name = body.get(..name_len)?;
    if !HTML_TAGS.iter().any(|t| t.eq_ignore_ascii_case(name)) {
        return None;
    }
    let rest = &body[name_len..];
    let end = match rest.chars().next()? {
        '>' => 0,
        '/' if rest.starts_with("/>") => 1,
        c if c.is_whitespace() => rest
            .find('>')
            .filter(|&e| e <= 200 && !rest[..e].contains('<'))?,
        _ => return None,
    };
    Some(s.len() - rest.len() + end + 1)
}

/// The length of an HTML entity starting `s` (which starts with `&`): `&name;`, `&#NNN;`,
/// `&#xHHH;`.
fn html_entity(s: &str) -> Option<usize> {
    let body = s.strip_prefix('&')?;
    let end = body.find(';')?;
    let name = &body[..end];
    let ok = if let Some(num) = name.strip_prefix('#') {
        match num.strip_prefix(['x', 'X']) {
            Some(hex) => (1..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()),
            None => (1..=7).contains(&num.len()) && num.bytes().all(|b| b.is_ascii_digit()),
        }
    } else {
        (2..=31).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    ok.then_some(end + 2)
}

fn char_debris(c: char) -> Option<Debris> {
    match c {
        '\t' | '\n' | '\r' => None,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => Some(Debris::Control),
        '\u{fffd}' => Some(Debris::Replacement),
        '\u{e000}'..='\u{f8ff}' | '\u{f0000}'..='\u{ffffd}' | '\u{100000}'..='\u{10fffd}' => {
            Some(Debris::PrivateUse)
        }
        _ => None,
    }
}

/// The bytes [`debris`] looks at: `<`, `&`, ASCII controls but tab and line breaks, DEL, and
/// the lead bytes of C1 controls, U+E000–U+F8FF, U+FFFD and planes 15–16.
const LOOK: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = !matches!(b, 0x09 | 0x0a | 0x0d);
        b += 1;
    }
    let mut k = 0;
    let others = [b'<', b'&', 0x7f, 0xc2, 0xee, 0xef, 0xf3, 0xf4];
    while k < others.len() {
        t[others[k] as usize] = true;
        k += 1;
    }
    t
};

/// The debris found in a text: how many, and the first of each kind with what it looks like
/// (a tag or entity as written, a character as `U+XXXX`), in the order of [`Debris`].
pub(crate) fn debris(text: &str) -> (usize, Vec<(Debris, String)>) {
    let mut count = 0;
    let mut first: Vec<(Debris, String)> = Vec::new();
    let mut note = |kind: Debris, shown: String, count: &mut usize| {
        *count += 1;
        if !first.iter().any(|(k, _)| *k == kind) {
            first.push((kind, shown));
        }
    };
    // From one byte of `LOOK` to the next: none of them is a UTF-8 continuation byte, so `i` is
    // at a character boundary whenever one is found.
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(skip) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| LOOK[usize::from(b)]))
    {
        i += skip;
        let Some(&b) = bytes.get(i) else { break };
        let rest = || text.get(i..).unwrap_or("");
        let step = match b {
            b'<' => {
                let rest = rest();
                html_tag(rest).inspect(|&n| note(Debris::HtmlTag, rest[..n].to_owned(), &mut count))
            }
            b'&' => {
                let rest = rest();
                html_entity(rest)
                    .inspect(|&n| note(Debris::HtmlEntity, rest[..n].to_owned(), &mut count))
            }
            _ => rest().chars().next().and_then(|c| {
                char_debris(c).map(|kind| {
                    note(kind, format!("U+{:04X}", u32::from(c)), &mut count);
                    c.len_utf8()
                })
            }),
        };
        i += step.unwrap_or(1);
    }
    first.sort_by_key(|(k, _)| *k);
    (count, first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitals_boundaries() {
        assert!(!in_capitals("ABCDEFG"), "7 letters");
        assert!(in_capitals("ABCDEFGH"), "8 letters");
        assert!(
            in_capitals("ABCD EFGH 12"),
            "digits and spaces do not count"
        );
        // 100 letters, 80 upper case: 80 %.
        let t80 = format!("{}{}", "A".repeat(80), "b".repeat(20));
        let t79 = format!("{}{}", "A".repeat(79), "b".repeat(21));
        assert!(in_capitals(&t80));
        assert!(!in_capitals(&t79));
        assert!(
            in_capitals("FORMATION À L'ÉLECTRICITÉ"),
            "accented capitals"
        );
        assert!(!in_capitals("Formation à l'électricité"));
        assert!(!in_capitals("Titre professionnel SST"));
    }

    #[test]
    fn debris_kinds() {
        assert_eq!(debris("Réceptionner, stocker : 100 % <35 h & plus").0, 0);
        assert_eq!(debris("R&D; a < b > c").0, 0);
        let (n, kinds) =
            debris("<p>Objectif&nbsp;:</p> l\u{2019}ouvrier \u{f0b7} puce \u{92} \u{fffd}");
        assert_eq!(n, 6);
        let k: Vec<Debris> = kinds.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            k,
            [
                Debris::Control,
                Debris::Replacement,
                Debris::PrivateUse,
                Debris::HtmlTag,
                Debris::HtmlEntity
            ]
        );
        assert_eq!(kinds[3].1, "<p>");
        assert_eq!(kinds[4].1, "&nbsp;");
        assert_eq!(kinds[0].1, "U+0092");
        assert_eq!(debris("a<br />b<BR>c<o:p></o:p>").0, 4);
        assert_eq!(debris("<span class=\"x\">t</span>").0, 2);
        assert_eq!(debris("&#39; &#x2019;").0, 2);
        assert_eq!(debris("<!-- commentaire Word -->").0, 1);
        assert_eq!(debris("<notatag> <35h>").0, 0);
    }
}
