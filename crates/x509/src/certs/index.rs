//! [`NameIndex`]: hash lookups from a server FQDN to the certificate files that cover it or
//! are named after it, so that matching is O(1) per server rather than a scan of the store.

use super::names::{name_keys, normalize_name, wildcard_base};
use super::store::CertStore;
use std::collections::HashMap;

/// Indices into [`CertStore::files`] keyed by lower-case DNS name.
#[derive(Debug, Default, Clone)]
pub struct NameIndex {
    exact: HashMap<String, Vec<usize>>,
    wildcard: HashMap<String, Vec<usize>>,
    named: HashMap<String, Vec<usize>>,
    /// Inventory rows by a short `PSComputerName` (no dot), matched to a server's first label.
    named_short: HashMap<String, Vec<usize>>,
}

fn push(map: &mut HashMap<String, Vec<usize>>, key: String, i: usize) {
    let v = map.entry(key).or_default();
    if v.last() != Some(&i) {
        v.push(i);
    }
}

impl NameIndex {
    /// Indexes the leaf certificate of every file in `store` (names as in
    /// [`super::facts::CertFacts::names`]) and every file's name keys.
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
            match f.leaf.inventory() {
                // An inventory row is "named after" the computer it was exported on.
                Some(row) => {
                    if let Some(c) = &row.computer {
                        let c = normalize_name(c);
                        if c.contains('.') {
                            push(&mut ix.named, c, i);
                        } else if !c.is_empty() {
                            push(&mut ix.named_short, c, i);
                        }
                    }
                }
                None => {
                    for key in f.origin.path().map(name_keys).unwrap_or_default() {
                        push(&mut ix.named, key, i);
                    }
                }
            }
        }
        ix
    }

    /// Files whose leaf certificate covers `fqdn` (same rule as
    /// [`super::facts::CertFacts::covers_name`]), sorted, without duplicates.
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

    /// Files named after `fqdn` (see [`super::file_stem_matches`]) and inventory rows whose
    /// `PSComputerName` is `fqdn` or its first label, sorted.
    pub fn named_after(&self, fqdn: &str) -> Vec<usize> {
        let host = normalize_name(fqdn);
        let mut out = self.named.get(&host).cloned().unwrap_or_default();
        if let Some(v) = host.split('.').next().and_then(|s| self.named_short.get(s)) {
            out.extend_from_slice(v);
            out.sort_unstable();
            out.dedup();
        }
        out
    }
}
