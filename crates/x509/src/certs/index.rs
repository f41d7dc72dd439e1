//! [`NameIndex`]: hash lookups from a server FQDN to the certificate files that cover it or
//! are named after it, so that matching is O(1) per server rather than a scan of the store.

use super::names::{name_keys, normalize_name, wildcard_base};
use super::store::CertStore;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

/// Indices into [`CertStore::files`] keyed by lower-case DNS name.
#[derive(Debug, Default, Clone)]
pub struct NameIndex {
    exact: HashMap<Box<str>, Files>,
    wildcard: HashMap<Box<str>, Files>,
    named: HashMap<Box<str>, Files>,
    /// Inventory rows by a short `PSComputerName` (no dot), matched to a server's first label.
    named_short: HashMap<Box<str>, Files>,
}

/// The files of one name, in store order: most names have one, kept without a list (and a
/// list is boxed, so that each entry of the maps is two words).
// Boxed on purpose: most names have one file, and the maps hold an entry per name.
#[allow(clippy::box_collection)]
#[derive(Debug, Clone)]
enum Files {
    One(usize),
    Many(Box<Vec<usize>>),
}

impl Files {
    fn as_slice(&self) -> &[usize] {
        match self {
            Files::One(i) => std::slice::from_ref(i),
            Files::Many(v) => v,
        }
    }
}

fn push(map: &mut HashMap<Box<str>, Files>, key: String, i: usize) {
    match map.entry(key.into_boxed_str()) {
        Entry::Vacant(e) => {
            e.insert(Files::One(i));
        }
        Entry::Occupied(mut e) => {
            let files = e.get_mut();
            match files {
                Files::One(j) if *j == i => {}
                Files::One(j) => *files = Files::Many(Box::new(vec![*j, i])),
                Files::Many(v) => {
                    if v.last() != Some(&i) {
                        v.push(i);
                    }
                }
            }
        }
    }
}

/// The files of `key` in `map` (empty when none).
fn files<'a>(map: &'a HashMap<Box<str>, Files>, key: &str) -> &'a [usize] {
    map.get(key).map_or(&[], Files::as_slice)
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
        let mut out: Vec<usize> = files(&self.exact, &host).to_vec();
        if let Some((first, rest)) = host.split_once('.') {
            if !first.is_empty() {
                out.extend_from_slice(files(&self.wildcard, rest));
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
        let mut out = files(&self.named, &host).to_vec();
        if let Some(v) = host.split('.').next().map(|s| files(&self.named_short, s)) {
            if !v.is_empty() {
                out.extend_from_slice(v);
                out.sort_unstable();
                out.dedup();
            }
        }
        out
    }
}
