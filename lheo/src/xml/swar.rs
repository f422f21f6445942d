//! Eight bytes at a time in one word (SWAR: SIMD within a register): which bytes of a word
//! are zero, or a given byte, without a branch per byte.

/// `0x01` in every byte of a word.
const ONES: u64 = u64::from_le_bytes([1; 8]);
/// `0x7f` in every byte of a word.
const LOW: u64 = ONES * 0x7f;
/// `0x80` in every byte of a word.
const HIGH: u64 = ONES * 0x80;

/// The word of eight bytes `bytes`, the first in the lowest byte (bit `8 * i + 7` is the high
/// bit of `bytes[i]`).
#[inline(always)]
pub(crate) fn word(bytes: [u8; 8]) -> u64 {
    u64::from_le_bytes(bytes)
}

/// `b` in every byte of a word.
#[inline(always)]
pub(crate) const fn splat(b: u8) -> u64 {
    ONES * b as u64
}

/// The high bit of each byte of `word` that is not zero. Exact: the low seven bits of each
/// byte are added apart from its high bit, so no carry crosses from one byte to the next.
#[inline(always)]
pub(crate) fn nonzero(word: u64) -> u64 {
    (((word & LOW) + LOW) | word) & HIGH
}

/// The high bit of each byte of `word` that is `b` (used by the workbook reader's bounds).
#[cfg_attr(not(feature = "workbook"), allow(dead_code))]
#[inline(always)]
pub(crate) fn equal(word: u64, b: u8) -> u64 {
    !nonzero(word ^ splat(b)) & HIGH
}

/// The index of the byte of the lowest high bit set in `mask` (a result of [`nonzero`] or
/// [`equal`]; 8 when none is).
#[inline(always)]
pub(crate) fn first(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value, at every place of a word, among every other value: the masks say
    /// exactly which bytes are zero and which are the byte asked for.
    #[test]
    fn masks_are_exact() {
        for b in 0..=255u8 {
            for other in 0..=255u8 {
                for at in 0..8 {
                    let mut bytes = [other; 8];
                    bytes[at] = b;
                    let w = word(bytes);
                    for (i, &x) in bytes.iter().enumerate() {
                        let bit = 1u64 << (8 * i + 7);
                        assert_eq!(nonzero(w) & bit != 0, x != 0, "{bytes:?}");
                        assert_eq!(equal(w, b'<') & bit != 0, x == b'<', "{bytes:?}");
                    }
                    assert_eq!(
                        first(equal(w, b)),
                        bytes.iter().position(|&x| x == b).unwrap()
                    );
                }
            }
        }
        assert_eq!(first(0), 8);
    }
}
