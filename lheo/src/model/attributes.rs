//! The attributes every LHEO element accepts: the struct is generated from the schema
//! description (`attributes std`), the methods here work on its name tables.

use super::Attributes;

impl Attributes {
    /// Attributes with only `numero` set.
    pub fn with_numero(numero: impl Into<String>) -> Self {
        Attributes {
            numero: Some(numero.into()),
            ..Attributes::default()
        }
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
        self.slots()
            .into_iter()
            .filter_map(|(n, v)| v.as_deref().map(|v| (n, v)))
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
