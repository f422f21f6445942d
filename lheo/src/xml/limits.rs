//! Safety limits: what keeps hostile input from exhausting memory or the stack.

/// Limits that keep hostile input from exhausting memory or the stack.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Limits {
    /// Maximum element nesting depth.
    pub max_depth: usize,
    /// Maximum size in bytes of one tag or one text node.
    pub max_event_bytes: u64,
    /// Maximum number of diagnostics the checker keeps (the others are counted and summed
    /// up in one last diagnostic: the checker's budget).
    pub max_diagnostics: usize,
    /// Maximum number of elements in one record (`formation`, …) when records are built
    /// (profile `france-travail`, import, reading a whole document): a tree
    /// takes a few hundred bytes per element, whatever the element's size in the input.
    pub max_record_elements: usize,
}

impl Limits {
    /// These limits with at most `max` nested elements.
    pub fn with_max_depth(mut self, max: usize) -> Self {
        self.max_depth = max;
        self
    }

    /// These limits with tags and texts of at most `max` bytes.
    pub fn with_max_event_bytes(mut self, max: u64) -> Self {
        self.max_event_bytes = max;
        self
    }

    /// These limits keeping at most `max` findings per document (the others are counted).
    pub fn with_max_diagnostics(mut self, max: usize) -> Self {
        self.max_diagnostics = max;
        self
    }

    /// These limits with records of at most `max` elements.
    pub fn with_max_record_elements(mut self, max: usize) -> Self {
        self.max_record_elements = max;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 512,
            max_event_bytes: 16 * 1024 * 1024,
            max_diagnostics: 10_000,
            max_record_elements: 1_000_000,
        }
    }
}
