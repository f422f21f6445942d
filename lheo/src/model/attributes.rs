//! The attributes every LHEO element accepts.

/// The ten attributes LHEO allows on every element (`numero`, `info`, `ref`, `id`, `idref`,
/// `tag`, `horodatage-*`, `uri`), kept as written (after XML attribute-value normalisation).
///
/// ```
/// use lheo::Attributes;
///
/// let mut attrs = Attributes::default();
/// attrs.numero = Some("F-001".into());
/// assert_eq!(attrs.get("numero"), Some("F-001"));
/// assert!(!attrs.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Attributes {
    /// `numero`: the producer's identifier (free text).
    pub numero: Option<String>,
    /// `info`: free information.
    pub info: Option<String>,
    /// `ref`: a reference (e.g. the FORMACODE version `V12`).
    pub ref_: Option<String>,
    /// `id`: an `xs:ID`, unique in the document.
    pub id: Option<String>,
    /// `idref`: an `xs:IDREF` pointing at an `id`.
    pub idref: Option<String>,
    /// `tag`: free tag (e.g. `principal`).
    pub tag: Option<String>,
    /// `horodatage-creation`: `xs:dateTime`.
    pub horodatage_creation: Option<String>,
    /// `horodatage-modification`: `xs:dateTime`.
    pub horodatage_modification: Option<String>,
    /// `horodatage-export`: `xs:dateTime`.
    pub horodatage_export: Option<String>,
    /// `uri`: `xs:anyURI`.
    pub uri: Option<String>,
}

impl Attributes {
    /// The attribute names, in schema order.
    pub const NAMES: [&'static str; 10] = [
        "numero",
        "info",
        "ref",
        "id",
        "idref",
        "tag",
        "horodatage-creation",
        "horodatage-modification",
        "horodatage-export",
        "uri",
    ];

    /// Attributes with only `numero` set.
    pub fn with_numero(numero: impl Into<String>) -> Self {
        Attributes {
            numero: Some(numero.into()),
            ..Attributes::default()
        }
    }

    fn slot(&self, name: &str) -> Option<&Option<String>> {
        Some(match name {
            "numero" => &self.numero,
            "info" => &self.info,
            "ref" => &self.ref_,
            "id" => &self.id,
            "idref" => &self.idref,
            "tag" => &self.tag,
            "horodatage-creation" => &self.horodatage_creation,
            "horodatage-modification" => &self.horodatage_modification,
            "horodatage-export" => &self.horodatage_export,
            "uri" => &self.uri,
            _ => return None,
        })
    }

    fn slot_mut(&mut self, name: &str) -> Option<&mut Option<String>> {
        Some(match name {
            "numero" => &mut self.numero,
            "info" => &mut self.info,
            "ref" => &mut self.ref_,
            "id" => &mut self.id,
            "idref" => &mut self.idref,
            "tag" => &mut self.tag,
            "horodatage-creation" => &mut self.horodatage_creation,
            "horodatage-modification" => &mut self.horodatage_modification,
            "horodatage-export" => &mut self.horodatage_export,
            "uri" => &mut self.uri,
            _ => return None,
        })
    }

    /// The value of attribute `name` (its XML name, e.g. `"horodatage-export"`).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.slot(name).and_then(|s| s.as_deref())
    }

    /// Sets attribute `name`; returns `false` when `name` is not one of [`Attributes::NAMES`].
    pub fn set(&mut self, name: &str, value: impl Into<String>) -> bool {
        match self.slot_mut(name) {
            Some(slot) => {
                *slot = Some(value.into());
                true
            }
            None => false,
        }
    }

    /// Removes attribute `name` and returns its value.
    pub fn remove(&mut self, name: &str) -> Option<String> {
        self.slot_mut(name).and_then(Option::take)
    }

    /// The attributes that are set, as `(name, value)` in schema order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        Self::NAMES
            .into_iter()
            .filter_map(move |n| self.get(n).map(|v| (n, v)))
    }

    /// `true` when no attribute is set.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_remove() {
        let mut a = Attributes::default();
        assert!(a.set("ref", "V12"));
        assert!(!a.set("href", "x"));
        assert_eq!(a.ref_.as_deref(), Some("V12"));
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![("ref", "V12")]);
        assert_eq!(a.remove("ref").as_deref(), Some("V12"));
        assert!(a.is_empty());
    }
}
