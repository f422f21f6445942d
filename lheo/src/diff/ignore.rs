//! `--ignore` rules: elements and attributes left out of the comparison (see [`Ignore`]).

use std::fmt;
use std::str::FromStr;

use crate::model::Attributes;
use crate::schema::{self, ELEMENTS};

/// One `--ignore` rule: an element or attribute name, or a path of names ending with one.
///
/// | rule | ignores |
/// |---|---|
/// | `horodatage-export` | attribute `horodatage-export` on every element |
/// | `@datemaj` | attribute `datemaj` (the `@` says "attribute") |
/// | `extras` | every `extras` element and its content |
/// | `session/etat-recrutement` | `etat-recrutement` directly inside a `session` |
/// | `formation/@horodatage-modification` | that attribute on `formation`s only |
/// | `action/*/periode` | `periode` two levels below an `action` |
/// | `/lheo/@horodatage-export` | anchored at the root (leading `/`) |
///
/// Names are checked against the LHEO 2.3 schema, so that a typo is an error rather than a
/// rule that silently ignores nothing. Matching is on element names (positions such as `[2]`
/// are not accepted): a rule matches an element whose path ends with the rule's names (or is
/// exactly them, for an anchored rule). Ignored content is left out of both the change list
/// and the content hashes, so a feed that differs only there compares equal. Keys are not
/// affected: entities are still paired by `@numero` when `numero` is ignored.
///
/// ```
/// use lheo::diff::Ignore;
///
/// let rule: Ignore = "session/@horodatage-modification".parse()?;
/// assert_eq!(rule.to_string(), "session/@horodatage-modification");
/// assert!("horodatage-exprt".parse::<Ignore>().is_err()); // a typo is refused
/// # Ok::<(), lheo::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    text: String,
    anchored: bool,
    /// Element names the path must end with (`None` = `*`).
    elements: Vec<Option<String>>,
    /// What the last name designates.
    target: Target,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// The last element of `elements`.
    Element,
    /// An attribute on the last element of `elements` (any element when empty).
    Attribute(String),
    /// A bare name that is both an element and an attribute name.
    Both(String),
}

/// Why an `--ignore` rule was refused ([`ErrorKind::Argument`](crate::ErrorKind)).
fn refused(rule: &str, fr: String, en: String) -> crate::Error {
    crate::Error::new(
        crate::ErrorKind::Argument,
        format!("règle --ignore « {rule} » : {fr}"),
        format!("--ignore rule \"{rule}\": {en}"),
    )
}

/// `true` when `name` is an attribute LHEO declares somewhere.
fn is_attribute(name: &str) -> bool {
    Attributes::NAMES.contains(&name) || ELEMENTS.iter().any(|e| e.extra_attributes.contains(&name))
}

fn is_element(name: &str) -> bool {
    schema::element_id(name).is_some()
}

fn unknown(rule: &str, name: &str, what_fr: &str, what_en: &str) -> crate::Error {
    refused(
        rule,
        format!("« {name} » n'est pas {what_fr} de LHEO 2.3"),
        format!("\"{name}\" is not {what_en} of LHEO 2.3"),
    )
}

impl FromStr for Ignore {
    type Err = crate::Error;

    fn from_str(rule: &str) -> Result<Self, crate::Error> {
        let text = rule.trim();
        if text.is_empty() || text == "/" {
            return Err(refused(rule, "règle vide".into(), "empty rule".into()));
        }
        if text.contains(['[', ']']) {
            return Err(refused(
                rule,
                "les positions ([1], [2]…) ne sont pas admises : une règle vaut pour tous les éléments de ce nom".into(),
                "positions ([1], [2]…) are not accepted: a rule applies to every element of that name".into(),
            ));
        }
        let anchored = text.starts_with('/');
        let parts: Vec<&str> = text.trim_start_matches('/').split('/').collect();
        let (last, path) = parts.split_last().unwrap_or((&"", &[]));
        let mut elements = Vec::new();
        for p in path {
            elements.push(element_segment(rule, p)?);
        }
        let target = if let Some(attr) = last.strip_prefix('@') {
            if !is_attribute(attr) {
                return Err(unknown(rule, attr, "un attribut", "an attribute"));
            }
            Target::Attribute(attr.to_owned())
        } else if !path.is_empty() || anchored || *last == "*" {
            elements.push(element_segment(rule, last)?);
            Target::Element
        } else {
            match (is_element(last), is_attribute(last)) {
                (true, true) => Target::Both((*last).to_owned()),
                (true, false) => {
                    elements.push(Some((*last).to_owned()));
                    Target::Element
                }
                (false, true) => Target::Attribute((*last).to_owned()),
                (false, false) => {
                    return Err(unknown(
                        rule,
                        last,
                        "un nom d'élément ni d'attribut",
                        "an element or attribute name",
                    ))
                }
            }
        };
        Ok(Ignore {
            text: text.to_owned(),
            anchored,
            elements,
            target,
        })
    }
}

fn element_segment(rule: &str, name: &str) -> Result<Option<String>, crate::Error> {
    match name {
        "*" => Ok(None),
        "" => Err(refused(
            rule,
            "nom vide entre deux « / »".into(),
            "empty name between two \"/\"".into(),
        )),
        n if n.starts_with('@') => Err(refused(
            rule,
            "un attribut (@…) ne peut être que le dernier nom".into(),
            "an attribute (@…) can only be the last name".into(),
        )),
        n if is_element(n) => Ok(Some(n.to_owned())),
        n => Err(unknown(rule, n, "un élément", "an element")),
    }
}

impl fmt::Display for Ignore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Ignore {
    /// `true` when the element whose path is `names` (from the root) is ignored.
    pub(crate) fn ignores_element(&self, names: &[&str]) -> bool {
        match &self.target {
            Target::Element => self.path_matches(&self.elements, names),
            Target::Both(n) => names.last() == Some(&n.as_str()),
            Target::Attribute(_) => false,
        }
    }

    /// `true` when attribute `attr` of the element whose path is `names` is ignored.
    pub(crate) fn ignores_attribute(&self, names: &[&str], attr: &str) -> bool {
        match &self.target {
            Target::Attribute(a) | Target::Both(a) if a == attr => {
                self.path_matches(&self.elements, names)
            }
            _ => false,
        }
    }

    fn path_matches(&self, pattern: &[Option<String>], names: &[&str]) -> bool {
        if pattern.len() > names.len() || (self.anchored && pattern.len() != names.len()) {
            return false;
        }
        let tail = &names[names.len() - pattern.len()..];
        pattern
            .iter()
            .zip(tail)
            .all(|(p, n)| p.as_deref().is_none_or(|p| p == *n))
    }
}

/// A set of rules, as the comparison uses them.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct IgnoreSet<'a> {
    rules: &'a [Ignore],
}

impl<'a> IgnoreSet<'a> {
    pub(crate) fn new(rules: &'a [Ignore]) -> Self {
        IgnoreSet { rules }
    }

    pub(crate) fn element(&self, names: &[&str]) -> bool {
        self.rules.iter().any(|r| r.ignores_element(names))
    }

    pub(crate) fn attribute(&self, names: &[&str], attr: &str) -> bool {
        self.rules.iter().any(|r| r.ignores_attribute(names, attr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(s: &str) -> Ignore {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    const SESSION: [&str; 5] = ["lheo", "offres", "formation", "action", "session"];

    #[test]
    fn bare_attribute_anywhere() {
        let r = rule("horodatage-export");
        assert!(r.ignores_attribute(&SESSION, "horodatage-export"));
        assert!(r.ignores_attribute(&["lheo"], "horodatage-export"));
        assert!(!r.ignores_attribute(&SESSION, "horodatage-creation"));
        assert!(!r.ignores_element(&SESSION));
        assert!(rule("@datemaj").ignores_attribute(&["lheo"], "datemaj"));
    }

    #[test]
    fn element_paths_match_suffixes() {
        assert!(rule("session").ignores_element(&SESSION));
        assert!(rule("action/session").ignores_element(&SESSION));
        assert!(rule("formation/*/session").ignores_element(&SESSION));
        assert!(!rule("formation/session").ignores_element(&SESSION));
        assert!(rule("/lheo/offres/formation/action/session").ignores_element(&SESSION));
        assert!(!rule("/offres/formation/action/session").ignores_element(&SESSION));
        assert!(!rule("session").ignores_element(&SESSION[..4]));
    }

    #[test]
    fn attributes_on_paths() {
        let r = rule("formation/@horodatage-modification");
        assert!(r.ignores_attribute(&SESSION[..3], "horodatage-modification"));
        assert!(!r.ignores_attribute(&SESSION, "horodatage-modification"));
        assert!(rule("/lheo/@datemaj").ignores_attribute(&["lheo"], "datemaj"));
        assert!(!rule("/lheo/@datemaj").ignores_attribute(&SESSION[..3], "datemaj"));
    }

    #[test]
    fn refuses_what_would_silently_ignore_nothing() {
        for bad in [
            "",
            "/",
            "horodatage-exprt",
            "@session",
            "sesion/periode",
            "session[2]",
            "session//periode",
            "@numero/session",
        ] {
            assert!(bad.parse::<Ignore>().is_err(), "{bad:?} accepted");
        }
        let e = "foo".parse::<Ignore>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "règle --ignore « foo » : « foo » n'est pas un nom d'élément ni d'attribut de LHEO 2.3"
        );
    }
}
