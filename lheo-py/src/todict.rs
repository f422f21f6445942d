//! The model as Python values: the dict shape of the package, driven by the schema.
//!
//! - a complex element is a `dict`: its attributes as `"@name"`, then its children by name
//!   in schema order;
//! - a child the schema lets repeat is always a `list` (the walker gives such children an
//!   index: see `lheo::model::walk::Visitor::enter`), even of one item;
//! - a simple element is a `str`, or `{"#text": …, "@ref": …}` when it carries attributes;
//!   dictionary codes stay codes;
//! - `extras` is a dict of its attributes and its `extra` and nested `extras` lists (with
//!   `"#order"` when the two kinds alternate); an `extra` is a `str`, or a dict with its
//!   attributes and `"#text"`, or `"#content"` (text and elements in document order) when it
//!   holds elements. An element of free content is `{"#name": …, "@…": …, "#content": […]}`;
//!   names in the LHEO namespace are bare, others `{uri}local` (`{}local`: no namespace).

use std::collections::HashMap;

use lheo::model::walk::{walk, Value, Visitor, Walk};
use lheo::schema::{self, NAMESPACE_2_3};
use lheo::{Document, Extra, Extras, ExtrasItem, QName, Record, XmlAttribute, XmlNode};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString};

/// Interned keys: element names and `@attribute` names of the schema.
struct Keys {
    elements: HashMap<&'static str, Py<PyString>>,
    attributes: HashMap<&'static str, Py<PyString>>,
}

static KEYS: PyOnceLock<Keys> = PyOnceLock::new();

fn keys(py: Python<'_>) -> &'static Keys {
    KEYS.get_or_init(py, || {
        let elements = schema::ELEMENTS
            .iter()
            .map(|e| (e.name, PyString::intern(py, e.name).unbind()))
            .collect();
        let attributes = schema::STD_ATTRIBUTES
            .iter()
            .map(|(n, _)| *n)
            .chain(
                schema::ELEMENTS
                    .iter()
                    .flat_map(|e| e.extra_attributes.iter().copied()),
            )
            .map(|n| (n, PyString::intern(py, &format!("@{n}")).unbind()))
            .collect();
        Keys {
            elements,
            attributes,
        }
    })
}

impl Keys {
    fn element<'py>(&self, py: Python<'py>, name: &str) -> Bound<'py, PyString> {
        match self.elements.get(name) {
            Some(k) => k.bind(py).clone(),
            None => PyString::new(py, name),
        }
    }

    fn attribute<'py>(&self, py: Python<'py>, name: &str) -> Bound<'py, PyString> {
        match self.attributes.get(name) {
            Some(k) => k.bind(py).clone(),
            None => PyString::new(py, &format!("@{name}")),
        }
    }
}

/// Builds the dicts of a walk.
struct Builder<'py> {
    py: Python<'py>,
    keys: &'static Keys,
    /// The dicts of the open complex elements (`None` for elements without children).
    stack: Vec<Option<Bound<'py, PyDict>>>,
    /// Holds the walked element itself.
    top: Bound<'py, PyDict>,
    error: Option<PyErr>,
}

impl<'py> Builder<'py> {
    fn new(py: Python<'py>) -> Self {
        Builder {
            py,
            keys: keys(py),
            stack: Vec::new(),
            top: PyDict::new(py),
            error: None,
        }
    }

    fn parent(&self) -> &Bound<'py, PyDict> {
        self.stack
            .iter()
            .rev()
            .find_map(Option::as_ref)
            .unwrap_or(&self.top)
    }

    fn insert(&self, name: &str, index: Option<usize>, value: Bound<'py, PyAny>) -> PyResult<()> {
        let key = self.keys.element(self.py, name);
        let parent = self.parent();
        if index.is_none() {
            return parent.set_item(key, value);
        }
        match parent.get_item(&key)? {
            Some(list) => list.cast::<PyList>()?.append(value),
            None => parent.set_item(key, PyList::new(self.py, [value])?),
        }
    }

    fn enter_value(
        &mut self,
        name: &str,
        index: Option<usize>,
        value: Value<'_>,
    ) -> PyResult<bool> {
        let py = self.py;
        match value {
            Value::Element(_, attrs) => {
                let dict = PyDict::new(py);
                for (n, v) in attrs.iter().chain(value.extra_attributes()) {
                    dict.set_item(self.keys.attribute(py, n), v)?;
                }
                self.insert(name, index, dict.clone().into_any())?;
                self.stack.push(Some(dict));
                Ok(true)
            }
            Value::Extras(extras) => {
                let v = extras_to_py(py, self.keys, extras)?;
                self.insert(name, index, v.into_any())?;
                self.stack.push(None);
                Ok(false)
            }
            simple => {
                let text = simple.text().unwrap_or_default();
                let attrs = simple.attrs();
                let v = if attrs.is_empty() {
                    PyString::new(py, &text).into_any()
                } else {
                    let d = PyDict::new(py);
                    d.set_item(pyo3::intern!(py, "#text"), &*text)?;
                    for (n, v) in attrs.iter() {
                        d.set_item(self.keys.attribute(py, n), v)?;
                    }
                    d.into_any()
                };
                self.insert(name, index, v)?;
                self.stack.push(None);
                Ok(false)
            }
        }
    }
}

impl Visitor for Builder<'_> {
    fn enter(&mut self, name: &'static str, index: Option<usize>, value: Value<'_>) -> bool {
        if self.error.is_some() {
            self.stack.push(None);
            return false;
        }
        match self.enter_value(name, index, value) {
            Ok(go_on) => go_on,
            Err(e) => {
                self.error = Some(e);
                self.stack.push(None);
                false
            }
        }
    }

    fn leave(&mut self, _name: &'static str) {
        self.stack.pop();
    }
}

/// `value` walked as the element `name`, as a Python value.
pub fn element_to_py<'py, T: Walk>(
    py: Python<'py>,
    name: &'static str,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let mut b = Builder::new(py);
    walk(&mut b, name, None, value);
    if let Some(e) = b.error {
        return Err(e);
    }
    let key = b.keys.element(py, name);
    Ok(b.top
        .get_item(key)?
        .unwrap_or_else(|| py.None().into_bound(py)))
}

/// A record: its element name and its dict.
pub fn record_to_py<'py>(
    py: Python<'py>,
    record: &Record,
) -> PyResult<(&'static str, Bound<'py, PyAny>)> {
    Ok(match record {
        Record::Formation(f) => ("formation", element_to_py(py, "formation", f.as_ref())?),
        Record::ResumeOffre(r) => (
            "resume-offre",
            element_to_py(py, "resume-offre", r.as_ref())?,
        ),
        Record::ResumeOrganisme(r) => (
            "resume-organisme",
            element_to_py(py, "resume-organisme", r.as_ref())?,
        ),
        Record::Organisme(o) => (
            "organisme-formation-responsable",
            element_to_py(py, "organisme-formation-responsable", o.as_ref())?,
        ),
    })
}

/// A whole document: `{root name: root dict}`.
pub fn document_to_py<'py>(py: Python<'py>, doc: &Document) -> PyResult<Bound<'py, PyDict>> {
    let (name, value) = match doc {
        Document::Lheo(l) => ("lheo", element_to_py(py, "lheo", l)?),
        Document::LheoIndex(l) => ("lheo-index", element_to_py(py, "lheo-index", l)?),
        Document::LheoPlus(l) => ("lheo-plus", element_to_py(py, "lheo-plus", l)?),
    };
    let d = PyDict::new(py);
    d.set_item(name, value)?;
    Ok(d)
}

/// An `extras` element.
fn extras_to_py<'py>(py: Python<'py>, keys: &Keys, e: &Extras) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (n, v) in e.attrs.iter() {
        d.set_item(keys.attribute(py, n), v)?;
    }
    let extra = PyList::empty(py);
    let nested = PyList::empty(py);
    let mut runs = 0;
    let mut last = None;
    let mut order = Vec::with_capacity(e.items.len());
    for item in &e.items {
        let kind = match item {
            ExtrasItem::Extra(x) => {
                extra.append(extra_to_py(py, keys, x)?)?;
                "extra"
            }
            ExtrasItem::Extras(x) => {
                nested.append(extras_to_py(py, keys, x)?)?;
                "extras"
            }
        };
        if last != Some(kind) {
            runs += 1;
            // The first kind met comes first among the keys.
            if last.is_none() || runs == 2 {
                let list = if kind == "extra" { &extra } else { &nested };
                d.set_item(kind, list)?;
            }
            last = Some(kind);
        }
        order.push(kind);
    }
    if runs > 2 {
        d.set_item(pyo3::intern!(py, "#order"), order)?;
    }
    Ok(d)
}

/// An `extra` element.
fn extra_to_py<'py>(py: Python<'py>, keys: &Keys, x: &Extra) -> PyResult<Bound<'py, PyAny>> {
    let text_only = x.content.iter().all(|n| matches!(n, XmlNode::Text(_)));
    if x.attrs.is_empty() && x.other_attributes.is_empty() && text_only {
        return Ok(PyString::new(py, &x.text_content()).into_any());
    }
    let d = PyDict::new(py);
    for (n, v) in x.attrs.iter() {
        d.set_item(keys.attribute(py, n), v)?;
    }
    put_attributes(&d, &x.other_attributes)?;
    if text_only {
        if !x.content.is_empty() {
            d.set_item(pyo3::intern!(py, "#text"), x.text_content())?;
        }
    } else {
        d.set_item(pyo3::intern!(py, "#content"), nodes_to_py(py, &x.content)?)?;
    }
    Ok(d.into_any())
}

fn put_attributes(d: &Bound<'_, PyDict>, attributes: &[XmlAttribute]) -> PyResult<()> {
    for a in attributes {
        let name = match &a.name.namespace {
            None => format!("@{}", a.name.local),
            Some(ns) => format!("@{{{ns}}}{}", a.name.local),
        };
        d.set_item(name, &a.value)?;
    }
    Ok(())
}

fn nodes_to_py<'py>(py: Python<'py>, nodes: &[XmlNode]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for n in nodes {
        match n {
            XmlNode::Text(t) => list.append(t)?,
            XmlNode::Element(e) => {
                let d = PyDict::new(py);
                d.set_item(pyo3::intern!(py, "#name"), element_name(&e.name))?;
                put_attributes(&d, &e.attributes)?;
                if !e.children.is_empty() {
                    d.set_item(pyo3::intern!(py, "#content"), nodes_to_py(py, &e.children)?)?;
                }
                list.append(d)?;
            }
        }
    }
    Ok(list)
}

/// An element name of free content: bare in the LHEO namespace, `{uri}local` in another,
/// `{}local` in none.
fn element_name(q: &QName) -> String {
    match q.namespace.as_deref() {
        Some(NAMESPACE_2_3) => q.local.to_string(),
        Some(ns) => format!("{{{ns}}}{}", q.local),
        None => format!("{{}}{}", q.local),
    }
}
