//! [`NameIndex`]: hash lookups from a server FQDN to the certificate files that cover it or
//! are named after it, so that matching is O(1) per server rather than a scan of the store.

use super::cert::{normalize_name, wildcard_base};
use super::load::{name_keys, CertStore};
use std::collections::HashMap;

/// Indices into [`CertStore::files`] keyed by lower-case DNS name.
#[derive(Debug, Default, Clone)]
pub struct NameIndex {
    exact: HashMap<String, Vec<usize>>,
    wildcard: HashMap<String, Vec<usize>>,
    named: HashMap<String, Vec<usize>>,
}

fn push(map: &mut HashMap<String, Vec<usize>>, key: String, i: usize) {
    let v = map.entry(key).or_default();
    if v.last() != Some(&i) {
        v.push(i);
    }
}

impl NameIndex {
    /// Indexes the leaf certificate of every file in `store` (names as in
    /// [`super::Certificate::names`]) and every file's name keys.
    pub fn build(store: &CertStore) -> Self {
        let mut ix = NameIndex::default();
        for (i, f) in store.files.iter().enumerate() {
            for name in f.leaf.names() {
                if let Some(base) = wildcard_base(name) {
                    push(&mut ix.wildcard, base, i);
                } else {
                    let n = normalize_name(name);
                    if !n.is_empty() && !n.contains('*') {
                        push(&mut ix.exact, n, i);
                    }
                }
            }
            for key in name_keys(&f.path) {
                push(&mut ix.named, key, i);
            }
        }
        ix
    }

    /// Files whose leaf certificate covers `fqdn` (same rule as
    /// [`super::Certificate::covers_name`]), sorted, without duplicates.
    pub fn covering(&self, fqdn: &str) -> Vec<usize> {
        let host = normalize_name(fqdn);
        if host.is_empty() || host.contains('*') {
            return Vec::new();
        }
        let mut out: Vec<usize> = self.exact.get(&host).cloned().unwrap_or_default();
        if let Some((first, rest)) = host.split_once('.') {
            if !first.is_empty() {
                if let Some(v) = self.wildcard.get(rest) {
                    out.extend_from_slice(v);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Files named after `fqdn` (see [`super::file_stem_matches`]), sorted.
    pub fn named_after(&self, fqdn: &str) -> Vec<usize> {
        self.named
            .get(&normalize_name(fqdn))
            .cloned()
            .unwrap_or_default()
    }
}
