//! Name matching: DNS names against certificate names (wildcards, [`NameCover`]) and the
//! names a certificate file is named after.

use std::path::Path;

/// Extensions (lower case) recognised as certificate files for [`file_stem_matches`].
pub const CERT_EXTENSIONS: &[&str] = &["cer", "crt", "pem", "der", "p7b", "p7c", "pfx", "p12"];
/// Lower-cases a DNS name and removes surrounding whitespace and one trailing dot.
pub fn normalize_name(name: &str) -> String {
    let t = name.trim();
    t.strip_suffix('.').unwrap_or(t).to_ascii_lowercase()
}

/// If `pattern` is a wildcard name `*.base` (with at least two labels in `base`), returns the
/// normalized base domain.
pub(crate) fn wildcard_base(pattern: &str) -> Option<String> {
    let p = normalize_name(pattern);
    let base = p.strip_prefix("*.")?;
    if base.is_empty() || !base.contains('.') || base.contains('*') {
        return None;
    }
    if base.split('.').any(str::is_empty) {
        return None;
    }
    Some(base.to_string())
}

/// Whether certificate name `pattern` matches host `fqdn`, case-insensitively. A wildcard
/// `*.example.com` matches exactly one extra leftmost label (`a.example.com`, not
/// `a.b.example.com` nor `example.com`); partial-label wildcards (`f*.example.com`) and
/// wildcards over a single-label base (`*.com`) never match.
pub(crate) fn name_matches(pattern: &str, fqdn: &str) -> bool {
    let host = normalize_name(fqdn);
    if host.is_empty() || host.contains('*') {
        return false;
    }
    if let Some(base) = wildcard_base(pattern) {
        return match host.split_once('.') {
            Some((first, rest)) => !first.is_empty() && rest == base,
            None => false,
        };
    }
    let p = normalize_name(pattern);
    !p.contains('*') && p == host
}

/// A certificate's names as sets, so that many hosts are checked against many names in time
/// linear in both: [`NameCover::covers`] answers exactly what [`name_matches`] over every name
/// would.
#[derive(Debug, Default)]
pub struct NameCover {
    exact: std::collections::HashSet<String>,
    wildcard_bases: std::collections::HashSet<String>,
}

impl NameCover {
    /// The cover of these certificate names.
    pub fn new<'n>(names: impl IntoIterator<Item = &'n str>) -> Self {
        let mut c = NameCover::default();
        for n in names {
            if let Some(base) = wildcard_base(n) {
                c.wildcard_bases.insert(base);
            } else {
                let p = normalize_name(n);
                if !p.contains('*') && !p.is_empty() {
                    c.exact.insert(p);
                }
            }
        }
        c
    }
    /// Whether some name covers `fqdn` (see [`name_matches`]).
    pub fn covers(&self, fqdn: &str) -> bool {
        let host = normalize_name(fqdn);
        if host.is_empty() || host.contains('*') {
            return false;
        }
        self.exact.contains(&host)
            || host.split_once('.').is_some_and(|(first, rest)| {
                !first.is_empty() && self.wildcard_bases.contains(rest)
            })
    }
}

/// The lower-case names a file is "named after": its file name without a known certificate
/// extension (only the last extension is removed), and its parent folder's name.
pub fn name_keys(path: &Path) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(name) = path.file_name() {
        let name = name.to_string_lossy().to_ascii_lowercase();
        let stem = match name.rsplit_once('.') {
            Some((stem, ext)) if CERT_EXTENSIONS.contains(&ext) && !stem.is_empty() => stem,
            _ => name.as_str(),
        };
        keys.push(normalize_name(stem));
        // `fe01.fabrikam.com.default.cer` is named after fe01 too.
        if let Some((rest, _)) = super::usage::split_stem(stem) {
            if !rest.is_empty() {
                keys.push(normalize_name(rest));
            }
        }
    }
    if let Some(parent) = path.parent().and_then(Path::file_name) {
        let p = normalize_name(&parent.to_string_lossy());
        if !keys.contains(&p) {
            keys.push(p);
        }
    }
    keys.retain(|k| !k.is_empty());
    keys
}

/// True when the file name without its certificate extension (`fe01.fabrikam.com.cer`), or its
/// parent folder name (`fe01.fabrikam.com/cert.pem`), equals `fqdn`, case-insensitively. Only
/// the last extension is removed, and only if it is one of [`CERT_EXTENSIONS`].
pub fn file_stem_matches(path: &Path, fqdn: &str) -> bool {
    let want = normalize_name(fqdn);
    !want.is_empty() && name_keys(path).contains(&want)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_cover_agrees_with_name_matches() {
        let names = [
            "FE01.fabrikam.com.",
            "*.Fabrikam.com",
            "f*.x.com",
            "*.com",
            "",
        ];
        let cover = NameCover::new(names);
        for host in [
            "fe01.fabrikam.com",
            "meet.fabrikam.com",
            "a.b.fabrikam.com",
            "fabrikam.com",
            "fx.x.com",
            "a.com",
            "",
            "*.fabrikam.com",
            "FE01.FABRIKAM.COM",
        ] {
            assert_eq!(
                cover.covers(host),
                names.iter().any(|n| name_matches(n, host)),
                "{host}"
            );
        }
    }

    #[test]
    fn exact_names_match_case_insensitively() {
        assert!(name_matches("FE01.Fabrikam.com", "fe01.fabrikam.COM"));
        assert!(name_matches("fe01.fabrikam.com.", "fe01.fabrikam.com"));
        assert!(!name_matches("fe01.fabrikam.com", "fe02.fabrikam.com"));
        assert!(!name_matches("", ""));
    }

    #[test]
    fn wildcard_covers_exactly_one_label() {
        assert!(name_matches("*.example.com", "a.example.com"));
        assert!(name_matches("*.Example.com", "A.EXAMPLE.com"));
        assert!(!name_matches("*.example.com", "a.b.example.com"));
        assert!(!name_matches("*.example.com", "example.com"));
        assert!(!name_matches("*.example.com", ".example.com"));
        assert!(!name_matches("*.com", "example.com"));
        assert!(!name_matches("f*.example.com", "fe01.example.com"));
        assert!(!name_matches("*.example.com", "*.example.com"));
    }
}
