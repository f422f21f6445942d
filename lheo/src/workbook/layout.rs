//! The workbook layout, derived from the schema tables: which sheets a document of a given
//! root has, and which columns each sheet holds.
//!
//! Rules (the same for every root):
//! - the root (`lheo`, `lheo-index`, `lheo-plus`) is a sheet of one row;
//! - every repeatable element of complex content, and every simple element repeatable without
//!   bound, is a sheet of its own (an *entity*); a row links to its parent row through key
//!   columns: `#parent` (the parent sheet's name) and `#self` (the sheet's name);
//! - the other descendants of an entity are flattened into its row: one column per simple
//!   element, headed by its path relative to the entity (`periode/debut`,
//!   `adresse-inscription/adresse/codepostal`); a simple element repeatable at most *n* times
//!   gets *n* columns (`domaine-formation/code-FORMACODE[1]` …);
//! - the entity's own attributes are columns (`@numero` first, the others last); the `ref`
//!   attribute of the elements whose documentation asks for it (FORMACODE versions) is a
//!   column next to the value (`…/code-FORMACODE[1]/@ref`); every other attribute, and every
//!   element present but empty, is a row of the `attributs` sheet;
//! - every `extras` is a row of the `extras` sheet, as XML.

use std::sync::OnceLock;

use crate::schema::{self, id, AttrType, Content, ElementId, SimpleType, STD_ATTRIBUTES};

/// The longest sheet name Excel accepts.
pub const MAX_SHEET_NAME: usize = 31;

/// Name of the sheet of nested attributes and empty elements.
pub const ATTRIBUTS: &str = "attributs";
/// Name of the sheet of `extras`, as XML.
pub const EXTRAS: &str = "extras";
/// Name of the documentation sheet.
pub const DOCUMENTATION: &str = "documentation";
/// Name of the (hidden) sheet holding the drop-down lists.
pub const LISTES: &str = "listes";

/// Headers of the `attributs` sheet.
pub const ATTRIBUTS_HEADERS: [&str; 4] = ["feuille", "clé", "chemin", "valeur"];
/// Headers of the `extras` sheet.
pub const EXTRAS_HEADERS: [&str; 4] = ["feuille", "clé", "chemin", "xml"];

/// The layout of the workbooks of one document root.
#[derive(Debug)]
pub struct Layout {
    /// The document root (`lheo`, `lheo-index` or `lheo-plus`).
    pub root: ElementId,
    /// The sheets, the root's first, then depth first in schema order.
    pub sheets: Vec<SheetLayout>,
}

/// One sheet: an entity and its columns.
#[derive(Debug)]
pub struct SheetLayout {
    /// Sheet name (the element name, made unique; at most 31 characters).
    pub name: String,
    /// The element each row stands for.
    pub element: ElementId,
    /// Index of the parent sheet (`None` for the root sheet).
    pub parent: Option<usize>,
    /// The elements from the parent entity down to this one: intermediate containers, then
    /// the entity itself (e.g. `resumes-offres`, `resume-offre`).
    pub via: Vec<ElementId>,
    /// Absolute path of the entity, e.g. `/lheo/offres/formation/action`.
    pub path: String,
    /// The columns, in order.
    pub columns: Vec<Column>,
}

/// A column of a sheet.
#[derive(Debug, Clone)]
pub struct Column {
    /// Row 1: the path relative to the entity (`periode/debut`, `@numero`), or a key
    /// (`#formation`).
    pub header: String,
    /// What the column holds.
    pub kind: ColumnKind,
}

/// What a column holds.
#[derive(Debug, Clone)]
pub enum ColumnKind {
    /// The key of the parent row (`#` + the parent sheet's name).
    ParentKey,
    /// The row's own key (`#` + the sheet's name).
    Key,
    /// The value of a simple element.
    Value(Target),
    /// An attribute.
    Attribute(Target),
}

/// One step of a path below an entity: an element and its 1-based rank among same-named
/// siblings (always 1 for an element that cannot repeat).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Step {
    /// The element.
    pub element: ElementId,
    /// 1-based rank.
    pub index: u32,
}

/// Where a value goes below an entity: a chain of elements and maybe an attribute.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// The elements from the entity (excluded) down; empty for the entity itself.
    pub steps: Vec<Step>,
    /// The attribute, if the target is one.
    pub attribute: Option<&'static str>,
}

impl Target {
    /// The element the target is on (the last step, or `entity`).
    pub fn element(&self, entity: ElementId) -> ElementId {
        self.steps.last().map_or(entity, |s| s.element)
    }

    /// The simple type of the element, when it has simple content.
    pub fn simple_type(&self, entity: ElementId) -> Option<&'static SimpleType> {
        match schema::element(self.element(entity)).content {
            Content::Simple(st) => Some(st),
            _ => None,
        }
    }

    /// The path text: `a/b[2]/@ref`, `.` for the entity's own value. An index is written
    /// only for elements that can repeat.
    pub fn to_path(&self, entity: ElementId) -> String {
        let mut out = String::new();
        let mut parent = entity;
        for s in &self.steps {
            if !out.is_empty() {
                out.push('/');
            }
            out.push_str(schema::element(s.element).name);
            if repeat_max(parent, s.element).is_none_or(|m| m > 1) {
                out.push_str(&format!("[{}]", s.index));
            }
            parent = s.element;
        }
        match self.attribute {
            Some(a) if out.is_empty() => format!("@{a}"),
            Some(a) => format!("{out}/@{a}"),
            None if out.is_empty() => ".".to_owned(),
            None => out,
        }
    }
}

/// Why a path does not fit an entity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The text is not a path.
    #[error("chemin mal formé")]
    Malformed,
    /// No such child.
    #[error("« {0} » n'est pas un élément enfant de « {1} »")]
    UnknownElement(String, &'static str),
    /// No such attribute.
    #[error("l'élément « {1} » n'a pas d'attribut « {0} »")]
    UnknownAttribute(String, &'static str),
    /// The element has its own sheet.
    #[error("« {0} » a sa propre feuille : ses lignes vont dans la feuille « {0} »")]
    OwnSheet(&'static str),
    /// An index beyond the element's maximum.
    #[error("« {0} » ne peut pas apparaître plus de {1} fois")]
    Index(&'static str, u32),
    /// An `extras` element: they go in the `extras` sheet.
    #[error("les « extras » vont dans la feuille « extras »")]
    Extras,
    /// A path to an element of complex content where a value is expected.
    #[error("« {0} » contient des éléments, pas une valeur")]
    NotSimple(&'static str),
}

/// `true` for content made of elements.
pub fn is_complex(e: ElementId) -> bool {
    !matches!(schema::element(e).content, Content::Simple(_))
}

/// `maxOccurs` of `child` in `parent` (`None` = unbounded; `Some(1)` when not found).
fn repeat_max(parent: ElementId, child: ElementId) -> Option<u32> {
    schema::particle(parent, child).map_or(Some(1), |(_, p)| p.max)
}

/// `true` when `child`, in `parent`, is an entity with a sheet of its own.
pub fn is_entity(p: &schema::Particle) -> bool {
    if p.element == id::EXTRAS {
        return false;
    }
    if is_complex(p.element) {
        p.max != Some(1)
    } else {
        p.max.is_none()
    }
}

/// `true` when the element's documentation asks for its `ref` attribute (a FORMACODE or
/// ROME version): that attribute gets a column next to the value.
pub fn ref_column(e: ElementId) -> bool {
    schema::element(e).doc.contains("l'attribut 'ref'")
}

/// The attributes an element accepts, standard ones first.
pub fn attributes_of(e: ElementId) -> impl Iterator<Item = &'static str> {
    STD_ATTRIBUTES
        .iter()
        .map(|(n, _)| *n)
        .chain(schema::element(e).extra_attributes.iter().copied())
}

/// The attribute `name` of `e`, as a static name.
pub(super) fn attribute_name(e: ElementId, name: &str) -> Option<&'static str> {
    schema::attribute_type(e, name)?;
    attributes_of(e).find(|n| *n == name)
}

/// The XSD type of an attribute (`xs:string` for those an element adds).
pub fn attribute_type(e: ElementId, name: &str) -> AttrType {
    schema::attribute_type(e, name).unwrap_or(AttrType::String)
}

/// Resolves `path` (relative to an entity `entity`) to a target. `a/b[2]/c`, `@x`, `a/@x`
/// and `.` are accepted; a missing index means `[1]`.
pub fn resolve(entity: ElementId, path: &str) -> Result<Target, PathError> {
    let path = path.trim();
    if path.is_empty() {
        return Err(PathError::Malformed);
    }
    if path == "." {
        return Ok(Target {
            steps: Vec::new(),
            attribute: None,
        });
    }
    let mut steps = Vec::new();
    let mut current = entity;
    let segments: Vec<&str> = path.split('/').map(str::trim).collect();
    for (i, seg) in segments.iter().enumerate() {
        if let Some(attr) = seg.strip_prefix('@') {
            if i + 1 != segments.len() {
                return Err(PathError::Malformed);
            }
            let name = attribute_name(current, attr).ok_or_else(|| {
                PathError::UnknownAttribute(attr.to_owned(), schema::element(current).name)
            })?;
            return Ok(Target {
                steps,
                attribute: Some(name),
            });
        }
        let (name, index) = match seg.split_once('[') {
            Some((n, rest)) => {
                let digits = rest.strip_suffix(']').ok_or(PathError::Malformed)?;
                let index: u32 = digits.trim().parse().map_err(|_| PathError::Malformed)?;
                if index == 0 {
                    return Err(PathError::Malformed);
                }
                (n.trim(), index)
            }
            None => (*seg, 1),
        };
        if name.is_empty() {
            return Err(PathError::Malformed);
        }
        if name == "extras" {
            return Err(PathError::Extras);
        }
        let child = schema::element_id(name)
            .and_then(|c| schema::particle(current, c))
            .ok_or_else(|| {
                PathError::UnknownElement(name.to_owned(), schema::element(current).name)
            })?
            .1;
        if is_entity(child) {
            return Err(PathError::OwnSheet(schema::element(child.element).name));
        }
        let max = child.max.unwrap_or(u32::MAX);
        if index > max {
            return Err(PathError::Index(schema::element(child.element).name, max));
        }
        steps.push(Step {
            element: child.element,
            index,
        });
        current = child.element;
    }
    Ok(Target {
        steps,
        attribute: None,
    })
}

impl Layout {
    /// The layout of the workbooks of documents rooted at `root` (`lheo`, `lheo-index` or
    /// `lheo-plus`; any other element gives the `lheo` layout).
    ///
    /// ```
    /// use lheo::schema::id;
    /// use lheo::internal::layout::Layout;
    ///
    /// let layout = Layout::of(id::LHEO);
    /// let session = layout.sheet("session").unwrap();
    /// let headers: Vec<&str> = session.columns.iter().map(|c| c.header.as_str()).collect();
    /// assert_eq!(&headers[..3], ["#action", "#session", "@numero"]);
    /// assert!(headers.contains(&"periode/debut"));
    /// assert!(headers.contains(&"adresse-inscription/adresse/codepostal"));
    /// ```
    pub fn of(root: ElementId) -> &'static Layout {
        static LAYOUTS: OnceLock<[Layout; 3]> = OnceLock::new();
        let all = LAYOUTS.get_or_init(|| {
            [
                Layout::build(id::LHEO),
                Layout::build(id::LHEO_INDEX),
                Layout::build(id::LHEO_PLUS),
            ]
        });
        match root {
            id::LHEO_INDEX => &all[1],
            id::LHEO_PLUS => &all[2],
            _ => &all[0],
        }
    }

    /// The sheet named `name`.
    pub fn sheet(&self, name: &str) -> Option<&SheetLayout> {
        self.sheets.iter().find(|s| s.name == name)
    }

    /// The index of the sheet named `name`.
    pub fn sheet_index(&self, name: &str) -> Option<usize> {
        self.sheets.iter().position(|s| s.name == name)
    }

    /// The child sheets of sheet `parent`, in order.
    pub fn children(&self, parent: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.sheets.len()).filter(move |&i| self.sheets[i].parent == Some(parent))
    }

    fn build(root: ElementId) -> Layout {
        let mut layout = Layout {
            root,
            sheets: Vec::new(),
        };
        let name = schema::element(root).name;
        layout.add_sheet(root, None, vec![root], format!("/{name}"));
        layout
    }

    fn unique_name(&self, element: ElementId) -> String {
        let base = schema::element(element).name;
        let taken = |n: &str| {
            self.sheets.iter().any(|s| s.name == n)
                || [ATTRIBUTS, EXTRAS, DOCUMENTATION, LISTES].contains(&n)
        };
        if !taken(base) && base.len() <= MAX_SHEET_NAME {
            return base.to_owned();
        }
        (2..)
            .map(|k| {
                let suffix = format!("-{k}");
                let keep = MAX_SHEET_NAME.saturating_sub(suffix.len()).min(base.len());
                format!("{}{suffix}", &base[..keep])
            })
            .find(|n| !taken(n))
            .unwrap_or_default()
    }

    fn add_sheet(
        &mut self,
        element: ElementId,
        parent: Option<usize>,
        via: Vec<ElementId>,
        path: String,
    ) {
        let index = self.sheets.len();
        let name = self.unique_name(element);
        let mut columns = Vec::new();
        if let Some(p) = parent {
            if self.sheets[p].parent.is_some() {
                columns.push(Column {
                    header: format!("#{}", self.sheets[p].name),
                    kind: ColumnKind::ParentKey,
                });
            }
            columns.push(Column {
                header: format!("#{name}"),
                kind: ColumnKind::Key,
            });
        }
        let own_attribute = |a: &'static str| Column {
            header: format!("@{a}"),
            kind: ColumnKind::Attribute(Target {
                steps: Vec::new(),
                attribute: Some(a),
            }),
        };
        columns.push(own_attribute("numero"));
        if !is_complex(element) {
            columns.push(Column {
                header: ".".to_owned(),
                kind: ColumnKind::Value(Target {
                    steps: Vec::new(),
                    attribute: None,
                }),
            });
        }
        let mut children = Vec::new();
        flatten(
            element,
            element,
            &mut Vec::new(),
            &mut columns,
            &mut children,
        );
        columns.extend(
            attributes_of(element)
                .filter(|a| *a != "numero")
                .map(own_attribute),
        );
        self.sheets.push(SheetLayout {
            name,
            element,
            parent,
            via,
            path: path.clone(),
            columns,
        });
        for chain in children {
            let child = chain.last().copied().unwrap_or(element);
            let mut child_path = path.clone();
            for e in &chain {
                child_path.push('/');
                child_path.push_str(schema::element(*e).name);
            }
            self.add_sheet(child, Some(index), chain, child_path);
        }
    }
}

/// Adds the columns of the descendants of `element` (at `prefix` below the entity) and
/// collects the child entities (their chains from the entity).
fn flatten(
    entity: ElementId,
    element: ElementId,
    prefix: &mut Vec<Step>,
    columns: &mut Vec<Column>,
    children: &mut Vec<Vec<ElementId>>,
) {
    let Content::Sequence(particles) = schema::element(element).content else {
        return;
    };
    for p in particles {
        if p.element == id::EXTRAS {
            continue;
        }
        if is_entity(p) {
            let mut chain: Vec<ElementId> = prefix.iter().map(|s| s.element).collect();
            chain.push(p.element);
            children.push(chain);
            continue;
        }
        let count = p.max.unwrap_or(1);
        for index in 1..=count {
            prefix.push(Step {
                element: p.element,
                index,
            });
            if is_complex(p.element) {
                flatten(entity, p.element, prefix, columns, children);
            } else {
                let target = Target {
                    steps: prefix.clone(),
                    attribute: None,
                };
                let header = target.to_path(entity);
                columns.push(Column {
                    header: header.clone(),
                    kind: ColumnKind::Value(target.clone()),
                });
                if ref_column(p.element) {
                    columns.push(Column {
                        header: format!("{header}/@ref"),
                        kind: ColumnKind::Attribute(Target {
                            attribute: Some("ref"),
                            ..target
                        }),
                    });
                }
            }
            prefix.pop();
        }
    }
}
