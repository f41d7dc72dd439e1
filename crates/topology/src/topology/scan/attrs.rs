//! Reading attribute values: from what the check of a start tag collected ([`Seen`]), else
//! straight from the tag's text (`leading_in_order` for the layout Lync writes, else
//! `RawAttrs`).

use quick_xml::events::BytesStart;

/// Most attributes of a tag [`Seen`] holds; a tag with more is read from its text.
pub(super) const SEEN: usize = 8;

/// The attributes of a start tag as its check ([`super::tag::check_in_full`]) read them, in
/// the order written: each local name with its raw value, borrowed from the text. Reading
/// from it needs no second pass over the tag.
pub(super) struct Seen<'a> {
    /// The tag's attribute text, read when `list` does not hold every attribute.
    text: &'a str,
    /// The names Lync writes first in this element, in its order (see [`layout`]).
    pub(super) layout: &'static [&'static str],
    list: [(&'a [u8], &'a str); SEEN],
    count: usize,
    /// `list[..count]` holds every attribute of the tag.
    whole: bool,
}

impl<'a> Seen<'a> {
    /// Nothing collected yet (and, until [`Self::collected`], nothing read from the list);
    /// `layout`: the names the tag most likely starts with ([`layout`]).
    pub(super) fn new(text: &'a str, layout: &'static [&'static str]) -> Self {
        Seen {
            text,
            layout,
            list: [(&[], ""); SEEN],
            count: 0,
            whole: false,
        }
    }

    /// Notes the next attribute: its local name and raw value.
    #[inline]
    pub(super) fn push(&mut self, local: &'a [u8], value: &'a str) {
        if let Some(slot) = self.list.get_mut(self.count) {
            *slot = (local, value);
            self.count += 1;
        } else {
            self.count = SEEN + 1;
        }
    }

    /// Every attribute was pushed (the check reached the end of the tag).
    #[inline]
    pub(super) fn collected(&mut self) {
        self.whole = self.count <= SEEN;
    }
}

/// The attributes Lync and Skype for Business write first in the start tag of an element with
/// this local name, in their order; the check compares these whole where they are written so
/// (each after one space, `="`), and byte by byte from the first that is not. Distinct names
/// of name characters only, none `xmlns`, at most [`SEEN`].
pub(super) fn layout(local: &str) -> &'static [&'static str] {
    match local {
        "Machine" => &["OrdinalInCluster", "Fqdn", "FaultDomain", "UpgradeDomain"],
        "NetInterface" => &["InterfaceSide", "InterfaceNumber", "IPAddress"],
        "Cluster" => &["RequiresReplication", "RequiresSetup", "Fqdn"],
        "ClusterId" => &["SiteId", "Number"],
        "ServiceId" => &["SiteId", "RoleName", "Instance"],
        "Service" => &["RoleVersion", "ServiceVersion"],
        "Component" => &["ComponentName"],
        "Port" => &[
            "Owner",
            "Usage",
            "InterfaceSide",
            "InterfaceNumber",
            "Port",
            "Protocol",
            "UrlPath",
            "AuthorizesRequests",
        ],
        "SimpleUrl" => &["Component", "Domain", "ActiveUrl"],
        _ => &[],
    }
}

/// Values of several attributes (by local name) of a start tag that
/// [`super::tag::check_in_full`] found well formed (so each name is there once at most, and
/// every value normalizes).
pub(super) fn attrs<const N: usize>(e: &Seen<'_>, names: [&str; N]) -> [Option<String>; N] {
    attrs_with(e, names, |v| v.into_owned())
}

/// Like [`attrs`], mapping each found value with `keep`: looked up among the attributes the
/// check collected (the first of each local name, as [`text_attrs_with`] reads), else read
/// from the text. A value is normalized (entities, `\t`, `\r`, `\n`) by quick-xml only when it
/// holds one of those characters; otherwise it is borrowed from the text.
pub(super) fn attrs_with<const N: usize, T>(
    e: &Seen<'_>,
    names: [&str; N],
    mut keep: impl FnMut(std::borrow::Cow<'_, str>) -> T,
) -> [Option<T>; N] {
    if !e.whole {
        return text_attrs_with(e.text, names, keep);
    }
    let list = &e.list[..e.count.min(SEEN)];
    names.map(|name| {
        let (_, value) = list
            .iter()
            .find(|(local, _)| local.len() == name.len() && *local == name.as_bytes())?;
        normalized(name, value).map(&mut keep)
    })
}

pub(super) fn attr(e: &Seen<'_>, name: &str) -> Option<String> {
    let [v] = attrs(e, [name]);
    v
}

/// Values of attributes read straight from a start tag's attribute text `text` (quick-xml
/// parses attributes only on request, and its general iterator was a fifth of the scan's
/// instructions): a name, `=`, a quoted value, repeated. The tag was checked by
/// [`super::tag::check_in_full`]; on a tag that was not, broken syntax would end the list.
pub(super) fn text_attrs_with<const N: usize, T>(
    text: &str,
    names: [&str; N],
    mut keep: impl FnMut(std::borrow::Cow<'_, str>) -> T,
) -> [Option<T>; N] {
    match leading_in_order(text, &names) {
        Some(values) => values.map(|(name, value)| normalized(name, value).map(&mut keep)),
        None => attrs_anywhere(text, names, keep),
    }
}

/// [`text_attrs_with`] for any layout: every attribute is looked at until all were found.
fn attrs_anywhere<const N: usize, T>(
    text: &str,
    names: [&str; N],
    mut keep: impl FnMut(std::borrow::Cow<'_, str>) -> T,
) -> [Option<T>; N] {
    let mut found: [Option<Option<T>>; N] = [const { None }; N];
    let mut missing = N;
    for (name, value) in RawAttrs(text) {
        let Some(i) = names.iter().position(|n| is_local_name(name, n)) else {
            continue;
        };
        if found[i].is_some() {
            continue;
        }
        found[i] = Some(normalized(name, value).map(&mut keep));
        missing -= 1;
        if missing == 0 {
            break;
        }
    }
    found.map(Option::flatten)
}

/// The attributes asked for when they come first in the tag, in the order asked, each after
/// one space and written `name="value"` — how Lync and Skype for Business write `ServiceId`,
/// `ClusterId` and `Component` — read without searching for names; `None` for any other
/// layout. Being the first attributes, they are also the first of their names, so the result
/// is the one the general reading gives.
fn leading_in_order<'a, const N: usize>(
    text: &'a str,
    names: &[&'a str; N],
) -> Option<[(&'a str, &'a str); N]> {
    let mut rest = text;
    let mut values = [("", ""); N];
    for (slot, name) in values.iter_mut().zip(names) {
        rest = rest
            .strip_prefix(' ')?
            .strip_prefix(name)?
            .strip_prefix("=\"")?;
        let end = memchr::memchr(b'"', rest.as_bytes())?;
        *slot = (*name, &rest[..end]);
        rest = &rest[end + 1..];
    }
    Some(values)
}

/// An attribute value as XML reads it: normalized by quick-xml (entities, `\t`, `\r`, `\n`)
/// only when it holds one of those characters, else borrowed as written; `None` when it cannot
/// be normalized, which [`super::tag::check_in_full`] rules out for every tag the scan reads.
fn normalized<'a>(name: &'a str, value: &'a str) -> Option<std::borrow::Cow<'a, str>> {
    // `&`, tab, CR and LF are the bytes up to `&` that matter; most values have none at all,
    // which a minimum (no early exit, so many bytes at once) tells
    let lowest = value.bytes().fold(u8::MAX, u8::min);
    let needs_normalizing = lowest <= b'&'
        && value
            .bytes()
            .any(|b| matches!(b, b'&' | b'\t' | b'\r' | b'\n'));
    if !needs_normalizing {
        return Some(std::borrow::Cow::Borrowed(value));
    }
    quick_xml::events::attributes::Attribute {
        key: quick_xml::name::QName(name),
        value: std::borrow::Cow::Borrowed(value),
    }
    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
    .ok()
}

/// True when the attribute `name` (maybe `prefix:local`) has the local name `local`.
fn is_local_name(name: &str, local: &str) -> bool {
    match name.len().checked_sub(local.len()) {
        Some(0) => name == local,
        Some(p) => name.ends_with(local) && name.as_bytes()[p - 1] == b':',
        None => false,
    }
}

/// The `(name, raw value)` pairs of a start tag's attribute text, borrowed from it.
struct RawAttrs<'a>(&'a str);

impl<'a> Iterator for RawAttrs<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        // Every split below is at an ASCII byte, so every slice is valid UTF-8.
        let text = self.0;
        let bytes = text.as_bytes();
        // names are short: a plain loop beats a SIMD search's set-up
        let eq = bytes.iter().position(|&b| b == b'=')?;
        let mut open = eq + 1;
        while bytes.get(open).is_some_and(|&b| is_xml_space(b)) {
            open += 1;
        }
        let quote = match bytes.get(open) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                self.0 = "";
                return None;
            }
        };
        let Some(len) = memchr::memchr(quote, &bytes[open + 1..]) else {
            self.0 = "";
            return None;
        };
        let close = open + 1 + len;
        self.0 = &text[close + 1..];
        let mut start = 0;
        let mut end = eq;
        while start < end && is_xml_space(bytes[start]) {
            start += 1;
        }
        while end > start && is_xml_space(bytes[end - 1]) {
            end -= 1;
        }
        let name = &text[start..end];
        Some((name, &text[open + 1..close]))
    }
}

pub(super) fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

pub(super) fn xmlns(e: &BytesStart<'_>) -> Option<String> {
    RawAttrs(e.attributes_raw())
        .find(|(name, _)| *name == "xmlns")
        .map(|(_, value)| value.to_string())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use quick_xml::events::Event;
    use quick_xml::Reader;

    fn read<const N: usize>(e: &BytesStart<'_>, names: [&str; N]) -> [Option<String>; N] {
        text_attrs_with(e.attributes_raw(), names, |v| v.into_owned())
    }

    pub(in crate::topology::scan) fn start(tag: &str) -> quick_xml::events::BytesStart<'_> {
        let mut reader = Reader::from_str(tag);
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => e,
            other => panic!("not a start tag: {other:?}"),
        }
    }

    #[test]
    fn attributes_are_read_by_local_name_with_either_quote() {
        let e = start("<m:Machine xmlns=\"urn:x\" a:Fqdn = 'fe01.fabrikam.com'\r\n  Other=\"1\"/>");
        let [fqdn, other, absent] = read(&e, ["Fqdn", "Other", "Absent"]);
        assert_eq!(fqdn.as_deref(), Some("fe01.fabrikam.com"));
        assert_eq!(other.as_deref(), Some("1"));
        assert_eq!(absent, None);
        assert_eq!(xmlns(&e).as_deref(), Some("urn:x"));
    }

    #[test]
    fn attribute_values_are_normalized_only_when_needed() {
        let e = start("<a v=\"x&amp;y&#49;\tz\" w=\"pool1\" q='say \"hi\"'/>");
        let [v, w, q] = read(&e, ["v", "w", "q"]);
        assert_eq!(v.as_deref(), Some("x&y1 z"));
        assert_eq!(w.as_deref(), Some("pool1"));
        assert_eq!(q.as_deref(), Some("say \"hi\""));
        let e = start("<a v=\"&nope;\" w=\"ok\"/>");
        assert_eq!(read(&e, ["v", "w"]), [None, Some("ok".to_string())]);
    }

    proptest::proptest! {
        /// The shortcut for attributes written first and in order reads what the general
        /// reading reads, whatever the layout.
        #[test]
        fn leading_attributes_read_as_any_attributes(
            written in proptest::collection::vec(
                (
                    proptest::sample::select(vec!["SiteId", "RoleName", "Instance", "x:SiteId", "Other"]),
                    // mostly the layout the shortcut reads, so that it is tried often
                    proptest::sample::select(vec![" ", " ", " ", " ", " ", " ", "  ", "\n", " \t"]),
                    proptest::sample::select(vec!["=\"", "=\"", "=\"", "=\"", "=\"", " = \"", "='"]),
                    proptest::sample::select(vec!["1", "Registrar", "a&amp;b", "a\tb", "&nope;", ""]),
                ),
                0..5,
            ),
            tail in proptest::sample::select(vec!["", " ", " v", " w=x"]),
        ) {
            let mut tag = String::from("<ServiceId");
            for (name, space, open, value) in &written {
                let quote = if open.ends_with('\'') { "'" } else { "\"" };
                tag.push_str(&format!("{space}{name}{open}{value}{quote}"));
            }
            tag.push_str(tail);
            tag.push_str("/>");
            let e = start(&tag);
            const ID: [&str; 3] = ["SiteId", "RoleName", "Instance"];
            let general = attrs_anywhere(e.attributes_raw(), ID, |v| v.into_owned());
            proptest::prop_assert_eq!(read(&e, ID), general, "{}", tag);
        }
    }

    #[test]
    fn leading_attributes_in_order_are_read_directly() {
        let e = start("<ServiceId SiteId=\"1\" RoleName=\"Registrar\" Instance=\"2\" />");
        let ok = leading_in_order(e.attributes_raw(), &["SiteId", "RoleName", "Instance"]);
        assert_eq!(ok.map(|v| v.map(|(_, v)| v)), Some(["1", "Registrar", "2"]));
        for other in [
            "<ServiceId RoleName=\"Registrar\" SiteId=\"1\" Instance=\"2\" />",
            "<ServiceId  SiteId=\"1\" RoleName=\"Registrar\" Instance=\"2\" />",
            "<ServiceId SiteId='1' RoleName=\"Registrar\" Instance=\"2\" />",
            "<ServiceId a:SiteId=\"1\" RoleName=\"Registrar\" Instance=\"2\" />",
            "<ServiceId SiteIdX=\"1\" RoleName=\"Registrar\" Instance=\"2\" />",
        ] {
            let e = start(other);
            let read = leading_in_order(e.attributes_raw(), &["SiteId", "RoleName", "Instance"]);
            assert!(read.is_none(), "{other}");
        }
    }
}
