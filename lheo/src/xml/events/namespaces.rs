//! Namespaces: the interned namespace URIs of a document and the prefix bindings in scope.

use std::collections::HashMap;

/// An interned namespace URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NsId(pub u32);

/// `http://www.w3.org/XML/1998/namespace`, bound to `xml`.
pub const XML_NS: NsId = NsId(0);
/// `http://www.w3.org/2001/XMLSchema-instance`.
pub const XSI_NS: NsId = NsId(1);
pub(super) const XML_NS_URI: &str = "http://www.w3.org/XML/1998/namespace";
/// The XML Schema instance namespace (`xsi:`).
pub const XSI_NS_URI: &str = "http://www.w3.org/2001/XMLSchema-instance";
pub(super) const XMLNS_NS_URI: &str = "http://www.w3.org/2000/xmlns/";

/// The namespace URIs seen in a document, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Namespaces {
    uris: Vec<String>,
    /// Id by URI: a document declaring thousands of namespaces must not make reading quadratic.
    ids: HashMap<String, u32>,
}

impl Namespaces {
    pub(super) fn new(uris: &[&str]) -> Self {
        let mut namespaces = Namespaces::default();
        for uri in uris {
            namespaces.intern(uri);
        }
        namespaces
    }

    /// The URI of `id`.
    pub fn uri(&self, id: NsId) -> &str {
        self.uris
            .get(id.0 as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    pub(super) fn intern(&mut self, uri: &str) -> NsId {
        if let Some(&i) = self.ids.get(uri) {
            return NsId(i);
        }
        let id = self.uris.len() as u32;
        self.uris.push(uri.to_owned());
        self.ids.insert(uri.to_owned(), id);
        NsId(id)
    }
}

/// The namespace bindings in scope, innermost last. A document declares a handful: they are
/// searched from the end. Past [`Bindings::SCANNED`], an index by prefix answers instead, so
/// that thousands of declarations cannot make every element name cost thousands of
/// comparisons.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Bindings {
    /// (prefix, uri) in declaration order. The empty prefix is the default namespace; `None`
    /// uri = undeclared default namespace.
    list: Vec<(String, Option<NsId>)>,
    /// The bindings of each prefix, innermost last, with their place in `list`.
    index: HashMap<String, Vec<(Option<NsId>, usize)>>,
    /// The binding of the empty prefix in scope (the default namespace), kept at hand: every
    /// unprefixed element name asks for it.
    default: Option<Option<NsId>>,
}

impl Bindings {
    /// Longest list searched element by element.
    pub(super) const SCANNED: usize = 16;

    pub(super) fn len(&self) -> usize {
        self.list.len()
    }

    /// The bindings in scope, (prefix, uri) in declaration order.
    pub(super) fn iter(&self) -> impl Iterator<Item = &(String, Option<NsId>)> {
        self.list.iter()
    }

    pub(super) fn push(&mut self, prefix: &str, ns: Option<NsId>) {
        if prefix.is_empty() {
            self.default = Some(ns);
        }
        let at = self.list.len();
        self.list.push((prefix.to_owned(), ns));
        self.index
            .entry(prefix.to_owned())
            .or_default()
            .push((ns, at));
    }

    /// Drops the bindings past the first `len` (none, for most elements: inlined then).
    #[inline]
    pub(super) fn truncate(&mut self, len: usize) {
        if self.list.len() > len {
            self.drop_past(len);
        }
    }

    fn drop_past(&mut self, len: usize) {
        while self.list.len() > len {
            let Some((prefix, _)) = self.list.pop() else {
                break;
            };
            if let Some(stack) = self.index.get_mut(&prefix) {
                stack.pop();
                if stack.is_empty() {
                    self.index.remove(&prefix);
                }
            }
        }
        self.default = self
            .index
            .get("")
            .and_then(|stack| stack.last())
            .map(|&(ns, _)| ns);
    }

    #[inline]
    pub(super) fn lookup(&self, prefix: &str) -> Option<Option<NsId>> {
        if prefix.is_empty() {
            return self.default;
        }
        if self.list.len() <= Self::SCANNED {
            return self
                .list
                .iter()
                .rev()
                .find(|(p, _)| p == prefix)
                .map(|(_, ns)| *ns);
        }
        self.index
            .get(prefix)
            .and_then(|stack| stack.last().map(|&(ns, _)| ns))
    }

    /// Whether `prefix` is bound by one of the last `n` bindings (those of the tag being read).
    pub(super) fn among_last(&self, n: usize, prefix: &str) -> bool {
        let from = self.list.len().saturating_sub(n);
        if n <= Self::SCANNED {
            return self.list[from..].iter().any(|(p, _)| p == prefix);
        }
        self.index
            .get(prefix)
            .and_then(|stack| stack.last())
            .is_some_and(|&(_, at)| at >= from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_namespace_follows_the_scopes() {
        let mut b = Bindings::default();
        b.push("xml", Some(XML_NS));
        assert_eq!(b.lookup(""), None);
        b.push("", Some(NsId(7)));
        b.push("p", Some(NsId(8)));
        assert_eq!(b.lookup(""), Some(Some(NsId(7))));
        b.push("", None);
        assert_eq!(b.lookup(""), Some(None), "xmlns=\"\" undeclares it");
        b.truncate(3);
        assert_eq!(b.lookup(""), Some(Some(NsId(7))));
        assert_eq!(b.lookup("p"), Some(Some(NsId(8))));
        b.truncate(1);
        assert_eq!(b.lookup(""), None);
        assert_eq!(b.lookup("p"), None);
        // Past the scanned length, the same answers.
        for i in 0..40u32 {
            b.push(if i % 3 == 0 { "" } else { "q" }, Some(NsId(100 + i)));
        }
        assert_eq!(b.lookup(""), Some(Some(NsId(139))));
        b.truncate(30);
        assert_eq!(b.lookup(""), Some(Some(NsId(127))));
    }
}
