//! Safety limits: what keeps hostile input from exhausting memory or the stack.

/// Limits that keep hostile input from exhausting memory or the stack.
#[derive(Debug, Clone, Copy)]
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
