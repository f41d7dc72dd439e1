//! The search for characters XML 1.0 does not allow (NUL and other controls) in the whole
//! text.

use crate::error::LoadError;
use crate::model::SourceText;

pub(super) fn char_error(src: &SourceText, at: usize) -> LoadError {
    let c = src.text.get(at..).and_then(|t| t.chars().next());
    let message = match c {
        Some('\0') | None => "NUL character (U+0000): not allowed anywhere in XML".into(),
        Some(c) => format!(
            "character U+{:04X} is not allowed in XML 1.0 (not even as a character reference)",
            u32::from(c)
        ),
    };
    LoadError::Malformed {
        message,
        src: src.named_source(),
        at: (at, 0).into(),
    }
}

/// True for a character XML 1.0 allows (its `Char` production; surrogates cannot be in a
/// `char`).
pub(super) fn is_xml_char(c: char) -> bool {
    !matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// The first character XML 1.0 does not allow anywhere in `text`, as a byte offset. Bytes are
/// tested 32 at a time without branches (so the compiler uses vector instructions): a C0
/// control other than tab, LF and CR, or 0xEF, the lead byte of U+FFFE and U+FFFF in UTF-8,
/// which is then looked at exactly (it also starts other characters).
pub(super) fn first_illegal_char(text: &str) -> Option<usize> {
    const LANES: usize = 32;
    fn suspect(b: u8) -> u8 {
        u8::from(b < 0x20) & u8::from(b != b'\t') & u8::from(b != b'\n') & u8::from(b != b'\r')
            | u8::from(b == 0xEF)
    }
    let bytes = text.as_bytes();
    let exact = |i: usize| -> bool {
        match bytes[i] {
            0xEF => {
                bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF))
            }
            b => suspect(b) != 0,
        }
    };
    let mut chunks = bytes.chunks_exact(LANES);
    for (k, chunk) in (&mut chunks).enumerate() {
        if chunk.iter().fold(0u8, |acc, &b| acc | suspect(b)) != 0 {
            let base = k * LANES;
            if let Some(i) = (base..base + LANES).find(|&i| exact(i)) {
                return Some(i);
            }
        }
    }
    (bytes.len() - chunks.remainder().len()..bytes.len()).find(|&i| exact(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_xml_does_not_allow_are_found_anywhere() {
        for (text, want) in [
            ("plain text\t\r\n", None),
            ("é ü \u{fffd} \u{fefe} \u{10000}", None),
            ("a\u{1b}b", Some(1)),
            ("a\u{1f}", Some(1)),
            ("\u{b}", Some(0)),
            ("xx\u{fffe}", Some(2)),
            ("xx\u{ffff}", Some(2)),
        ] {
            // at every place relative to the blocks of 32 bytes
            for pad in 0..40 {
                let padded = format!("{}{text}", "p".repeat(pad));
                let got = first_illegal_char(&padded);
                assert_eq!(got, want.map(|w| w + pad), "{pad} {text:?}");
            }
        }
    }
}
