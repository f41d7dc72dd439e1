//! Unexpanded template placeholders in topology names (`$SkypeFQDN`, `%POOL%`, `{{x}}`), as the
//! topology templates of deployment scripts ship: each is a [`TopologyProblem`] warning at the
//! element, since such a topology describes no real server.
//!
//! Cheap by design: a real name never holds `$`, `%`, `{` or `#`, so each name is tested with
//! one byte scan and only the rare name that has one is looked at closely.

use crate::error::TopologyProblem;
use crate::model::{Machine, Pool, Service, SimpleUrl, Site, Span};
use crate::source::Src;

/// Longest placeholder text a warning shows.
const MAX_SHOWN: usize = 64;

/// Bytes after an element's start in which its placeholder is looked for, to point at it.
const SEARCH_WINDOW: usize = 4096;

/// The first unexpanded placeholder in `name`: `$Name`, `$env:Name`, `${...}`, `$(...)`,
/// `%NAME%`, `{{...}}` or `#{...}` (Octopus Deploy); `None` for every other name.
pub(crate) fn find(name: &str) -> Option<&str> {
    let b = name.as_bytes();
    if !b.iter().any(|c| matches!(c, b'$' | b'%' | b'{' | b'#')) {
        return None;
    }
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let closed = |from: usize, open: usize, close: &str| -> Option<usize> {
        let end = name.get(from + open..)?.find(close)?;
        (end > 0).then_some(from + open + end + close.len())
    };
    (0..b.len()).find_map(|i| {
        let next = b.get(i + 1).copied();
        let end = match (b[i], next) {
            (b'$', Some(b'{')) => closed(i, 2, "}"),
            (b'$', Some(b'(')) => closed(i, 2, ")"),
            (b'$', Some(c)) if c.is_ascii_alphabetic() || c == b'_' => {
                let len = b[i + 1..]
                    .iter()
                    .take_while(|&&c| ident(c) || c == b':')
                    .count();
                Some(i + 1 + len)
            }
            (b'%', Some(c)) if c.is_ascii_alphabetic() || c == b'_' => {
                let len = b[i + 1..].iter().take_while(|&&c| ident(c)).count();
                (b.get(i + 1 + len) == Some(&b'%')).then_some(i + 2 + len)
            }
            (b'{', Some(b'{')) => closed(i, 2, "}}"),
            (b'#', Some(b'{')) => closed(i, 2, "}"),
            _ => None,
        }?;
        name.get(i..end)
    })
}

/// The names the checks rely on, each with what it is and the element it is on.
pub(crate) struct Names<'a> {
    /// Sites.
    pub(crate) sites: &'a [Site],
    /// Pools.
    pub(crate) pools: &'a [Pool],
    /// Machines.
    pub(crate) machines: &'a [Machine],
    /// Services (their web services hosts).
    pub(crate) services: &'a [Service],
    /// Simple URLs.
    pub(crate) simple_urls: &'a [SimpleUrl],
}

/// One warning per name with a placeholder, in the order sites, pools, machines (those not
/// named after their pool, which is warned about already), web services hosts, simple URLs.
pub(crate) fn problems(names: Names<'_>, src: &Src) -> Vec<TopologyProblem> {
    let mut out = Vec::new();
    let mut check = |element: &'static str, name: &str, span: Span| {
        if let Some(p) = find(name) {
            let mut end = p.len().min(MAX_SHOWN);
            while !p.is_char_boundary(end) {
                end -= 1;
            }
            out.push(TopologyProblem::TemplatePlaceholder {
                element,
                name: name.to_string(),
                placeholder: p[..end].to_string(),
                src: src.clone(),
                // The placeholder itself: the first place it is written from the element's start
                // on (an attribute of the element, or its Name child), else the element.
                at: src
                    .find_after(span.start, SEARCH_WINDOW, &p[..end])
                    .unwrap_or_else(|| span.into()),
            });
        }
    };
    for s in names.sites {
        if let Some(n) = &s.name {
            check("site", n, s.span);
        }
    }
    for p in names.pools {
        check("pool", p.fqdn.as_str(), p.span);
    }
    for m in names.machines {
        if m.fqdn != names.pools[m.pool.0].fqdn {
            check("machine", m.fqdn.as_str(), m.span);
        }
    }
    for s in names.services {
        let Some(web) = &s.web else { continue };
        if let Some(h) = &web.internal_host {
            check("internal web services host", h.as_str(), s.span);
        }
        if let Some(h) = &web.external_host {
            check("external web services host", h.as_str(), s.span);
        }
    }
    for u in names.simple_urls {
        check("simple URL", &u.url, u.span);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn finds_the_placeholders_templates_use() {
        for (name, want) in [
            ("$SkypeFQDN", "$SkypeFQDN"),
            ("fe01.$Domain", "$Domain"),
            ("$env:COMPUTERNAME.contoso.com", "$env:COMPUTERNAME"),
            ("${PoolFqdn}", "${PoolFqdn}"),
            ("fe.$(DOMAIN)", "$(DOMAIN)"),
            ("%POOL%.contoso.com", "%POOL%"),
            ("{{ pool_fqdn }}", "{{ pool_fqdn }}"),
            (
                "fe-#{Octopus.Machine.Name}.contoso.com",
                "#{Octopus.Machine.Name}",
            ),
            ("https://meet.%SipDomain%/", "%SipDomain%"),
        ] {
            assert_eq!(find(name), Some(want), "{name}");
        }
    }

    #[test]
    fn real_names_have_none() {
        for name in [
            "fe01.contoso.com",
            "Site 1",
            "https://meet.contoso.com/a%20b",
            "100%",
            "cost $5",
            "R&D {west}",
            "#1 site",
            "${",
            "{{}}",
            "$",
            "%%",
        ] {
            assert_eq!(find(name), None, "{name}");
        }
    }
}
