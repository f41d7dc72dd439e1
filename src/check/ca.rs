//! The reference CA — "the CA used by the internal servers" — and whether a certificate was
//! issued by it.

use super::{assign, chain};
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
    /// Raw subject DN; `None` for a CA known only by name (inferred from inventory rows
    /// without its certificate in the folder).
    pub subject_raw: Option<Vec<u8>>,
    /// Subject key identifier (of the CA certificate, or the AKI of the certificates it issued).
    pub key_id: Option<Vec<u8>>,
    /// The CA certificate, when known: used to verify signatures.
    pub cert: Option<Certificate>,
    /// Where it came from.
    pub source: CaSource,
    /// The file its certificate was read from (`--ca FILE`, or the folder's file), when known.
    pub path: Option<PathBuf>,
    /// How it was chosen, for people.
    pub how: String,
}

/// The outcome of looking for the reference CA.
#[derive(Debug, Clone)]
pub enum CaResolution {
    /// One or more reference CAs (several `--ca`, or one inferred).
    Known(Vec<ReferenceCa>),
    /// No `--ca`, and no single issuer issued most internal server certificates.
    Ambiguous {
        /// The tied issuers, each with the servers whose certificates it issued.
        tied: Vec<CaCandidate>,
    },
    /// No `--ca` and no internal server certificate to infer from.
    Unknown,
}

/// An issuer that could be the reference CA, when several tie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaCandidate {
    /// Its DN for display.
    pub subject: String,
    /// Its key id (the authority key id of the certificates it issued), when known.
    pub key_id: Option<Vec<u8>>,
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
    /// Issuer DN and key id match an inferred CA whose certificate is not in the folder, or
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
    /// Not from the reference CA.
    Foreign {
        /// Why, for people.
        why: String,
    },
    /// The chain towards a reference CA that issues CA certificates breaks: the issuer of a
    /// certificate on the way is nowhere (not in `--ca`, the folder or the file).
    MissingIntermediate {
        /// The missing CA: issuer DN and authority key id of the certificate below it.
        missing: String,
        /// Subject of the certificate whose issuer is missing.
        below: String,
        /// The issuers found before the gap, from the server certificate's issuer up.
        found: Vec<String>,
    },
    /// There is no reference CA to compare with.
    NoReference,
}

fn key_ids_compatible(aki: &Option<Vec<u8>>, ski: &Option<Vec<u8>>) -> bool {
    match (aki, ski) {
        (Some(a), Some(s)) => a == s,
        _ => true,
    }
}

/// Every certificate an issuer may be found among for `file`: the `--ca` certificates (of
/// every reference), the file's own chain and every CA certificate of the folder.
fn issuer_pool<'a>(
    res: &'a CaResolution,
    file: &'a CertFile,
    store: &'a CertStore,
) -> Vec<&'a Certificate> {
    let mut pool: Vec<&Certificate> = res.cas().iter().filter_map(|c| c.cert.as_ref()).collect();
    pool.extend(file.chain.iter().filter(|c| c.is_ca));
    pool.extend(store.all_ca_certs());
    pool
}

/// The chain from `file`'s server certificate to a reference CA that has a certificate, when
/// one is found (see [`chain::walk`]); `None` for an inventory row or without such a reference.
pub fn chain_to_reference<'a>(
    res: &'a CaResolution,
    file: &'a CertFile,
    store: &'a CertStore,
) -> Option<chain::Walk<'a>> {
    let leaf = file.leaf.x509()?;
    let references: Vec<&Certificate> = res.cas().iter().filter_map(|c| c.cert.as_ref()).collect();
    if references.is_empty() {
        return None;
    }
    let pool = issuer_pool(res, file, store);
    Some(chain::walk(leaf, &references, &pool))
}

/// True when a reference CA is known to issue CA certificates (a root or policy CA): some CA
/// certificate of the inputs other than itself names it as issuer. Then a certificate whose
/// issuer cannot be found is missing an intermediate rather than foreign.
fn reference_issues_cas(res: &CaResolution, store: &CertStore) -> bool {
    let given = res.cas().iter().filter_map(|c| c.cert.as_ref());
    let pool: Vec<&Certificate> = given.clone().chain(store.all_ca_certs()).collect();
    given.into_iter().any(|r| {
        pool.iter()
            .any(|c| c.is_ca && !c.is_self_issued() && c.issuer_raw == r.subject_raw)
    })
}

/// Names of the reference CAs, "A" or "A and B".
pub fn reference_names(res: &CaResolution) -> String {
    let names: Vec<&str> = res.cas().iter().map(|c| c.subject.as_str()).collect();
    names.join(" and ")
}

/// Decides whether `file`'s leaf was issued by one of the reference CAs, directly or through
/// intermediates of any depth (see [`chain::walk`]) found in `--ca` files, the file's own chain
/// and the folder.
pub fn verdict(res: &CaResolution, file: &CertFile, store: &CertStore) -> CaVerdict {
    verdict_with(res, file, store, |res, file, store| {
        chain_to_reference(res, file, store)
    })
}

/// [`verdict`], with the chain from `chain` (so a caller can reuse chains it already walked:
/// each walk verifies signatures).
pub fn verdict_with<'a>(
    res: &'a CaResolution,
    file: &'a CertFile,
    store: &'a CertStore,
    chain: impl FnOnce(&'a CaResolution, &'a CertFile, &'a CertStore) -> Option<chain::Walk<'a>>,
) -> CaVerdict {
    let cas = res.cas();
    if cas.is_empty() {
        return CaVerdict::NoReference;
    }
    let leaf = match &file.leaf {
        Leaf::File(c) => c,
        Leaf::Inventory(i) => return verdict_by_name(cas, &i.facts.issuer),
    };
    let walked = chain(res, file, store);
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
            .map(|c| c.subject.as_str())
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
    let mut same_dn_other_key = cas
        .iter()
        .any(|c| c.subject_raw.as_ref() == Some(&leaf.issuer_raw) && c.cert.is_some());
    // References known without their certificate: by raw DN and key id, or by name.
    for ca in cas.iter().filter(|c| c.cert.is_none()) {
        match &ca.subject_raw {
            Some(raw) => {
                if leaf.issuer_raw == *raw {
                    if key_ids_compatible(&leaf.authority_key_id, &ca.key_id) {
                        return CaVerdict::FromReferenceUnverified {
                            ca: ca.subject.clone(),
                        };
                    }
                    same_dn_other_key = true;
                }
            }
            None => {
                if same_dn(&leaf.issuer, &ca.subject) {
                    return CaVerdict::FromReferenceByIssuerName {
                        ca: ca.subject.clone(),
                    };
                }
            }
        }
    }
    let issuer = chain::describe_issuer_of(leaf);
    match walked {
        Some(chain::Walk::MissingIssuer { child, path }) if !same_dn_other_key => {
            if reference_issues_cas(res, store) {
                return CaVerdict::MissingIntermediate {
                    missing: chain::describe_issuer_of(child),
                    below: child.subject.clone(),
                    found: path.iter().map(|c| c.subject.clone()).collect(),
                };
            }
            let why = if std::ptr::eq(child, leaf) {
                format!(
                    "issued by {issuer}, which is not the reference CA; no certificate of that CA is in --ca, the folder or the file (if it is an intermediate under the reference CA, add its certificate to the folder or with --ca)"
                )
            } else {
                format!(
                    "issued by {issuer}, which chains up to {} (issued by {}, not found), not to the reference CA",
                    child.subject,
                    chain::describe_issuer_of(child)
                )
            };
            CaVerdict::Foreign { why }
        }
        Some(chain::Walk::Elsewhere { top: Some(top), .. }) if !same_dn_other_key && top.subject_raw != leaf.issuer_raw => {
            CaVerdict::Foreign {
                why: format!("issued by {issuer}, which chains to {} instead", top.subject),
            }
        }
        _ if same_dn_other_key => CaVerdict::Foreign {
            why: format!(
                "issued by {issuer}: the same name as the reference CA but another key (the signature does not verify with the reference CA's key)"
            ),
        },
        _ => CaVerdict::Foreign {
            why: format!("issued by {issuer}"),
        },
    }
}

/// The verdict for an inventory row: issuer DN string against the reference CAs' subjects.
fn verdict_by_name(cas: &[ReferenceCa], issuer: &str) -> CaVerdict {
    match cas.iter().find(|ca| same_dn(issuer, &ca.subject)) {
        Some(ca) => CaVerdict::FromReferenceByIssuerName {
            ca: ca.subject.clone(),
        },
        None => CaVerdict::Foreign {
            why: format!("issued by {issuer} (compared by issuer name only: an inventory has no key identifiers)"),
        },
    }
}

/// An issuer's identity: raw DN and authority key id for a certificate file, the DN string
/// for an inventory row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum IssuerKey {
    Der(Vec<u8>, Option<Vec<u8>>),
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
    for (key, dn) in names {
        let same: Vec<IssuerKey> = counts
            .iter()
            .filter(|(k, (display, _))| {
                matches!(k, IssuerKey::Der(..)) && DnKey::parse(display) == dn
            })
            .map(|(k, _)| k.clone())
            .collect();
        if let [target] = &same[..] {
            if let Some((_, n)) = counts.remove(&key) {
                if let Some(e) = counts.get_mut(target) {
                    e.1.extend(n);
                    e.1.sort();
                }
            }
        }
    }
}

/// Resolves the reference CA: every certificate of the `--ca` files, or else the issuer of
/// most certificates assigned (see `assignments`, one per machine) to internal Lync servers (every pool but Edge, SQL, file store
/// and Office Web Apps).
pub fn resolve(
    topo: &Topology,
    graph: &ServerGraph,
    store: &CertStore,
    assignments: &[Option<assign::Assignment>],
    given: &[GivenCa],
) -> CaResolution {
    if !given.is_empty() {
        return CaResolution::Known(
            given
                .iter()
                .flat_map(|g| {
                    g.certs.iter().map(move |c| ReferenceCa {
                        subject: c.subject.clone(),
                        subject_raw: Some(c.subject_raw.clone()),
                        key_id: c.subject_key_id.clone(),
                        cert: Some(c.clone()),
                        source: CaSource::Flag,
                        path: Some(g.path.clone()),
                        how: format!("given with --ca {}", g.path.display()),
                    })
                })
                .collect(),
        );
    }
    let mut counts: BTreeMap<IssuerKey, (String, Vec<crate::model::MachineIdx>)> = BTreeMap::new();
    for (i, m) in topo.machines.iter().enumerate() {
        if !graph.pool_kinds[m.pool.0].is_internal_lync_server() {
            continue;
        }
        if let Some(a) = &assignments[i] {
            let leaf = &store.files[a.file].leaf;
            let key = match leaf {
                Leaf::File(c) => IssuerKey::Der(c.issuer_raw.clone(), c.authority_key_id.clone()),
                Leaf::Inventory(i) => IssuerKey::Name(DnKey::parse(&i.facts.issuer)),
            };
            let e = counts
                .entry(key)
                .or_insert_with(|| (leaf.issuer.clone(), Vec::new()));
            e.1.push(crate::model::MachineIdx(i));
        }
    }
    merge_names(&mut counts);
    let Some(max) = counts.values().map(|v| v.1.len()).max() else {
        return CaResolution::Unknown;
    };
    let top: Vec<_> = counts.iter().filter(|(_, v)| v.1.len() == max).collect();
    if top.len() > 1 {
        return CaResolution::Ambiguous {
            tied: top
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
    let (key, (name, servers)) = top[0];
    let n = servers.len();
    let total: usize = counts.values().map(|v| v.1.len()).sum();
    let (raw, kid) = match key {
        IssuerKey::Der(raw, kid) => (Some(raw.clone()), kid.clone()),
        IssuerKey::Name(_) => (None, None),
    };
    let cert = store
        .all_ca_certs()
        .find(|c| match &raw {
            Some(raw) => &c.subject_raw == raw && key_ids_compatible(&kid, &c.subject_key_id),
            None => same_dn(&c.subject, name),
        })
        .cloned();
    let by_name = if raw.is_none() {
        " (by issuer name: inventory rows have no key identifiers)"
    } else {
        ""
    };
    CaResolution::Known(vec![ReferenceCa {
        subject: name.clone(),
        subject_raw: raw.or_else(|| cert.as_ref().map(|c| c.subject_raw.clone())),
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
    }])
}
