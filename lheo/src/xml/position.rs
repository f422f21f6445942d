//! Positions in the input.

/// A position in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Position {
    /// 1-based line. For a start tag: the line of its closing `>`, as libxml2 reports.
    pub line: u32,
    /// 1-based byte column of the start (`<` of a tag, first byte of text) when on that line.
    pub column: u32,
}
