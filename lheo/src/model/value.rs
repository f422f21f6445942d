//! Simple values: how element text becomes a typed value and back.

use std::borrow::Cow;

use super::Date;
use crate::schema::{Base, DictDecl, DictId, Format, SimpleType};

/// A type that can be the value of a simple LHEO element ([`Field`](crate::Field)).
pub trait SimpleValue: Sized {
    /// Parses the element's text as it appears in the document (after XML entity
    /// resolution). Returns `None` when the text is not a value of this type.
    fn parse_text(text: &str) -> Option<Self>;

    /// Like [`SimpleValue::parse_text`], taking ownership of the text (no copy for `String`).
    fn from_text(text: String) -> Option<Self> {
        Self::parse_text(&text)
    }

    /// The text written for this value.
    fn to_text(&self) -> Cow<'_, str>;
}

impl SimpleValue for String {
    fn parse_text(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }

    fn from_text(text: String) -> Option<Self> {
        Some(text)
    }

    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

/// Trims XML whitespace (space, tab, CR, LF) as `xs:token` collapsing does at both ends.
pub(crate) fn trim_xml(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
}

/// Parses an `xs:long` lexical value (`[+-]?[0-9]+` after whitespace collapsing).
pub fn parse_xs_long(text: &str) -> Option<i64> {
    let t = trim_xml(text);
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let t = t.strip_prefix('+').unwrap_or(t);
    t.parse().ok()
}

impl SimpleValue for i64 {
    fn parse_text(text: &str) -> Option<Self> {
        parse_xs_long(text)
    }

    fn to_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

impl SimpleValue for Date {
    fn parse_text(text: &str) -> Option<Self> {
        trim_xml(text).parse().ok()
    }

    fn to_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

/// The text the model writes for `text` read in an element of simple type `st`, without
/// building the value: what [`SimpleValue::parse_text`] then [`SimpleValue::to_text`] give for
/// the value type of the element's [`Field`](crate::Field), which the schema decides as the
/// code generator does (a dictionary's code, `i64` for `xs:long`, [`Date`] for the date
/// format, else the `String` as it is). `None` where `parse_text` refuses the text.
pub(crate) fn written_text<'t>(st: &SimpleType, text: &'t str) -> Option<Cow<'t, str>> {
    if let Some(d) = st.dict {
        let code = trim_xml(text);
        let known = crate::schema::dict(d).label_of(code).is_some();
        return known.then_some(Cow::Borrowed(code));
    }
    match (st.base, st.format) {
        (Base::Long, _) => {
            let value = parse_xs_long(text)?;
            let t = trim_xml(text);
            let digits = t.strip_prefix('-').unwrap_or(t);
            // Written as `to_string` writes it: no `+`, no leading zero, no `-0`.
            let canonical = t == "0" || !(t.starts_with('+') || digits.starts_with('0'));
            Some(if canonical {
                Cow::Borrowed(t)
            } else {
                Cow::Owned(value.to_string())
            })
        }
        (_, Some(Format::Date)) => {
            // Eight digits, written back as they are.
            let t = trim_xml(text);
            Date::parse_text(t).map(|_| Cow::Borrowed(t))
        }
        _ => Some(Cow::Borrowed(text)),
    }
}

/// A closed list of codes with French labels: the LHEO dictionaries (`dict-…`).
///
/// ```
/// use lheo::{Dictionary, ModaliteRecrutement};
///
/// let m = ModaliteRecrutement::from_code("8").unwrap();
/// assert_eq!(m, ModaliteRecrutement::EntretienRdvIndividuel);
/// assert_eq!(m.label(), "entretien ou RDV individuel");
/// assert_eq!(m.code(), "8");
/// ```
pub trait Dictionary: Copy + Eq + Sized + 'static {
    /// Every value, in the dictionary's order.
    const ALL: &'static [Self];
    /// The dictionary in the schema tables.
    const DICT: DictId;

    /// The code written in XML.
    fn code(self) -> &'static str;

    /// The French label.
    fn label(self) -> &'static str;

    /// The value with this code.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }

    /// The dictionary's description.
    fn dict() -> &'static DictDecl {
        crate::schema::dict(Self::DICT)
    }
}

macro_rules! dictionary_value {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::model::SimpleValue for $t {
            fn parse_text(text: &str) -> Option<Self> {
                <$t as Dictionary>::from_code($crate::model::trim_xml(text))
            }

            fn to_text(&self) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed(self.code())
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    )*};
}
pub(crate) use dictionary_value;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longs_follow_xs_long() {
        assert_eq!(parse_xs_long(" +12\n"), Some(12));
        assert_eq!(parse_xs_long("-0"), Some(0));
        assert_eq!(parse_xs_long("007"), Some(7));
        assert_eq!(parse_xs_long("1 2"), None);
        assert_eq!(parse_xs_long("+"), None);
        assert_eq!(parse_xs_long("1.0"), None);
        assert_eq!(parse_xs_long("9223372036854775808"), None);
    }
}
