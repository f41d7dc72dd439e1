//! Checks of start tags before anything is read from them (`check_in_full`), and of
//! references (`resolve_reference`).

use super::attrs::{is_xml_space, Seen};
use super::chars::is_xml_char;
use crate::error::LoadError;
use crate::model::SourceText;
use quick_xml::events::BytesStart;

/// Longest attribute or element name echoed in a message.
const NAME_SHOWN: usize = 64;

/// What is wrong with a start tag: where (a byte offset of its text), the attribute whose value
/// is malformed (else the tag's syntax is), and the cause.
#[derive(Debug, PartialEq, Eq)]
struct TagProblem {
    at: usize,
    attribute: Option<String>,
    cause: String,
}

impl TagProblem {
    fn syntax(at: usize, cause: String) -> Self {
        TagProblem {
            at,
            attribute: None,
            cause,
        }
    }
}

/// `name` clipped for a message.
fn shown(name: &str) -> &str {
    &name[..crate::term::floor_char_boundary(name, NAME_SHOWN)]
}

/// Checks a start tag as XML 1.0 requires before anything is read from it: a name without
/// markup characters; then attributes, each after white space, written `name = "value"` (or
/// with `'`); no two with the same local name (`xmlns` declarations apart), which also makes
/// reading by local name unambiguous; no `<` in a value; and a value with `&` must hold only
/// the five predefined entities and references to characters XML allows (each resolved by
/// quick-xml, as in text). Linear in the tag: names are compared in a small array, and past it
/// through a hash set. (quick-xml's `Attributes::with_checks` compares qualified names, not
/// the local names the scan reads by, and makes an `Attribute` per value.) The attributes are
/// noted in `seen` as they are checked, so that reading them takes no second pass. Not
/// inlined: in [`super::Scanner::open`] it made every element slower.
#[inline(never)]
pub(super) fn check_in_full<'a>(
    src: &SourceText,
    e: &'a BytesStart<'_>,
    seen: &mut Seen<'a>,
) -> Result<(), LoadError> {
    let raw = e.attributes_raw();
    let problem = match check_attributes(raw, seen) {
        Ok(()) => match markup_in_name(e.name().as_ref()) {
            None => return Ok(()),
            Some(i) => TagProblem::syntax(
                i.wrapping_sub(e.name().as_ref().len()),
                format!(
                    "`{}` is not allowed in the element name {}",
                    e.name().as_ref()[i..].chars().next().unwrap_or('?'),
                    shown(e.name().as_ref())
                ),
            ),
        },
        Err(p) => p,
    };
    // the attribute text is borrowed from the source text; locate the problem in it
    let base = (raw.as_ptr() as usize).wrapping_sub(src.text.as_ptr() as usize);
    let at = base.wrapping_add(problem.at).min(src.text.len());
    let at: miette::SourceSpan = (at, 0).into();
    Err(match problem.attribute {
        Some(attribute) => LoadError::MalformedAttribute {
            attribute,
            cause: problem.cause,
            src: src.named_source(),
            at,
        },
        None => LoadError::Malformed {
            message: problem.cause,
            src: src.named_source(),
            at,
        },
    })
}

/// The offset of a character no XML name holds that would change how the tag reads.
fn markup_in_name(name: &str) -> Option<usize> {
    name.bytes()
        .position(|b| NAME_BYTES[b as usize] == NameByte::Bad || b == b'=')
}

/// How [`check_attributes`] treats a byte of an attribute name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NameByte {
    Part,
    /// `:`, before the local name.
    Colon,
    /// `=` or white space: the name ends.
    End,
    /// Markup that no name holds.
    Bad,
}

/// [`NameByte`] of every byte, so that a name is read with one look-up per byte.
static NAME_BYTES: [NameByte; 256] = {
    let mut table = [NameByte::Part; 256];
    table[b':' as usize] = NameByte::Colon;
    table[b'=' as usize] = NameByte::End;
    table[b' ' as usize] = NameByte::End;
    table[b'\t' as usize] = NameByte::End;
    table[b'\r' as usize] = NameByte::End;
    table[b'\n' as usize] = NameByte::End;
    table[b'<' as usize] = NameByte::Bad;
    table[b'>' as usize] = NameByte::Bad;
    table[b'&' as usize] = NameByte::Bad;
    table[b'"' as usize] = NameByte::Bad;
    table[b'\'' as usize] = NameByte::Bad;
    table[b'/' as usize] = NameByte::Bad;
    table
};

/// The length of the attribute value that starts at `bytes[open..]` and ends at `quote`, and
/// whether it holds `<` or `&` (then [`check_value`] must look at it): one search for the
/// first of the three, and in most values that is the quote.
#[inline]
fn value_len(bytes: &[u8], open: usize, quote: u8) -> Option<(usize, bool)> {
    let rest = bytes.get(open..)?;
    let hit = memchr::memchr3(quote, b'<', b'&', rest)?;
    if rest[hit] == quote {
        return Some((hit, false));
    }
    Some((hit + memchr::memchr(quote, &rest[hit..])?, true))
}

/// [`check_in_full`] for the attribute text of a tag (after its name). `<` and `&` are only
/// allowed in a value, and there only as [`check_value`] allows; elsewhere they are not name
/// characters. Every attribute's local name and raw value is noted in `seen`, in order
/// (`xmlns` ones too).
fn check_attributes<'a>(raw: &'a str, seen: &mut Seen<'a>) -> Result<(), TagProblem> {
    let bytes = raw.as_bytes();
    let mut i = 0;
    const SMALL: usize = 12;
    let mut names: [&[u8]; SMALL] = [&[]; SMALL];
    let mut count = 0;
    let mut more: Option<foldhash::HashSet<&[u8]>> = None;
    // The attributes written as Lync writes them (`seen.layout`: distinct names of name
    // characters, not `xmlns`), compared whole: each is what the loop below would read, and
    // being first and distinct none is given twice.
    for name in seen.layout {
        let n = name.len();
        let (Some(b' '), Some(written), Some(b"=\"")) = (
            bytes.get(i),
            bytes.get(i + 1..i + 1 + n),
            bytes.get(i + 1 + n..i + 3 + n),
        ) else {
            break;
        };
        let open = i + 3 + n;
        let (true, Some((len, special))) =
            (written == name.as_bytes(), value_len(bytes, open, b'"'))
        else {
            break;
        };
        let local: &'a [u8] = &bytes[i + 1..i + 1 + n];
        if special {
            check_value(&raw[open..open + len]).map_err(|(at, cause)| TagProblem {
                at: open + at,
                attribute: Some(shown(name).to_string()),
                cause,
            })?;
        }
        seen.push(local, &raw[open..open + len]);
        if count < SMALL {
            names[count] = local;
            count += 1;
        }
        i = open + len + 1;
    }
    loop {
        let space = i;
        while bytes.get(i).is_some_and(|&b| is_xml_space(b)) {
            i += 1;
        }
        if i == bytes.len() {
            seen.collected();
            return Ok(());
        }
        if i == space {
            return Err(TagProblem::syntax(
                i,
                "expected white space before an attribute".into(),
            ));
        }
        let start = i;
        let mut local = i;
        loop {
            // most bytes are part of the name: a tight loop, the rest told apart after it
            while bytes
                .get(i)
                .is_some_and(|&b| NAME_BYTES[b as usize] == NameByte::Part)
            {
                i += 1;
            }
            match bytes.get(i).map(|&b| NAME_BYTES[b as usize]) {
                Some(NameByte::Colon) => {
                    i += 1;
                    local = i;
                }
                Some(NameByte::Bad) => {
                    let c = raw[i..].chars().next().unwrap_or('?');
                    return Err(TagProblem::syntax(
                        i,
                        format!("`{c}` is not allowed here in a start tag (an attribute name was expected)"),
                    ));
                }
                _ => break,
            }
        }
        let name = &raw[start..i];
        let local: &'a [u8] = &bytes[local..i];
        while bytes.get(i).is_some_and(|&b| is_xml_space(b)) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            return Err(TagProblem::syntax(
                start,
                format!(
                    "attribute {} has no value (`=` and a quoted value expected)",
                    shown(name)
                ),
            ));
        }
        i += 1;
        while bytes.get(i).is_some_and(|&b| is_xml_space(b)) {
            i += 1;
        }
        let quote = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                return Err(TagProblem::syntax(
                    i,
                    format!("the value of attribute {} is not quoted", shown(name)),
                ))
            }
        };
        let open = i + 1;
        let Some((len, special)) = value_len(bytes, open, quote) else {
            return Err(TagProblem::syntax(
                i,
                format!("the value of attribute {} is not closed", shown(name)),
            ));
        };
        i = open + len + 1;
        seen.push(local, &raw[open..open + len]);
        if special {
            check_value(&raw[open..open + len]).map_err(|(at, cause)| TagProblem {
                at: open + at,
                attribute: Some(shown(name).to_string()),
                cause,
            })?;
        }
        if name.starts_with("xmlns") && (name.len() == 5 || name.as_bytes()[5] == b':') {
            continue;
        }
        let again = match &mut more {
            Some(set) => !set.insert(local),
            None => {
                // lengths first: most names differ in length, and then no bytes are compared
                let again = names[..count]
                    .iter()
                    .any(|n| n.len() == local.len() && *n == local);
                if count < SMALL {
                    names[count] = local;
                    count += 1;
                } else {
                    let mut set: foldhash::HashSet<&[u8]> = names.iter().copied().collect();
                    set.insert(local);
                    more = Some(set);
                }
                again
            }
        };
        if again {
            let local = std::str::from_utf8(local).unwrap_or(name);
            return Err(TagProblem::syntax(
                start,
                format!(
                    "attribute {} is given twice in this start tag",
                    shown(local)
                ),
            ));
        }
    }
}

/// Checks an attribute value: no `<`, and every reference resolved as in text
/// ([`resolve_reference`]). The offset in the value and the cause when it is malformed.
fn check_value(value: &str) -> Result<(), (usize, String)> {
    let bytes = value.as_bytes();
    if memchr::memchr2(b'<', b'&', bytes).is_none() {
        return Ok(());
    }
    if let Some(lt) = memchr::memchr(b'<', bytes) {
        return Err((
            lt,
            "`<` is not allowed in an attribute value (write &lt;)".into(),
        ));
    }
    for amp in memchr::memchr_iter(b'&', bytes) {
        let Some(len) = memchr::memchr(b';', &bytes[amp + 1..]) else {
            return Err((
                amp,
                "`&` starts no reference: no `;` follows (write &amp;)".into(),
            ));
        };
        let name = &value[amp + 1..amp + 1 + len];
        let _resolved = resolve_reference(&quick_xml::events::BytesRef::new(name))
            .map_err(|cause| (amp, cause))?;
    }
    Ok(())
}

/// A reference in text: the character it stands for (`Ok`) or the predefined entity's text
/// (`Err`), through quick-xml's own resolution; an undefined entity or a reference to a
/// character XML does not allow is an error, with its cause.
pub(super) fn resolve_reference(
    r: &quick_xml::events::BytesRef<'_>,
) -> Result<Result<char, &'static str>, String> {
    let shown_ref = shown(r);
    match r.resolve_char_ref() {
        Ok(Some(c)) if is_xml_char(c) => Ok(Ok(c)),
        Ok(Some(c)) => Err(format!(
            "character reference &{shown_ref}; stands for U+{:04X}, which XML 1.0 does not allow",
            u32::from(c)
        )),
        Err(e) => {
            let e = e.to_string();
            let e = e
                .strip_prefix("invalid character reference: ")
                .unwrap_or(&e);
            Err(format!("illegal character reference &{shown_ref}; ({e})"))
        }
        Ok(None) => quick_xml::escape::resolve_predefined_entity(r)
            .map(Err)
            .ok_or_else(|| format!("unknown entity &{shown_ref}; (entities are never expanded)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::scan::attrs::tests::start;

    #[test]
    fn broken_attribute_lists_and_repeated_names_are_errors() {
        let problem = |tag: &str| {
            let e = start(tag);
            check_attributes(e.attributes_raw(), &mut Seen::new("", &[]))
                .err()
                .map(|p| {
                    let offset = e.attributes_raw().as_ptr() as usize - tag.as_ptr() as usize;
                    (p.at + offset, p.attribute, p.cause)
                })
        };
        for ok in [
            "<a/>",
            "<a v=\"1\" w = '2'\r\n\tx=\"a&amp;b&#x41;&#9;\" xmlns=\"u\" xmlns:p=\"u\" />",
            "<a v=\"&lt;&gt;&quot;&apos;\"/>",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        // where the problem is, the attribute whose value is malformed, a word of the cause
        for (tag, at, attribute, cause) in [
            ("<a v=\"1\" v=\"2\"/>", 9, None, "twice"),
            ("<a v=\"1\" p:v=\"2\"/>", 9, None, "twice"),
            ("<a v=1 w=\"2\"/>", 5, None, "not quoted"),
            ("<a v w=\"2\"/>", 3, None, "no value"),
            ("<a v=\"1\" w=/>", 11, None, "not quoted"),
            ("<a v=\"1\"w=\"2\"/>", 8, None, "white space"),
            ("<a <v=\"1\"/>", 3, None, "`<`"),
            ("<a v=\"1\" <w/>", 9, None, "`<`"),
            ("<a v=\"x<y\"/>", 7, Some("v"), "`<`"),
            ("<a v=\"&bogus;\"/>", 6, Some("v"), "bogus"),
            ("<a v=\"x&#0;\"/>", 7, Some("v"), ""),
            ("<a v=\"&#xD800;\"/>", 6, Some("v"), ""),
            ("<a v=\"&#x1B;\"/>", 6, Some("v"), "U+001B"),
            ("<a v=\"&#xFFFE;\"/>", 6, Some("v"), "U+FFFE"),
        ] {
            let Some((got_at, got_attribute, got_cause)) = problem(tag) else {
                panic!("{tag} accepted");
            };
            assert_eq!(got_at, at, "{tag}");
            assert_eq!(got_attribute.as_deref(), attribute, "{tag}");
            assert!(got_cause.contains(cause), "{tag}: {got_cause}");
        }
        // many attributes: repeated names are found past the small array too
        let mut many = String::from("<a");
        for i in 0..40 {
            many.push_str(&format!(" a{i}=\"{i}\""));
        }
        assert_eq!(problem(&format!("{many}/>")), None);
        assert!(problem(&format!("{many} a3=\"x\"/>")).is_some_and(|p| p.2.contains("twice")));
    }

    #[test]
    fn layouts_hold_distinct_names_of_name_characters() {
        use crate::topology::scan::attrs::{layout, SEEN};
        for el in [
            "Machine",
            "NetInterface",
            "Cluster",
            "ClusterId",
            "ServiceId",
            "Service",
            "Component",
            "Port",
            "SimpleUrl",
            "Other",
        ] {
            let names = layout(el);
            assert!(names.len() <= SEEN, "{el}");
            for (k, name) in names.iter().enumerate() {
                assert!(
                    !name.is_empty() && !name.starts_with("xmlns"),
                    "{el} {name}"
                );
                assert!(name
                    .bytes()
                    .all(|b| NAME_BYTES[b as usize] == NameByte::Part));
                assert!(!names[..k].contains(name), "{el} {name}");
            }
        }
    }

    #[test]
    fn a_layout_compared_whole_decides_as_the_byte_by_byte_check() {
        let layout: &[&str] = &["Other", "Fqdn", "UniqueId"];
        for tag in [
            "<a Other=\"1\" Fqdn=\"f\" UniqueId=\"u\"/>",
            "<a Other=\"1\" Fqdn=\"f\" UniqueId=\"u\" Fqdn=\"g\"/>",
            "<a Other=\"1\" Fqdn=\"f\" p:UniqueId=\"u\" p:Fqdn=\"g\"/>",
            "<a Oth:r=\"1\" r=\"2\"/>",
            "<a xmlns=\"1\" Fq:n=\"2\" n=\"3\"/>",
            "<a Other=\"1\" Fqdn=\"x<y\"/>",
            "<a Other=\"1\" Fqdn=\"&nope;\"/>",
            "<a Other=\"1\" Fqdn=\"a&amp;b\" UniqueId='u'/>",
            "<a Other=\"1\"Fqdn=\"f\"/>",
            "<a Other=\"1\" Fqdn \"f\"/>",
        ] {
            let e = start(tag);
            let raw = e.attributes_raw();
            let mut whole = Seen::new(raw, layout);
            let mut bytewise = Seen::new(raw, &[]);
            assert_eq!(
                check_attributes(raw, &mut whole),
                check_attributes(raw, &mut bytewise),
                "{tag}"
            );
            const NAMES: [&str; 4] = ["Other", "Fqdn", "UniqueId", "n"];
            let keep = |v: std::borrow::Cow<'_, str>| v.into_owned();
            assert_eq!(
                super::super::attrs::attrs_with(&whole, NAMES, keep),
                super::super::attrs::attrs_with(&bytewise, NAMES, keep),
                "{tag}"
            );
        }
    }

    proptest::proptest! {
        /// Reading a tag from what its check noted gives what reading its text gives, on every
        /// tag the check accepts; and the check decides alike with or without a layout to
        /// compare whole.
        #[test]
        fn values_noted_by_the_check_read_as_the_text(
            written in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        "Fqdn", "UniqueId", "p:Fqdn", "xmlns:Fqdn", "xmlns", "Other", "a:b:UniqueId",
                        // as long as a layout's name, and not it
                        "Fq:n", "Oth:r", "Fqdm", "dn", "r",
                    ]),
                    0..20usize,
                    // mostly well formed, so that the reading is compared often
                    proptest::sample::select(vec![" ", " ", " ", " ", " ", "  ", "\n", " \t", ""]),
                    proptest::sample::select(vec!["=\"", "=\"", "=\"", "=\"", " = \"", "='", "="]),
                    proptest::sample::select(vec![
                        "1", "1", "pool1", "pool1", "a&amp;b", "a\tb", "", "&nope;", "x<y",
                    ]),
                ),
                0..16,
            ),
            tail in proptest::sample::select(vec!["", " ", " v", " w=x"]),
            layout in proptest::sample::select(vec![
                &[][..],
                &["Fqdn", "UniqueId"][..],
                &["UniqueId", "Other", "Fqdn"][..],
                &["Other"][..],
            ]),
            leading in proptest::collection::vec(
                proptest::sample::select(vec!["1", "pool1", "", "a&amp;b", "x<y", "&nope;"]),
                0..4,
            ),
        ) {
            let mut tag = String::from("<Cluster");
            // the layout's names first, as Lync writes them, so that it is compared often
            for (name, value) in layout.iter().zip(&leading) {
                tag.push_str(&format!(" {name}=\"{value}\""));
            }
            for (name, n, space, open, value) in &written {
                // a numbered name now and then, so that some tags have many attributes
                let name = if *n < 8 { name.to_string() } else { format!("{name}{n}") };
                let quote = if open.ends_with('\'') { "'" } else { "\"" };
                tag.push_str(&format!("{space}{name}{open}{value}{quote}"));
            }
            tag.push_str(tail);
            tag.push_str("/>");
            let Ok(quick_xml::events::Event::Empty(e)) =
                quick_xml::Reader::from_str(&tag).read_event()
            else {
                return Ok(());
            };
            let raw = e.attributes_raw();
            let mut seen = Seen::new(raw, layout);
            let checked = check_attributes(raw, &mut seen);
            proptest::prop_assert_eq!(&checked, &check_attributes(raw, &mut Seen::new("", &[])));
            proptest::prop_assume!(checked.is_ok());
            {
                const NAMES: [&str; 4] = ["Fqdn", "UniqueId", "Other", "Absent"];
                let keep = |v: std::borrow::Cow<'_, str>| v.into_owned();
                proptest::prop_assert_eq!(
                    super::super::attrs::attrs_with(&seen, NAMES, keep),
                    super::super::attrs::text_attrs_with(raw, NAMES, keep),
                    "{}",
                    tag
                );
            }
        }
    }
}
