//! Turning raw bytes into text: UTF-8 (with or without BOM) and UTF-16LE/BE, as Windows writes them.

/// Bytes that are not valid in the encoding their byte order mark (or content) announces.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not valid {encoding}: {detail} at byte {offset}")]
pub struct DecodeError {
    /// The encoding tried.
    pub encoding: &'static str,
    /// What is wrong.
    pub detail: &'static str,
    /// Byte offset in the raw bytes.
    pub offset: usize,
}

/// Decoded text and the name of the encoding it was in.
pub struct Decoded {
    /// The text, without BOM.
    pub text: String,
    /// `UTF-8`, `UTF-8 (BOM)`, `UTF-16LE` or `UTF-16BE`.
    pub encoding: &'static str,
}

/// Decodes by byte order mark; without one, recognises UTF-16 by its zero bytes around `<`,
/// else requires strict UTF-8. Malformed sequences (lone surrogates, bad UTF-8) are errors.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    decode_vec(bytes.to_vec())
}

/// Like [`decode`], taking the bytes: UTF-8 input becomes the text without being copied
/// (a byte order mark is moved out of the way in place).
pub fn decode_vec(mut bytes: Vec<u8>) -> Result<Decoded, DecodeError> {
    // (big endian, BOM length, label); `None` for UTF-8.
    let (utf16, bom_len, label) = match bytes.as_slice() {
        [0xEF, 0xBB, 0xBF, ..] => (None, 3, "UTF-8 (BOM)"),
        [0xFF, 0xFE, ..] => (Some(false), 2, "UTF-16LE"),
        [0xFE, 0xFF, ..] => (Some(true), 2, "UTF-16BE"),
        [b'<', 0, ..] => (Some(false), 0, "UTF-16LE"),
        [0, b'<', ..] => (Some(true), 0, "UTF-16BE"),
        _ => (None, 0, "UTF-8"),
    };
    let Some(big_endian) = utf16 else {
        bytes.drain(..bom_len);
        return match String::from_utf8(bytes) {
            Ok(text) => Ok(Decoded {
                text,
                encoding: label,
            }),
            Err(e) => Err(DecodeError {
                encoding: "UTF-8",
                detail: "invalid byte sequence",
                offset: bom_len + e.utf8_error().valid_up_to(),
            }),
        };
    };
    let body = &bytes[bom_len..];
    if !body.len().is_multiple_of(2) {
        return Err(DecodeError {
            encoding: label,
            detail: "odd number of bytes (truncated?)",
            offset: bytes.len() - 1,
        });
    }
    decode_utf16(body, big_endian)
        .map(|text| Decoded {
            text,
            encoding: label,
        })
        .map_err(|at| DecodeError {
            encoding: label,
            detail: "unpaired surrogate",
            offset: bom_len + at,
        })
}

/// UTF-16 (an even number of bytes) to UTF-8; the error is the byte offset of the first
/// unpaired surrogate. Runs of ASCII, most of a topology, are copied a unit at a time.
fn decode_utf16(body: &[u8], big_endian: bool) -> Result<String, usize> {
    let unit = |c: &[u8]| {
        if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    };
    let mut out: Vec<u8> = Vec::with_capacity(body.len() / 2);
    let mut at = 0;
    while at < body.len() {
        // ASCII run.
        let rest = &body[at..];
        let ascii = rest.chunks_exact(2).take_while(|c| unit(c) < 0x80).count();
        out.extend(rest.chunks_exact(2).take(ascii).map(|c| unit(c) as u8));
        at += 2 * ascii;
        if at == body.len() {
            break;
        }
        // One code point: a unit of the BMP or a surrogate pair.
        let units = body[at..].chunks_exact(2).map(unit);
        let c = char::decode_utf16(units)
            .next()
            .and_then(Result::ok)
            .ok_or(at)?;
        let mut buf = [0; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        at += 2 * c.len_utf16();
    }
    // Every byte pushed is ASCII or a whole encoded char.
    String::from_utf8(out).map_err(|e| e.utf8_error().valid_up_to())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str, be: bool) -> Vec<u8> {
        let mut v = if be {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for u in s.encode_utf16() {
            v.extend(if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        v
    }

    #[test]
    fn decodes_every_windows_encoding() {
        let s = "<Topology>é</Topology>\r\n";
        assert_eq!(decode(s.as_bytes()).unwrap().text, s);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend(s.as_bytes());
        assert_eq!(decode(&bom).unwrap().encoding, "UTF-8 (BOM)");
        assert_eq!(decode(&utf16(s, false)).unwrap().text, s);
        assert_eq!(decode(&utf16(s, true)).unwrap().text, s);
        assert_eq!(decode(&utf16(s, true)).unwrap().encoding, "UTF-16BE");
    }

    #[test]
    fn lone_surrogate_is_an_error_with_its_offset() {
        let mut v = utf16("<a>", false);
        v.extend([0x00, 0xD8, b'>', 0]);
        match decode(&v) {
            Err(DecodeError { offset, .. }) => assert_eq!(offset, 8),
            other => panic!("expected encoding error, got {:?}", other.map(|d| d.text)),
        }
    }

    #[test]
    fn utf16_decodes_like_the_standard_library() {
        let samples = [
            "",
            "<a/>",
            "é",
            "<Topology>élan 漢字 😀 \u{10FFFF}</Topology>\r\n",
            "😀😀",
            "\u{7f}\u{80}\u{7ff}\u{800}\u{ffff}",
        ];
        for s in samples {
            for be in [false, true] {
                let bytes = &utf16(s, be)[2..];
                assert_eq!(decode_utf16(bytes, be).as_deref(), Ok(s), "{s:?} be={be}");
            }
        }
        // A lone high surrogate, a lone low surrogate, a high surrogate at the very end.
        for (units, at) in [
            (vec![0x3c, 0xd800, 0x3e], 2),
            (vec![0x3c, 0x3e, 0xdc00], 4),
            (vec![0x3c, 0xd83d], 2),
        ] {
            let bytes: Vec<u8> = units.iter().flat_map(|u: &u16| u.to_le_bytes()).collect();
            assert_eq!(decode_utf16(&bytes, false), Err(at), "{units:x?}");
            assert!(String::from_utf16(&units).is_err());
        }
    }

    proptest::proptest! {
        /// Any text survives UTF-16 in either byte order; any units decode exactly when the
        /// standard library decodes them.
        #[test]
        fn utf16_round_trips(s in ".*", units in proptest::collection::vec(proptest::num::u16::ANY, 0..64)) {
            for be in [false, true] {
                let bytes = &utf16(&s, be)[2..];
                proptest::prop_assert_eq!(decode_utf16(bytes, be), Ok(s.clone()));
            }
            let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
            proptest::prop_assert_eq!(decode_utf16(&bytes, false).ok(), String::from_utf16(&units).ok());
        }
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        assert!(matches!(
            decode(b"<a>\xff</a>"),
            Err(DecodeError { offset: 3, .. })
        ));
    }
}
