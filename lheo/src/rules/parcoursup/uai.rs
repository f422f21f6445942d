//! The UAI (Unité administrative immatriculée, ex-RNE) code of a school or CFA: seven digits
//! (the first three the département: `075`, `620`/`720` for Corsica, `97x` overseas) and a
//! check letter.
//!
//! The check letter is the remainder of the seven digits, read as a number, divided by 23,
//! taken in the alphabet of the 23 letters without I, O and Q (`0` → A, `8` → J, `22` → Z).
//! This is the check the national apprenticeship catalogue (catalogue-apprentissage of the
//! Mission interministérielle pour l'apprentissage, `server/src/common/utils/uaiUtils.js`,
//! which cites Julien Delmas, « Qu'est-ce que le code RNE ou UAI ? ») applies to the UAI of
//! every offer it sends to Parcoursup and Affelnet. Checked here on real codes: lycée
//! Henri-IV `0750654D` and its collège `0752526N` (Paris), lycée Louis-le-Grand `0750655E`.

/// The 23 check letters.
const LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

/// The check letter of seven digits (`None` if they are not seven ASCII digits).
pub fn check_letter(digits: &str) -> Option<char> {
    if digits.len() != 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    LETTERS.get((n % 23) as usize).map(|&b| char::from(b))
}

/// What is wrong with a UAI code, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UaiError {
    /// Not seven digits and a letter.
    Format,
    /// The letter is not the check letter of the digits (which is given).
    CheckLetter(char),
}

/// Checks a UAI code (surrounding spaces ignored, the letter in either case).
pub fn check(code: &str) -> Result<(), UaiError> {
    let code = code.trim();
    let (digits, letter) = match (code.get(..7), code.get(7..)) {
        (Some(d), Some(l)) if l.len() == 1 => (d, l),
        _ => return Err(UaiError::Format),
    };
    let expected = check_letter(digits).ok_or(UaiError::Format)?;
    let letter = letter.chars().next().ok_or(UaiError::Format)?;
    if !letter.is_ascii_alphabetic() {
        return Err(UaiError::Format);
    }
    if letter.eq_ignore_ascii_case(&expected) {
        Ok(())
    } else {
        Err(UaiError::CheckLetter(expected))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_codes_pass() {
        // Lycée Henri-IV and its collège, lycée Louis-le-Grand (Paris).
        for code in ["0750654D", "0752526N", "0750655E"] {
            assert_eq!(check(code), Ok(()), "{code}");
        }
        // The catalogue's own test cases.
        assert_eq!(check("0010856A"), Ok(()));
        assert_eq!(check("0010856B"), Err(UaiError::CheckLetter('A')));
        assert_eq!(check_letter("0751234"), Some('J'));
    }

    #[test]
    fn letters_skip_i_o_q() {
        assert_eq!(check_letter("0000008"), Some('J'));
        assert_eq!(check_letter("0000013"), Some('P'));
        assert_eq!(check_letter("0000014"), Some('R'));
        assert_eq!(check_letter("0000022"), Some('Z'));
        assert_eq!(check_letter("0000023"), Some('A'));
    }

    #[test]
    fn malformed_codes() {
        for code in [
            "",
            "075065D",
            "07506540D",
            "075O654D",
            "07506541",
            "0750654-",
        ] {
            assert_eq!(check(code), Err(UaiError::Format), "{code:?}");
        }
        assert_eq!(check(" 0750654d "), Ok(()));
    }
}
