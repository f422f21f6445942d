//! The elements open in a string of the table or in a cell of a sheet, by name: each end tag
//! must end the element last opened (calamine reads text and strings up to an end tag of
//! their name without checking the others, so a copy that matched them otherwise would end
//! them elsewhere).

/// A stack of element names kept in one buffer: no allocation per element once it has grown
/// (a re-saved workbook has millions of cells and strings).
#[derive(Debug, Default)]
pub(super) struct Open {
    names: String,
    /// Where each open element's name starts in `names`.
    starts: Vec<usize>,
}

impl Open {
    /// Opens an element named `name`.
    pub(super) fn push(&mut self, name: &str) {
        self.starts.push(self.names.len());
        self.names.push_str(name);
    }

    /// Closes the element last opened if it is named `name`; `false` (nothing closed) when
    /// none is open or it has another name.
    pub(super) fn pop_if(&mut self, name: &str) -> bool {
        match self.starts.last() {
            Some(&start) if self.names[start..] == *name => {
                self.names.truncate(start);
                self.starts.pop();
                true
            }
            _ => false,
        }
    }

    /// How many elements are open.
    pub(super) fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether no element is open.
    pub(super) fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Closes every element.
    pub(super) fn clear(&mut self) {
        self.names.clear();
        self.starts.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::Open;

    #[test]
    fn each_end_closes_the_element_last_opened() {
        let mut open = Open::default();
        assert!(!open.pop_if("c"));
        open.push("c");
        open.push("is");
        open.push("t");
        assert_eq!(open.len(), 3);
        // Another name, or a prefix of the name, closes nothing.
        assert!(!open.pop_if("is") && !open.pop_if("") && open.len() == 3);
        assert!(open.pop_if("t") && open.pop_if("is"));
        open.push("x:t");
        assert!(!open.pop_if("t") && open.pop_if("x:t"));
        assert!(open.pop_if("c") && open.is_empty());
        open.push("a");
        open.clear();
        assert!(open.is_empty() && !open.pop_if("a"));
    }
}
