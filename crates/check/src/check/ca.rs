//! The reference CA — "the CA used by the internal servers" — and whether a certificate was
//! issued by it.

use super::chain;
use super::chain::{key_ids_compatible, CaIndex, IssuerPool};
use crate::certs::dn::{same_dn, DnKey};
use crate::certs::{CertFile, CertStore, Certificate, Leaf};
use crate::graph::ServerGraph;
use crate::model::Topology;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A `--ca` file and the certificates in it.
#[derive(Debug, Clone)]
pub struct GivenCa {
    /// The file.
    pub path: PathBuf,
    /// Its certificates (root or issuing CA).
    pub certs: Vec<Certificate>,
}

/// Where the reference CA came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CaSource {
    /// `--ca FILE`.
    Flag,
    /// The issuer of most certificates of the internal Lync servers.
    Inferred,
}

/// One reference CA.
#[derive(Debug, Clone)]
pub struct ReferenceCa {
    /// Subject DN for display.
    pub subject: String,
    /// Subject name as compared ([`crate::certs::dn::name_key`]); `None` for a CA known only
    /// by name (inferred from inventory rows without its certificate in the folder).
    pub subject_name: Option<crate::certs::NameKey>,
    /// Subject key identifier (of the CA certificate, or the AKI of the certificates it issued).
    pub key_id: Option<Box<[u8]>>,
    /// The CA certificate, when known: used to verify signatures.
    pub cert: Option<Certificate>,
    /// Where it came from.
    pub source: CaSource,
    /// The file its certificate was read from (`--ca FILE`, or the folder's file), when known.
    pub path: Option<PathBuf>,
    /// How it was chosen, for people.
    pub how: String,
    /// What the inputs show of its place in its PKI.
    pub role: CaRole,
}

/// The outcome of looking for the reference CA.
#[derive(Debug, Clone)]
pub enum CaResolution {
    /// One or more reference CAs (several `--ca`, or one inferred).
    Known(Vec<ReferenceCa>),
    /// No `--ca`, and no issuer issued more than half of the internal servers' certificates.
    Ambiguous {
        /// Every issuer of them, most servers first, each with the servers whose certificates
        /// it issued.
        tied: Vec<CaCandidate>,
    },
    /// No `--ca` and no internal server certificate to infer from.
    Unknown,
}

/// An issuer that could be the reference CA, when none issued a strict majority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaCandidate {
    /// Its DN for display.
    pub subject: String,
    /// Its key id (the authority key id of the certificates it issued), when known.
    pub key_id: Option<Box<[u8]>>,
    /// The internal servers whose certificates it issued, in topology order.
    pub servers: Vec<crate::model::MachineIdx>,
}

impl CaCandidate {
    /// The FQDNs of its servers, in topology order.
    pub fn server_names<'t>(&self, topo: &'t Topology) -> Vec<&'t str> {
        self.servers
            .iter()
            .map(|m| topo.machines[m.0].fqdn.as_str())
            .collect()
    }
    /// "CN=X (key id AB:CD...)" or the DN alone when the key id is unknown.
    pub fn describe(&self) -> String {
        match &self.key_id {
            Some(k) => format!("{} (key id {})", self.subject, crate::certs::key_id_hex(k)),
            None => format!("{} (no key id: known by name only)", self.subject),
        }
    }
}

impl CaResolution {
    /// The reference CAs, empty when unknown or ambiguous.
    pub fn cas(&self) -> &[ReferenceCa] {
        match self {
            CaResolution::Known(v) => v,
            _ => &[],
        }
    }
}

/// Is a certificate from the reference CA?
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaVerdict {
    /// Issued by a reference CA (directly or through an intermediate in the folder), and the
    /// signature verified.
    FromReference {
        /// Subject of the reference CA.
        ca: String,
    },
    /// Issuer name and key id match an inferred CA whose certificate is not in the folder, or
    /// whose signature algorithm cannot be checked: a match without signature proof.
    FromReferenceUnverified {
        /// Subject of the reference CA.
        ca: String,
    },
    /// From an inventory row (or a CA known only by name): the issuer DN equals the reference
    /// CA's subject DN. Weaker: a CA with the same name and another key is not told apart.
    FromReferenceByIssuerName {
        /// Subject of the reference CA.
        ca: String,
    },
    /// The inputs show it is not from the reference CA: its chain ends at another root, a
    /// signature does not verify, it passes above the reference CA, or the reference CA issues
    /// server certificates itself and this one names another issuer.
    Foreign {
        /// Why, for people.
        why: String,
    },
    /// The inputs cannot decide: the chain towards the reference CA breaks at a CA certificate
    /// that is in no input (not in `--ca`, the folder or the file). That certificate decides.
    MissingIntermediate {
        /// The missing CA: issuer DN and authority key id of the certificate below it.
        missing: String,
        /// Subject of the certificate whose issuer is missing.
        below: String,
        /// The issuers found before the gap, from the server certificate's issuer up.
        found: Vec<String>,
        /// More about the gap (e.g. the reference CA's name with another key id), or empty.
        note: String,
    },
    /// There is no reference CA to compare with.
    NoReference,
}

/// Every certificate an issuer may be found among for `file`: the `--ca` certificates (of
/// every reference), the file's own chain and every CA certificate of the folder.
fn issuer_pool<'a, 'i>(
    res: &'a CaResolution,
    file: &'a CertFile,
    index: &'i CaIndex<'a>,
) -> IssuerPool<'a, 'i> {
    let mut front: Vec<&Certificate> = res.cas().iter().filter_map(|c| c.cert.as_ref()).collect();
    front.extend(file.chain.iter().filter(|c| c.is_ca));
    IssuerPool {
        front,
        store: index,
    }
}

/// The chain from `file`'s server certificate to a reference CA that has a certificate, when
/// one is found (see [`chain::walk`]); `None` for an inventory row or without such a reference.
/// `index` holds the store's CA certificates ([`CaIndex::build`]).
pub(crate) fn chain_to_reference<'a>(
    res: &'a CaResolution,
    file: &'a CertFile,
    index: &CaIndex<'a>,
) -> Option<chain::Walk<'a>> {
    let leaf = file.leaf.x509()?;
    let references: Vec<&Certificate> = res.cas().iter().filter_map(|c| c.cert.as_ref()).collect();
    if references.is_empty() {
        return None;
    }
    let pool = issuer_pool(res, file, index);
    Some(chain::walk(leaf, &references, &pool))
}

/// What the inputs show of a reference CA's place in its PKI, found once per run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaRole {
    /// It issued a server certificate of the inputs directly (or it was inferred as the issuer
    /// of most of them).
    pub issues_servers: bool,
    /// A CA certificate of the inputs names it as issuer (it is a root or policy CA).
    pub issues_cas: bool,
    /// The DER of every CA certificate above it, found in the inputs and verified link by link.
    pub above: Vec<Box<[u8]>>,
}

impl CaRole {
    /// The inputs show it issues server certificates and no CA certificate: an issuing CA,
    /// so a certificate that names another issuer is not from it.
    pub(crate) fn issuing_only(&self) -> bool {
        self.issues_servers && !self.issues_cas
    }
}

/// Finds a reference CA's [`CaRole`] among the CA certificates `cas` and the store's server
/// certificates.
fn role_of(ca: &ReferenceCa, cas: &[&Certificate], store: &CertStore) -> CaRole {
    let (name, kid) = match (&ca.subject_name, &ca.cert) {
        (_, Some(c)) => (Some(&c.subject_name), &c.subject_key_id),
        (name, None) => (name.as_ref(), &ca.key_id),
    };
    let issued_by = |c: &Certificate| {
        Some(&c.issuer_name) == name && key_ids_compatible(&c.authority_key_id, kid)
    };
    let issues_servers = ca.source == CaSource::Inferred
        || store.files.iter().any(|f| match &f.leaf {
            Leaf::File(c) => !c.is_ca && issued_by(c),
            Leaf::Inventory(i) => same_dn(&i.facts.issuer, &ca.subject),
        });
    let issues_cas = cas
        .iter()
        .any(|c| c.is_ca && !c.is_self_issued() && issued_by(c));
    let mut above = Vec::new();
    if let Some(mut cur) = ca.cert.as_ref() {
        while above.len() < chain::MAX_DEPTH && !cur.is_self_issued() {
            let parent = cas.iter().copied().find(|p| {
                p.subject_name == cur.issuer_name
                    && key_ids_compatible(&cur.authority_key_id, &p.subject_key_id)
                    && !above.contains(&p.der)
                    && cur.verify_signed_by(p)
            });
            let Some(p) = parent else { break };
            above.push(p.der.clone());
            cur = p;
        }
    }
    CaRole {
        issues_servers,
        issues_cas,
        above,
    }
}

/// Names of the reference CAs, "A" or "A and B".
pub(crate) fn reference_names(res: &CaResolution) -> String {
    let names: Vec<&str> = res.cas().iter().map(|c| c.subject.as_str()).collect();
    names.join(" and ")
}

/// "CN=X (key id AB...)" of a reference CA, or its name alone without a key id.
pub(crate) fn describe_reference(ca: &ReferenceCa) -> String {
    match &ca.key_id {
        Some(k) => format!("{} (key id {})", ca.subject, crate::certs::key_id_hex(k)),
        None => ca.subject.clone(),
    }
}

/// Decides whether `file`'s leaf was issued by one of the reference CAs, directly or through
/// intermediates of any depth (see [`chain::walk`]) found in `--ca` files, the file's own chain
/// and the folder; the chain comes from `chain`, so a caller reuses the chains it already
/// walked (each walk verifies signatures).
pub(crate) fn verdict_with<'a>(
    res: &'a CaResolution,
    file: &'a CertFile,
    index: &CaIndex<'a>,
    chain: impl FnOnce(&'a CaResolution, &'a CertFile) -> Option<chain::Walk<'a>>,
) -> CaVerdict {
    let cas = res.cas();
    if cas.is_empty() {
        return CaVerdict::NoReference;
    }
    let leaf = match &file.leaf {
        Leaf::File(c) => c,
        Leaf::Inventory(i) => return verdict_by_name(res, file, index, &i.facts.issuer),
    };
    let walked = chain(res, file);
    if let Some(chain::Walk::Reached {
        reference,
        path,
        verified,
    }) = &walked
    {
        let ca = &cas
            .iter()
            .filter(|c| c.cert.is_some())
            .nth(*reference)
            .map_or_else(String::new, |c| c.subject.clone());
        let below: Vec<&str> = path
            .iter()
            .take(path.len().saturating_sub(1))
            .map(|c| &*c.subject)
            .collect();
        let ca = if below.is_empty() {
            ca.clone()
        } else {
            format!("{ca} (through {})", below.join(", "))
        };
        return if *verified {
            CaVerdict::FromReference { ca }
        } else {
            CaVerdict::FromReferenceUnverified { ca }
        };
    }
    // References known without their certificate: by name and key id.
    for ca in cas.iter().filter(|c| c.cert.is_none()) {
        if let Some(name) = &ca.subject_name {
            if leaf.issuer_name == *name && key_ids_compatible(&leaf.authority_key_id, &ca.key_id) {
                return CaVerdict::FromReferenceUnverified {
                    ca: ca.subject.clone(),
                };
            }
        } else if same_dn(&leaf.issuer, &ca.subject) {
            return CaVerdict::FromReferenceByIssuerName {
                ca: ca.subject.clone(),
            };
        }
    }
    // A reference with the issuer's name but another key id: no certificate with the issuer's
    // key id was checked unless the walk found one.
    let same_name = cas
        .iter()
        .find(|c| c.subject_name.as_ref() == Some(&leaf.issuer_name));
    let issuer = chain::describe_issuer_of(leaf);
    let fallback = chain::Walk::MissingIssuer {
        child: leaf,
        path: Vec::new(),
    };
    match walked.unwrap_or(fallback) {
        chain::Walk::Reached { .. } => CaVerdict::NoReference,
        chain::Walk::MissingIssuer { child, path } => {
            let missing = chain::describe_issuer_of(child);
            let undecided = |note: String| CaVerdict::MissingIntermediate {
                missing: missing.clone(),
                below: child.subject.to_string(),
                found: path.iter().map(|c| c.subject.to_string()).collect(),
                note,
            };
            if let (Some(ca), true) = (same_name, std::ptr::eq(child, leaf)) {
                return undecided(format!(
                    "it has the name of the reference CA {} but another key id, and no CA certificate with its key id is in the inputs, so no signature was checked (a renewed CA key, or another CA with the same name)",
                    describe_reference(ca)
                ));
            }
            let roles = roles(res);
            if let Some(above) = path
                .iter()
                .find(|c| roles.iter().any(|r| r.above.contains(&c.der)))
            {
                return CaVerdict::Foreign {
                    why: format!(
                        "issued by {issuer}, which chains up through {}, a CA above the reference CA, not through the reference CA",
                        above.subject
                    ),
                };
            }
            if roles.iter().all(|r| r.issuing_only()) {
                let why = if std::ptr::eq(child, leaf) {
                    format!("issued by {issuer}, not by the reference CA, which issues server certificates itself (no CA certificate it issued is in the inputs)")
                } else {
                    format!(
                        "issued by {issuer}, which chains up to {} (issued by {missing}, not in the inputs), not to the reference CA, which issues server certificates itself",
                        child.subject
                    )
                };
                return CaVerdict::Foreign { why };
            }
            undecided(String::new())
        }
        chain::Walk::Elsewhere {
            top: Some(top),
            same_name_other_key,
        } => {
            let renamed_root =
                same_name.filter(|ca| ca.subject_name.as_ref() == Some(&top.subject_name));
            let why = match renamed_root {
                Some(ca) => format!(
                    "issued by {issuer}, which chains to a root with the reference CA's name that is not the reference CA's certificate {} (if the CA was renewed, give its renewed certificate with --ca too)",
                    describe_reference(ca)
                ),
                None if top.subject_name == leaf.issuer_name => {
                    format!("issued by {issuer}, a self-signed root that is not the reference CA")
                }
                None => format!(
                    "issued by {issuer}, which chains to the root {} instead",
                    top.subject
                ),
            };
            let why = if same_name_other_key {
                format!("{why}; a CA certificate with the expected name on the way does not verify the signature below it")
            } else {
                why
            };
            CaVerdict::Foreign { why }
        }
        chain::Walk::Elsewhere {
            top: None,
            same_name_other_key,
        } => {
            let why = if leaf.is_self_issued() {
                "self-signed".to_string()
            } else if same_name_other_key {
                format!("issued by {issuer}, but the signature does not verify with the key of the CA certificate of that name in the inputs")
            } else {
                format!("issued by {issuer}")
            };
            CaVerdict::Foreign { why }
        }
    }
}

/// Each reference CA's [`CaRole`].
fn roles(res: &CaResolution) -> Vec<&CaRole> {
    res.cas().iter().map(|c| &c.role).collect()
}

/// The references with their [`CaRole`] (see [`role_of`]) filled in.
fn with_roles(mut refs: Vec<ReferenceCa>, store: &CertStore) -> Vec<ReferenceCa> {
    let roles: Vec<CaRole> = {
        let cas: Vec<&Certificate> = refs
            .iter()
            .filter_map(|c| c.cert.as_ref())
            .chain(store.all_ca_certs())
            .collect();
        refs.iter().map(|c| role_of(c, &cas, store)).collect()
    };
    for (r, role) in refs.iter_mut().zip(roles) {
        r.role = role;
    }
    refs
}

/// The verdict for an inventory row: its issuer DN string against the reference CAs' subjects,
/// else through a CA certificate of that name in the inputs, else from what the inputs show of
/// the reference CA.
fn verdict_by_name<'a>(
    res: &'a CaResolution,
    file: &'a CertFile,
    index: &CaIndex<'a>,
    issuer: &str,
) -> CaVerdict {
    let cas = res.cas();
    if let Some(ca) = cas.iter().find(|ca| same_dn(issuer, &ca.subject)) {
        return CaVerdict::FromReferenceByIssuerName {
            ca: ca.subject.clone(),
        };
    }
    let references: Vec<&Certificate> = cas.iter().filter_map(|c| c.cert.as_ref()).collect();
    let pool = issuer_pool(res, file, index);
    let named = pool
        .front
        .iter()
        .copied()
        .find(|c| same_dn(&c.subject, issuer))
        .or_else(|| index.by_dn(issuer));
    if let (Some(ca_cert), false) = (named, references.is_empty()) {
        match chain::walk(ca_cert, &references, &pool) {
            chain::Walk::Reached { reference, .. } => {
                let top = references
                    .get(reference)
                    .map_or_else(String::new, |c| c.subject.to_string());
                return CaVerdict::FromReferenceByIssuerName {
                    ca: format!("{top} (through {})", ca_cert.subject),
                };
            }
            chain::Walk::Elsewhere { top: Some(top), .. } => {
                return CaVerdict::Foreign {
                    why: format!("issued by {issuer}, which chains to the root {} instead (compared by issuer name: an inventory has no key identifiers)", top.subject),
                };
            }
            _ => {}
        }
    }
    if roles(res).iter().all(|r| r.issuing_only()) {
        return CaVerdict::Foreign {
            why: format!("issued by {issuer} (compared by issuer name only: an inventory has no key identifiers)"),
        };
    }
    CaVerdict::MissingIntermediate {
        missing: issuer.to_string(),
        below: file.leaf.subject.to_string(),
        found: Vec::new(),
        note: "an inventory row names only its issuer".to_string(),
    }
}

/// An issuer's identity: raw DN and authority key id for a certificate file, the DN string
/// for an inventory row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum IssuerKey {
    Der(crate::certs::NameKey, Option<Box<[u8]>>),
    Name(DnKey),
}

/// Counts inventory rows (known by issuer name) with the one certificate-file issuer of the same
/// name, when there is exactly one; otherwise they stay a group of their own.
fn merge_names(counts: &mut BTreeMap<IssuerKey, (String, Vec<crate::model::MachineIdx>)>) {
    let names: Vec<(IssuerKey, DnKey)> = counts
        .keys()
        .filter_map(|k| match k {
            IssuerKey::Name(n) => Some((k.clone(), n.clone())),
            IssuerKey::Der(..) => None,
        })
        .collect();
    if names.is_empty() {
        return;
    }
    // The certificate-file issuers by parsed name, in key order (merging removes name keys
    // only, so this stays true through the loop).
    let mut by_dn: BTreeMap<DnKey, Vec<IssuerKey>> = BTreeMap::new();
    for (k, (display, _)) in counts.iter() {
        if matches!(k, IssuerKey::Der(..)) {
            by_dn
                .entry(DnKey::parse(display))
                .or_default()
                .push(k.clone());
        }
    }
    for (key, dn) in names {
        if let Some([target]) = by_dn.get(&dn).map(Vec::as_slice) {
            if let Some((_, n)) = counts.remove(&key) {
                if let Some(e) = counts.get_mut(target) {
                    e.1.extend(n);
                    e.1.sort();
                }
            }
        }
    }
}

/// Resolves the reference CA: every certificate of the `--ca` files, or else the issuer of more
/// than half of the certificates assigned (`chosen`: the file chosen for each machine, an index
/// into [`CertStore::files`]) to internal Lync servers (every pool but Edge, SQL, file store
/// and Office Web Apps), checked or not.
pub fn resolve(
    topo: &Topology,
    graph: &ServerGraph,
    store: &CertStore,
    chosen: &[Option<usize>],
    given: &[GivenCa],
) -> CaResolution {
    if !given.is_empty() {
        return CaResolution::Known(with_roles(
            given
                .iter()
                .flat_map(|g| {
                    g.certs.iter().map(move |c| ReferenceCa {
                        subject: c.subject.to_string(),
                        subject_name: Some(c.subject_name.clone()),
                        key_id: c.subject_key_id.clone(),
                        cert: Some(c.clone()),
                        source: CaSource::Flag,
                        path: Some(g.path.clone()),
                        how: format!("given with --ca {}", g.path.display()),
                        role: CaRole::default(),
                    })
                })
                .collect(),
            store,
        ));
    }
    let mut counts: BTreeMap<IssuerKey, (String, Vec<crate::model::MachineIdx>)> = BTreeMap::new();
    for (i, m) in topo.machines.iter().enumerate() {
        if !graph.pool_kinds[m.pool.0].is_internal_lync_server() {
            continue;
        }
        if let Some(&file) = chosen.get(i).and_then(Option::as_ref) {
            let leaf = &store.files[file].leaf;
            let key = match leaf {
                Leaf::File(c) => IssuerKey::Der(c.issuer_name.clone(), c.authority_key_id.clone()),
                Leaf::Inventory(i) => IssuerKey::Name(DnKey::parse(&i.facts.issuer)),
            };
            let e = counts
                .entry(key)
                .or_insert_with(|| (leaf.issuer.to_string(), Vec::new()));
            e.1.push(crate::model::MachineIdx(i));
        }
    }
    merge_names(&mut counts);
    let Some(max) = counts.values().map(|v| v.1.len()).max() else {
        return CaResolution::Unknown;
    };
    let total: usize = counts.values().map(|v| v.1.len()).sum();
    // Only a strict majority of the internal servers' certificates names the reference CA; a
    // tie or a mere plurality leaves it undecided, with every candidate listed.
    if max * 2 <= total {
        let mut candidates: Vec<_> = counts.iter().collect();
        candidates.sort_by_key(|(_, v)| std::cmp::Reverse(v.1.len()));
        return CaResolution::Ambiguous {
            tied: candidates
                .into_iter()
                .map(|(k, (name, servers))| CaCandidate {
                    subject: name.clone(),
                    key_id: match k {
                        IssuerKey::Der(_, kid) => kid.clone(),
                        IssuerKey::Name(_) => None,
                    },
                    servers: servers.clone(),
                })
                .collect(),
        };
    }
    let Some((key, (name, servers))) = counts.iter().find(|(_, v)| v.1.len() == max) else {
        return CaResolution::Unknown;
    };
    let n = servers.len();
    let (raw, kid) = match key {
        IssuerKey::Der(raw, kid) => (Some(raw.clone()), kid.clone()),
        IssuerKey::Name(_) => (None, None),
    };
    let cert = store
        .all_ca_certs()
        .find(|c| match &raw {
            Some(raw) => &c.subject_name == raw && key_ids_compatible(&kid, &c.subject_key_id),
            None => same_dn(&c.subject, name),
        })
        .cloned();
    let by_name = if raw.is_none() {
        " (by issuer name: inventory rows have no key identifiers)"
    } else {
        ""
    };
    CaResolution::Known(with_roles(vec![ReferenceCa {
        subject: name.clone(),
        subject_name: raw.or_else(|| cert.as_ref().map(|c| c.subject_name.clone())),
        key_id: kid
            .or_else(|| cert.as_ref().and_then(|c| c.subject_key_id.clone())),
        source: CaSource::Inferred,
        path: None,
        how: format!(
            "inferred: it issued {n} of the {total} certificates found for internal Lync servers{by_name}{}",
            if cert.is_some() {
                ""
            } else {
                " (its CA certificate is not in the folder, so signatures are not verified)"
            }
        ),
        cert,
        role: CaRole::default(),
    }], store))
}

#[cfg(test)]
#[path = "ca_tests.rs"]
mod tests;
