//! Chains of any depth from a server certificate up to a reference CA: each link is an issuer
//! whose subject DN equals the child's issuer DN, whose key id agrees with the child's authority
//! key id, and whose key verifies the child's signature. Issuers are looked for among the
//! reference CAs, every `--ca` certificate, the file's own chain (PEM bundle or .p7b) and every
//! CA certificate of the folder.
//!
//! The search is an explicit depth-first walk (no recursion) that never revisits a certificate
//! on its current path (cycles) and stops at [`MAX_DEPTH`] links and `MAX_STEPS` signature
//! checks, so hostile folders cannot make it loop or run long.

use crate::certs::dn::DnKey;
use crate::certs::{key_id_hex, Certificate, SignatureCheck};
use std::collections::HashMap;

/// Most issuers between a server certificate and its reference CA (the reference included).
pub const MAX_DEPTH: usize = 8;

/// Most signature checks one walk makes.
pub(crate) const MAX_STEPS: usize = 256;

/// How a walk from a server certificate ended.
#[derive(Debug, Clone)]
pub(crate) enum Walk<'a> {
    /// A reference CA was reached.
    Reached {
        /// Index of the reference CA in the list given to [`walk`].
        reference: usize,
        /// The issuers from the server certificate's issuer up to and including the reference
        /// CA's certificate.
        path: Vec<&'a Certificate>,
        /// Every signature on the way verified (false when one algorithm cannot be checked).
        verified: bool,
    },
    /// No reference was reached, and some certificate's issuer is nowhere to be found.
    MissingIssuer {
        /// The certificate whose issuer is missing (the server certificate or an intermediate).
        child: &'a Certificate,
        /// The issuers found below it, from the server certificate's issuer up.
        path: Vec<&'a Certificate>,
    },
    /// No reference was reached and no issuer is missing: every way up ends at a certificate
    /// that is not a reference (a self-signed root, or an issuer whose key does not verify).
    Elsewhere {
        /// The highest issuer found on the first way up (`None`: the server certificate's issuer
        /// is a certificate whose key does not verify it, or the server certificate is
        /// self-signed).
        top: Option<&'a Certificate>,
        /// A certificate with the name a child expects was found but its key does not verify
        /// the child (same name, another key).
        same_name_other_key: bool,
    },
}

/// Whether a child's authority key id and a candidate issuer's subject key id allow it to be
/// the issuer: equal, or either unknown.
pub(crate) fn key_ids_compatible(aki: &Option<Box<[u8]>>, ski: &Option<Box<[u8]>>) -> bool {
    match (aki, ski) {
        (Some(a), Some(s)) => a == s,
        _ => true,
    }
}

/// True when `cand` is (a copy of) the reference CA certificate `reference`: the same DER, or
/// the same subject and the same subject key id.
fn is_reference(cand: &Certificate, reference: &Certificate) -> bool {
    cand.der == reference.der
        || (cand.subject_name == reference.subject_name
            && cand.subject_key_id.is_some()
            && cand.subject_key_id == reference.subject_key_id)
}

/// One node of the walk: a certificate, the issuers found so far for it, and which candidate
/// to try next.
struct Frame<'a> {
    cert: &'a Certificate,
    candidates: Vec<&'a Certificate>,
    next: usize,
    verified: bool,
}

/// The CA certificates of a store, indexed once per check so that finding a certificate's
/// issuers costs the certificates with its issuer's name, not every CA certificate.
#[derive(Debug, Default)]
pub(crate) struct CaIndex<'a> {
    /// Every CA certificate of the store ([`crate::certs::CertStore::all_ca_certs`]), in order.
    pub all: Vec<&'a Certificate>,
    /// By raw subject name, in order, with runs of equal DER collapsed into one.
    by_subject: HashMap<&'a [u8], Vec<&'a Certificate>>,
    /// By subject DN string as compared with [`crate::certs::dn::same_dn`]: the first.
    by_dn: HashMap<DnKey, &'a Certificate>,
}

impl<'a> CaIndex<'a> {
    /// The index of every CA certificate of `store`.
    pub fn build(store: &'a crate::certs::CertStore) -> Self {
        Self::from_certs(store.all_ca_certs())
    }
    /// The index of some certificates, in order.
    pub(crate) fn from_certs(certs: impl IntoIterator<Item = &'a Certificate>) -> Self {
        let mut index = CaIndex::default();
        for c in certs {
            index.all.push(c);
            let named = index.by_subject.entry(&c.subject_name[..]).or_default();
            if named.last().is_none_or(|last| last.der != c.der) {
                named.push(c);
            }
            index.by_dn.entry(DnKey::parse(&c.subject)).or_insert(c);
        }
        index
    }
    /// The certificates whose raw subject name is `name`, in order (equal neighbours once).
    pub fn named(&self, name: &[u8]) -> &[&'a Certificate] {
        self.by_subject.get(name).map_or(&[], Vec::as_slice)
    }
    /// The first certificate whose subject DN string is the same DN as `dn`.
    pub(crate) fn by_dn(&self, dn: &str) -> Option<&'a Certificate> {
        self.by_dn.get(&DnKey::parse(dn)).copied()
    }
}

/// Where a walk looks for issuers: `front` (the `--ca` certificates and the file's own chain),
/// then the store's CA certificates.
#[derive(Debug)]
pub(crate) struct IssuerPool<'a, 'i> {
    /// Looked through first, in order.
    pub front: Vec<&'a Certificate>,
    /// The store's CA certificates.
    pub store: &'i CaIndex<'a>,
}

/// Walks up from `leaf` to one of `references`, through issuers among `references` and `pool`
/// (in that order).
pub(crate) fn walk<'a>(
    leaf: &'a Certificate,
    references: &[&'a Certificate],
    pool: &IssuerPool<'a, '_>,
) -> Walk<'a> {
    let issuers_of = |c: &Certificate| -> Vec<&'a Certificate> {
        let mut v: Vec<&'a Certificate> = references
            .iter()
            .chain(pool.front.iter())
            .chain(pool.store.named(&c.issuer_name))
            .copied()
            .filter(|cand| {
                cand.subject_name == c.issuer_name
                    && key_ids_compatible(&c.authority_key_id, &cand.subject_key_id)
                    && cand.der != c.der
            })
            .collect();
        v.dedup_by(|a, b| a.der == b.der);
        v
    };
    let mut stack = vec![Frame {
        cert: leaf,
        candidates: issuers_of(leaf),
        next: 0,
        verified: true,
    }];
    let mut steps = 0usize;
    let mut same_name_other_key = false;
    let mut missing: Option<(&'a Certificate, Vec<&'a Certificate>)> = None;
    let mut first_top: Option<&'a Certificate> = None;
    let path_of = |stack: &[Frame<'a>]| -> Vec<&'a Certificate> {
        stack.iter().skip(1).map(|f| f.cert).collect()
    };
    while let Some(top) = stack.last_mut() {
        if top.candidates.is_empty() && top.next == 0 {
            // Nothing has this certificate's issuer name: a missing issuer, unless it is
            // self-issued (a root that is no reference).
            top.next = 1;
            if !top.cert.is_self_issued() && missing.is_none() {
                missing = Some((top.cert, path_of(&stack)));
            }
            continue;
        }
        let Some(&cand) = top.candidates.get(top.next) else {
            if first_top.is_none() {
                first_top = stack.last().filter(|_| stack.len() > 1).map(|f| f.cert);
            }
            stack.pop();
            continue;
        };
        top.next += 1;
        steps += 1;
        if steps > MAX_STEPS {
            break;
        }
        let check = top.cert.signature_check(cand);
        if check == SignatureCheck::Invalid {
            same_name_other_key = true;
            continue;
        }
        let verified = top.verified && check == SignatureCheck::Valid;
        if let Some(reference) = references.iter().position(|r| is_reference(cand, r)) {
            let mut path = path_of(&stack);
            path.push(cand);
            return Walk::Reached {
                reference,
                path,
                verified,
            };
        }
        let on_path = stack.iter().any(|f| f.cert.der == cand.der);
        if on_path || stack.len() > MAX_DEPTH || cand.is_self_issued() {
            if first_top.is_none() && cand.is_self_issued() {
                first_top = Some(cand);
            }
            continue;
        }
        let candidates = issuers_of(cand);
        stack.push(Frame {
            cert: cand,
            candidates,
            next: 0,
            verified,
        });
    }
    match missing {
        Some((child, path)) => Walk::MissingIssuer { child, path },
        None => Walk::Elsewhere {
            top: first_top,
            same_name_other_key,
        },
    }
}

/// "CN=Issuing CA (key id 0A1B...)", or the DN alone without an authority key id.
pub(crate) fn describe_issuer_of(cert: &Certificate) -> String {
    match &cert.authority_key_id {
        Some(k) => format!("{} (key id {})", cert.issuer, key_id_hex(k)),
        None => cert.issuer.to_string(),
    }
}

/// "CN=Issuing CA (key id 0A1B...)" of a CA certificate itself.
pub(crate) fn describe_ca(cert: &Certificate) -> String {
    match &cert.subject_key_id {
        Some(k) => format!("{} (key id {})", cert.subject, key_id_hex(k)),
        None => cert.subject.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pki::*;

    /// [`walk`] with `pool` as the store's CA certificates.
    fn walk_among<'a>(
        leaf: &'a Certificate,
        references: &[&'a Certificate],
        pool: &[&'a Certificate],
    ) -> Walk<'a> {
        let index = CaIndex::from_certs(pool.iter().copied());
        let pool = IssuerPool {
            front: Vec::new(),
            store: &index,
        };
        walk(leaf, references, &pool)
    }

    fn parse(der: &[u8]) -> Certificate {
        Certificate::from_der(der).expect("parses")
    }

    #[test]
    fn three_tiers_reach_the_root_through_a_p7b_in_the_folder() {
        let root_ca = root("Fabrikam Root CA");
        let policy = intermediate("Fabrikam Policy CA", &root_ca);
        let issuing = intermediate("Fabrikam Issuing CA 1", &policy);
        let leaf = Leaf::se().signed_by(&issuing);
        let folder = Folder::new()
            .file("lyncse01.fabrikam.com.cer", &pem(&[&leaf]))
            .file("chain/fabrikam.p7b", &p7b(&[&issuing.der, &policy.der]));
        let r = run(
            "standard-edition/topology.xml",
            &folder,
            &given(&[&root_ca]),
        );
        assert_eq!(rules(&r), Vec::<&str>::new());
        // The same with the intermediates in a --ca file instead, in any order.
        let folder = Folder::new().file("lyncse01.fabrikam.com.cer", &leaf);
        let cas = vec![crate::check::ca::GivenCa {
            path: "chain.pem".into(),
            certs: vec![policy.cert(), root_ca.cert(), issuing.cert()],
        }];
        let r = run("standard-edition/topology.xml", &folder, &cas);
        assert_eq!(rules(&r), Vec::<&str>::new());
    }

    #[test]
    fn the_walk_names_each_link_and_verifies_it() {
        let root_ca = root("Fabrikam Root CA");
        let policy = intermediate("Fabrikam Policy CA", &root_ca);
        let issuing = intermediate("Fabrikam Issuing CA 1", &policy);
        let (leaf, r, p, i) = (
            parse(&Leaf::se().signed_by(&issuing)),
            root_ca.cert(),
            policy.cert(),
            issuing.cert(),
        );
        match walk_among(&leaf, &[&r], &[&p, &i]) {
            Walk::Reached {
                reference,
                path,
                verified,
            } => {
                assert_eq!(reference, 0);
                assert!(verified);
                let names: Vec<&str> = path.iter().map(|c| &*c.subject).collect();
                assert_eq!(
                    names,
                    [
                        "CN=Fabrikam Issuing CA 1, O=Fabrikam",
                        "CN=Fabrikam Policy CA, O=Fabrikam",
                        "CN=Fabrikam Root CA, O=Fabrikam"
                    ]
                );
            }
            other => panic!("not reached: {other:?}"),
        }
        // Without the issuing CA: its certificate is the missing one.
        match walk_among(&leaf, &[&r], &[&p]) {
            Walk::MissingIssuer { child, path } => {
                assert_eq!(child.der, leaf.der);
                assert!(path.is_empty());
            }
            other => panic!("{other:?}"),
        }
        // An impostor issuing CA (same name and key id shape, another key) is no link.
        let impostor = intermediate("Fabrikam Issuing CA 1", &policy).cert();
        let mut leaf_without_aki = leaf.clone();
        leaf_without_aki.authority_key_id = None;
        match walk_among(&leaf_without_aki, &[&r], &[&p, &impostor]) {
            Walk::Elsewhere {
                same_name_other_key,
                ..
            } => assert!(same_name_other_key),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn cycles_and_long_chains_end() {
        // A and B certify each other; the leaf is from A; the reference is unrelated.
        let a = root("CA A");
        let b = root("CA B");
        let a_by_b = parse(&cross("CA A", &a, &b));
        let b_by_a = parse(&cross("CA B", &b, &a));
        let unrelated = root("Unrelated Root").cert();
        let leaf = parse(&Leaf::se().signed_by(&a));
        let w = walk_among(&leaf, &[&unrelated], &[&a_by_b, &b_by_a]);
        assert!(!matches!(w, Walk::Reached { .. }), "{w:?}");
        // A chain deeper than MAX_DEPTH is not followed to its root.
        let top = root("Deep Root");
        let mut cas = vec![intermediate("Deep 0", &top)];
        for n in 1..=MAX_DEPTH + 2 {
            let next = intermediate(&format!("Deep {n}"), cas.last().expect("one"));
            cas.push(next);
        }
        let leaf = parse(&Leaf::se().signed_by(cas.last().expect("one")));
        let certs: Vec<Certificate> = cas.iter().map(TestCa::cert).collect();
        let pool: Vec<&Certificate> = certs.iter().collect();
        let top = top.cert();
        let w = walk_among(&leaf, &[&top], &pool);
        assert!(!matches!(w, Walk::Reached { .. }), "{w:?}");
        // Within the cap it is.
        let short = &certs[certs.len() - MAX_DEPTH + 1..];
        let short_top = &certs[certs.len() - MAX_DEPTH];
        let pool: Vec<&Certificate> = short.iter().collect();
        assert!(matches!(
            walk_among(&leaf, &[short_top], &pool),
            Walk::Reached { .. }
        ));
    }
}
