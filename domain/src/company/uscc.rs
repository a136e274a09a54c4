//! Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a
//! 31-symbol alphabet (no I, O, S, V, Z); positions 3–8 are the administrative division code;
//! the last character is a check character over the first 17 with weights 3^(i-1) mod 31.

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsccProblem {
    Length,
    Character,
    DivisionCode,
    CheckCharacter,
}

impl UsccProblem {
    pub fn code(self) -> &'static str {
        match self {
            UsccProblem::Length => "invalid_length",
            UsccProblem::Character => "invalid_character",
            UsccProblem::DivisionCode => "invalid_division_code",
            UsccProblem::CheckCharacter => "invalid_check_character",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            UsccProblem::Length => "must have exactly 18 characters",
            UsccProblem::Character => {
                "may only contain digits and the letters ABCDEFGHJKLMNPQRTUWXY"
            }
            UsccProblem::DivisionCode => "characters 3 to 8 must be the 6-digit division code",
            UsccProblem::CheckCharacter => "check character does not match (GB 32100-2015)",
        }
    }
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters (already upper-case and in the alphabet).
pub fn check_character(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

/// Normalises (trim, upper-case, full-width to half-width) and validates a code.
pub fn parse_uscc(raw: &str) -> Result<String, UsccProblem> {
    let code: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            // Full-width ASCII (as typed by Chinese IMEs) to half-width.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect::<String>()
        .to_uppercase();
    if code.chars().count() != 18 {
        return Err(UsccProblem::Length);
    }
    let bytes = code.as_bytes();
    if bytes.iter().any(|&b| value(b).is_none()) {
        return Err(UsccProblem::Character);
    }
    if !bytes[2..8].iter().all(u8::is_ascii_digit) {
        return Err(UsccProblem::DivisionCode);
    }
    match check_character(&bytes[..17]) {
        Some(c) if c as u8 == bytes[17] => Ok(code),
        _ => Err(UsccProblem::CheckCharacter),
    }
}

/// Builds a valid code from a 17-character base (used by the demo data and tests).
pub fn complete_uscc(first17: &str) -> Option<String> {
    let check = check_character(first17.as_bytes())?;
    Some(format!("{first17}{check}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_valid_codes() {
        assert_eq!(
            parse_uscc("91350100M000100Y43"),
            Ok("91350100M000100Y43".into())
        );
        assert_eq!(
            parse_uscc(" 91110108551385082q "),
            Ok("91110108551385082Q".into())
        );
        // Full-width input from a Chinese IME.
        assert_eq!(
            parse_uscc("９１１１０１０８５５１３８５０８２Ｑ"),
            Ok("91110108551385082Q".into())
        );
    }

    #[test]
    fn known_invalid_codes() {
        assert_eq!(parse_uscc("91350100M000100Y4"), Err(UsccProblem::Length));
        assert_eq!(
            parse_uscc("91350100M000100Y44"),
            Err(UsccProblem::CheckCharacter)
        );
        // Accepted by naive regex validators; its check character is wrong.
        assert_eq!(
            parse_uscc("9A1234568378908767"),
            Err(UsccProblem::CheckCharacter)
        );
        assert_eq!(
            parse_uscc("91A50100M000100Y43"),
            Err(UsccProblem::DivisionCode)
        );
        assert_eq!(
            parse_uscc("91350100M0001O0Y43"),
            Err(UsccProblem::Character)
        );
    }

    fn code_strategy() -> impl Strategy<Value = String> {
        let sym = prop::sample::select(ALPHABET.to_vec());
        let digit = prop::sample::select(b"0123456789".to_vec());
        (
            prop::collection::vec(sym.clone(), 2),
            prop::collection::vec(digit, 6),
            prop::collection::vec(sym, 9),
        )
            .prop_map(|(a, b, c)| {
                let base: Vec<u8> = a.into_iter().chain(b).chain(c).collect();
                complete_uscc(std::str::from_utf8(&base).unwrap()).unwrap()
            })
    }

    proptest! {
        #[test]
        fn completed_codes_validate(code in code_strategy()) {
            prop_assert_eq!(parse_uscc(&code), Ok(code.clone()));
        }

        #[test]
        fn every_single_substitution_is_caught(code in code_strategy(), pos in 0usize..18, sym in 0usize..31) {
            let mut bytes = code.clone().into_bytes();
            prop_assume!(bytes[pos] != ALPHABET[sym]);
            bytes[pos] = ALPHABET[sym];
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(parse_uscc(&changed).is_err());
        }
    }
}
