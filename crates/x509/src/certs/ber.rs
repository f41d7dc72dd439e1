//! BER to DER, for PKCS#7 bundles written with indefinite lengths (some Windows and Java tools
//! do): the `cms`/`der` crates read DER only. Indefinite lengths become definite ones, every
//! length is re-encoded minimally, and a constructed OCTET STRING becomes a primitive one with
//! its segments joined. Anything else is copied as it is (the certificates inside a bundle are
//! DER already).
//!
//! Both passes use explicit stacks (no recursion), nesting is capped at [`MAX_DEPTH`], and the
//! output is never longer than the input plus a few bytes per element, so garbage cannot make it
//! loop, recurse or grow memory without bound.

use std::ops::Range;
use thiserror::Error;

/// Deepest nesting of constructed elements accepted.
pub const MAX_DEPTH: usize = 64;

/// Why bytes are not BER.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BerError {
    /// The data ends inside an element.
    #[error("BER data ends inside an element at offset {0}")]
    Truncated(usize),
    /// A length is malformed (indefinite on a primitive element, or too large).
    #[error("bad BER length at offset {0}")]
    BadLength(usize),
    /// Nesting deeper than [`MAX_DEPTH`].
    #[error("BER nesting deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// Bytes after the outermost element.
    #[error("{0} bytes after the BER element")]
    Trailing(usize),
}

/// One parsed element.
struct Node {
    /// The identifier octets (tag), as written.
    tag: Range<usize>,
    /// Primitive content, or `None` for a constructed element.
    content: Option<Range<usize>>,
    /// Children of a constructed element, in order.
    children: Vec<usize>,
    /// A constructed OCTET STRING, written as one primitive OCTET STRING.
    join: bool,
    /// DER length of the content (filled in by the second pass).
    len: usize,
}

/// Reads identifier octets at `at`: returns (end of tag, constructed).
fn read_tag(data: &[u8], at: usize) -> Result<(usize, bool), BerError> {
    let first = *data.get(at).ok_or(BerError::Truncated(at))?;
    let constructed = first & 0x20 != 0;
    let mut end = at + 1;
    if first & 0x1f == 0x1f {
        // High tag number: base-128 bytes, the last without the top bit.
        loop {
            let b = *data.get(end).ok_or(BerError::Truncated(end))?;
            end += 1;
            if b & 0x80 == 0 {
                break;
            }
            if end - at > 6 {
                return Err(BerError::BadLength(at));
            }
        }
    }
    Ok((end, constructed))
}

/// Reads length octets at `at`: returns (end of the length, `None` for indefinite).
fn read_len(data: &[u8], at: usize) -> Result<(usize, Option<usize>), BerError> {
    let first = *data.get(at).ok_or(BerError::Truncated(at))?;
    if first < 0x80 {
        return Ok((at + 1, Some(usize::from(first))));
    }
    if first == 0x80 {
        return Ok((at + 1, None));
    }
    let n = usize::from(first & 0x7f);
    if n > 4 {
        return Err(BerError::BadLength(at));
    }
    let bytes = data
        .get(at + 1..at + 1 + n)
        .ok_or(BerError::Truncated(at))?;
    let len = bytes
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
    Ok((at + 1 + n, Some(len)))
}

/// Number of bytes a DER length takes.
fn len_size(len: usize) -> usize {
    if len < 0x80 {
        1
    } else {
        1 + (usize::BITS as usize / 8 - len.leading_zeros() as usize / 8)
    }
}

fn write_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
        return;
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    out.push(0x80 | (bytes.len() - skip) as u8);
    out.extend_from_slice(&bytes[skip..]);
}

/// Parses one BER element (the whole input) into nodes, the outermost first; every child comes
/// after its parent.
fn parse(data: &[u8]) -> Result<Vec<Node>, BerError> {
    let mut nodes: Vec<Node> = Vec::new();
    // Open constructed elements: (node, end offset, or None for indefinite).
    let mut open: Vec<(usize, Option<usize>)> = Vec::new();
    let mut at = 0usize;
    loop {
        // Close every element that ends here.
        while let Some(&(node, end)) = open.last() {
            match end {
                Some(e) if at == e => {
                    open.pop();
                }
                Some(e) if at > e => return Err(BerError::BadLength(at)),
                None if data.get(at..at + 2) == Some(&[0, 0][..]) => {
                    at += 2;
                    open.pop();
                }
                _ => break,
            }
            let _ = node;
        }
        if open.is_empty() && !nodes.is_empty() {
            break;
        }
        if at >= data.len() {
            return Err(BerError::Truncated(at));
        }
        let (tag_end, constructed) = read_tag(data, at)?;
        let (len_end, len) = read_len(data, tag_end)?;
        let idx = nodes.len();
        let join = constructed && data[at] == 0x24;
        if let Some(&(parent, _)) = open.last() {
            nodes[parent].children.push(idx);
        }
        if constructed {
            if open.len() >= MAX_DEPTH {
                return Err(BerError::TooDeep);
            }
            let end = match len {
                Some(l) => Some(
                    len_end
                        .checked_add(l)
                        .filter(|e| *e <= data.len())
                        .ok_or(BerError::Truncated(at))?,
                ),
                None => None,
            };
            nodes.push(Node {
                tag: at..tag_end,
                content: None,
                children: Vec::new(),
                join,
                len: 0,
            });
            open.push((idx, end));
            at = len_end;
        } else {
            let l = len.ok_or(BerError::BadLength(tag_end))?;
            let end = len_end
                .checked_add(l)
                .filter(|e| *e <= data.len())
                .ok_or(BerError::Truncated(at))?;
            nodes.push(Node {
                tag: at..tag_end,
                content: Some(len_end..end),
                children: Vec::new(),
                join: false,
                len: l,
            });
            at = end;
            if open.is_empty() {
                break;
            }
        }
    }
    if at < data.len() {
        return Err(BerError::Trailing(data.len() - at));
    }
    Ok(nodes)
}

/// Converts one BER element (the whole input) to DER.
pub fn to_der(data: &[u8]) -> Result<Vec<u8>, BerError> {
    let mut nodes = parse(data)?;
    // Children come after their parent: fill lengths from the last node back.
    for i in (0..nodes.len()).rev() {
        if nodes[i].content.is_some() {
            continue;
        }
        let len = if nodes[i].join {
            nodes[i].children.iter().map(|&c| nodes[c].len).sum()
        } else {
            nodes[i]
                .children
                .iter()
                .map(|&c| {
                    let n = &nodes[c];
                    let tag_len = if n.join { 1 } else { n.tag.len() };
                    tag_len + len_size(n.len) + n.len
                })
                .sum()
        };
        nodes[i].len = len;
    }
    // Write: an explicit stack of nodes still to write; a joined OCTET STRING writes the
    // contents of its primitive descendants only.
    let mut out = Vec::with_capacity(data.len());
    let mut todo: Vec<(usize, bool)> = vec![(0, false)];
    while let Some((i, inside_join)) = todo.pop() {
        let n = &nodes[i];
        if !inside_join {
            if n.join {
                out.push(0x04);
            } else {
                out.extend_from_slice(&data[n.tag.clone()]);
            }
            write_len(&mut out, n.len);
        }
        match &n.content {
            Some(c) => out.extend_from_slice(&data[c.clone()]),
            None => {
                let join = inside_join || n.join;
                for &c in n.children.iter().rev() {
                    todo.push((c, join));
                }
            }
        }
    }
    Ok(out)
}

/// Re-encodes one DER (or BER) element with an indefinite length on every constructed element,
/// as some Windows and Java tools write PKCS#7 bundles; for tests and the sample generator.
pub fn to_indefinite(data: &[u8]) -> Result<Vec<u8>, BerError> {
    let nodes = parse(data)?;
    let mut out = Vec::with_capacity(data.len() + data.len() / 4);
    // (node, true) = write it; (node, false) = close it with end-of-contents.
    let mut todo: Vec<(usize, bool)> = vec![(0, true)];
    while let Some((i, open)) = todo.pop() {
        let n = &nodes[i];
        if !open {
            out.extend_from_slice(&[0, 0]);
            continue;
        }
        out.extend_from_slice(&data[n.tag.clone()]);
        match &n.content {
            Some(c) => {
                write_len(&mut out, c.len());
                out.extend_from_slice(&data[c.clone()]);
            }
            None => {
                out.push(0x80);
                todo.push((i, false));
                for &c in n.children.iter().rev() {
                    todo.push((c, true));
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indefinite_lengths_become_definite() {
        // SEQUENCE (indefinite) { INTEGER 5, SEQUENCE (indefinite) { NULL } }
        let ber = [
            0x30, 0x80, 0x02, 0x01, 0x05, 0x30, 0x80, 0x05, 0x00, 0, 0, 0, 0,
        ];
        assert_eq!(
            to_der(&ber).expect("converts"),
            [0x30, 0x07, 0x02, 0x01, 0x05, 0x30, 0x02, 0x05, 0x00]
        );
    }

    #[test]
    fn non_minimal_lengths_and_constructed_octet_strings_are_normalised() {
        // OCTET STRING constructed (indefinite) { "ab", "c" }, in a SEQUENCE with a long-form
        // length of 1 byte.
        let ber = [
            0x30, 0x81, 0x0b, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0, 0,
        ];
        assert_eq!(
            to_der(&ber).expect("converts"),
            [0x30, 0x05, 0x04, 0x03, b'a', b'b', b'c']
        );
    }

    #[test]
    fn long_content_gets_a_long_form_length() {
        let mut ber = vec![0x30, 0x80, 0x04, 0x82, 0x01, 0x00];
        ber.extend(std::iter::repeat_n(7u8, 256));
        ber.extend([0, 0]);
        let der = to_der(&ber).expect("converts");
        assert_eq!(&der[..8], &[0x30, 0x82, 0x01, 0x04, 0x04, 0x82, 0x01, 0x00]);
        assert_eq!(der.len(), 4 + 4 + 256);
    }

    #[test]
    fn indefinite_re_encoding_round_trips() {
        let der = [0x30, 0x07, 0x02, 0x01, 0x05, 0x30, 0x02, 0x05, 0x00];
        let ber = to_indefinite(&der).expect("encodes");
        assert_eq!(
            ber,
            [0x30, 0x80, 0x02, 0x01, 0x05, 0x30, 0x80, 0x05, 0x00, 0, 0, 0, 0]
        );
        assert_eq!(to_der(&ber).expect("converts"), der);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(to_der(&[]).is_err());
        assert!(to_der(&[0x30, 0x80, 0x02, 0x01]).is_err());
        assert!(to_der(&[0x02, 0x80]).is_err());
        assert!(to_der(&[0x02, 0x01, 0x01, 0x00]).is_err());
        let deep: Vec<u8> = std::iter::repeat_n([0x30u8, 0x80], MAX_DEPTH + 1)
            .flatten()
            .collect();
        assert_eq!(to_der(&deep), Err(BerError::TooDeep));
    }
}
