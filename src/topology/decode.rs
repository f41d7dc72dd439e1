//! Turning raw bytes into text: UTF-8 (with or without BOM) and UTF-16LE/BE, as Windows writes them.

use crate::error::LoadError;

/// Decoded text and the name of the encoding it was in.
pub struct Decoded {
    /// The text, without BOM.
    pub text: String,
    /// `UTF-8`, `UTF-8 (BOM)`, `UTF-16LE` or `UTF-16BE`.
    pub encoding: &'static str,
}

/// Decodes by byte order mark; without one, recognises UTF-16 by its zero bytes around `<`,
/// else requires strict UTF-8. Malformed sequences (lone surrogates, bad UTF-8) are errors.
pub fn decode(path: &str, bytes: &[u8]) -> Result<Decoded, LoadError> {
    decode_vec(path, bytes.to_vec())
}

/// Like [`decode`], taking the bytes: UTF-8 input becomes the text without being copied
/// (a byte order mark is moved out of the way in place).
pub fn decode_vec(path: &str, mut bytes: Vec<u8>) -> Result<Decoded, LoadError> {
    let (enc, bom_len, label): (&'static encoding_rs::Encoding, usize, &'static str) =
        match bytes.as_slice() {
            [0xEF, 0xBB, 0xBF, ..] => (encoding_rs::UTF_8, 3, "UTF-8 (BOM)"),
            [0xFF, 0xFE, ..] => (encoding_rs::UTF_16LE, 2, "UTF-16LE"),
            [0xFE, 0xFF, ..] => (encoding_rs::UTF_16BE, 2, "UTF-16BE"),
            [b'<', 0, ..] => (encoding_rs::UTF_16LE, 0, "UTF-16LE"),
            [0, b'<', ..] => (encoding_rs::UTF_16BE, 0, "UTF-16BE"),
            _ => (encoding_rs::UTF_8, 0, "UTF-8"),
        };
    if enc == encoding_rs::UTF_8 {
        bytes.drain(..bom_len);
        return match String::from_utf8(bytes) {
            Ok(text) => Ok(Decoded {
                text,
                encoding: label,
            }),
            Err(e) => Err(LoadError::Encoding {
                path: path.to_string(),
                encoding: "UTF-8",
                detail: "invalid byte sequence".into(),
                offset: bom_len + e.utf8_error().valid_up_to(),
            }),
        };
    }
    let body = &bytes[bom_len..];
    if !body.len().is_multiple_of(2) {
        return Err(LoadError::Encoding {
            path: path.to_string(),
            encoding: label,
            detail: "odd number of bytes (truncated?)".into(),
            offset: bytes.len() - 1,
        });
    }
    match enc.decode_without_bom_handling_and_without_replacement(body) {
        Some(text) => Ok(Decoded {
            text: text.into_owned(),
            encoding: label,
        }),
        None => {
            let big_endian = enc == encoding_rs::UTF_16BE;
            let units = body.chunks_exact(2).map(|c| {
                if big_endian {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            });
            let mut offset = bom_len;
            for r in char::decode_utf16(units) {
                match r {
                    Ok(c) => offset += c.len_utf16() * 2,
                    Err(_) => break,
                }
            }
            Err(LoadError::Encoding {
                path: path.to_string(),
                encoding: label,
                detail: "unpaired surrogate".into(),
                offset,
            })
        }
    }
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
        assert_eq!(decode("x", s.as_bytes()).unwrap().text, s);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend(s.as_bytes());
        assert_eq!(decode("x", &bom).unwrap().encoding, "UTF-8 (BOM)");
        assert_eq!(decode("x", &utf16(s, false)).unwrap().text, s);
        assert_eq!(decode("x", &utf16(s, true)).unwrap().text, s);
        assert_eq!(decode("x", &utf16(s, true)).unwrap().encoding, "UTF-16BE");
    }

    #[test]
    fn lone_surrogate_is_an_error_with_its_offset() {
        let mut v = utf16("<a>", false);
        v.extend([0x00, 0xD8, b'>', 0]);
        match decode("x", &v) {
            Err(LoadError::Encoding { offset, .. }) => assert_eq!(offset, 8),
            other => panic!("expected encoding error, got {:?}", other.map(|d| d.text)),
        }
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        assert!(matches!(
            decode("x", b"<a>\xff</a>"),
            Err(LoadError::Encoding { offset: 3, .. })
        ));
    }
}
