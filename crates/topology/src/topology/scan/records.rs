//! The raw, unresolved records the scan collects; `build` resolves their references.

use super::symbols::{Sym, Symbols};
use crate::model::{ClusterKey, Fqdn, ServiceKey, Span, TopologyFormat};

/// A `Machine` as written.
#[derive(Debug, Default)]
pub(crate) struct RawMachine {
    /// `Fqdn` attribute, absent only for `<Machine />` in a Topology Builder single-machine
    /// cluster.
    pub(crate) fqdn: Option<Fqdn>,
    /// Hash of the machine's name (its own or the cluster's) with [`RawTopology::name_hasher`],
    /// taken while the name is in cache, for finding duplicate machines.
    pub(crate) name_hash: u64,
    /// Start tag.
    pub(crate) span: Span,
}

/// A `Cluster` as written.
#[derive(Debug)]
pub(crate) struct RawCluster {
    /// `Fqdn` attribute (required).
    pub(crate) fqdn: Fqdn,
    /// `ClusterId` (published) or `UniqueId` (builder).
    pub(crate) key: Option<ClusterKey>,
    /// The published `ClusterId` as symbols, how `InstalledOn` references find it.
    pub(crate) syms: Option<(Sym, Sym)>,
    /// Index into [`RawTopology::sites`] of the enclosing site (builder).
    pub(crate) site_ctx: Option<usize>,
    /// `IsSingleMachineOnly="true"` (builder): its one `<Machine />` may omit `Fqdn`.
    pub(crate) single_machine: bool,
    /// Its machines: a range of [`RawTopology::machines`].
    pub(crate) machines: std::ops::Range<usize>,
    /// Start tag.
    pub(crate) span: Span,
}

/// A `SqlInstance` as written.
#[derive(Debug, Default)]
pub(crate) struct RawSql {
    /// Instance name.
    pub(crate) name: String,
    /// Hosting cluster (published `SqlInstanceId/ClusterId`).
    pub(crate) cluster: Option<ClusterKey>,
    /// Index of the enclosing cluster (builder).
    pub(crate) cluster_ctx: Option<usize>,
    /// `UniqueId` (builder).
    pub(crate) unique_id: Option<String>,
    /// Start tag.
    pub(crate) span: Span,
}

/// Where a service says it is installed, unresolved.
#[derive(Debug, Clone)]
pub(crate) enum RawTarget {
    /// `InstalledOn/ClusterId(SiteId, Number)`.
    Cluster {
        /// `SiteId`.
        site: Sym,
        /// `Number`.
        number: Sym,
    },
    /// `InstalledOn/SqlInstanceId[@Name]/ClusterId` (boxed: rare, and large).
    Sql(Box<(ClusterKey, String)>),
    /// `InstalledOn="<UniqueId>"` (cluster or SQL instance).
    UniqueId(String),
}

/// An attribute value kept without copying it: a byte range of the source text when the
/// value needed no normalization (the common case), else the normalized string. 16 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RawValue {
    /// `text[start..end]` of the scanned [`crate::model::SourceText`].
    At {
        /// First byte.
        start: u32,
        /// One past the last byte.
        end: u32,
    },
    /// A value that normalization changed (or an absent one, as the empty string), or one
    /// beyond the first 4 GiB of text.
    Owned(Box<str>),
}

impl Default for RawValue {
    fn default() -> Self {
        RawValue::Owned(Box::default())
    }
}

impl RawValue {
    /// Borrows the value from `text` (the text that was scanned) or from itself.
    pub(crate) fn get<'a>(&'a self, text: &'a str) -> &'a str {
        match self {
            RawValue::At { start, end } => {
                text.get(*start as usize..*end as usize).unwrap_or_default()
            }
            RawValue::Owned(s) => s,
        }
    }

    /// A range when `value` lies inside `text`, else a copy.
    pub(super) fn of(text: &str, value: std::borrow::Cow<'_, str>) -> RawValue {
        let base = text.as_ptr() as usize;
        let p = value.as_ptr() as usize;
        if let std::borrow::Cow::Borrowed(v) = value {
            if p >= base && p + v.len() <= base + text.len() {
                let start = u32::try_from(p - base);
                let end = u32::try_from(p - base + v.len());
                if let (Ok(start), Ok(end)) = (start, end) {
                    return RawValue::At { start, end };
                }
            }
        }
        RawValue::Owned(value.into())
    }
}

/// A service identity as written: of a `Service`, or the one a `Dependency` names.
#[derive(Debug, Clone)]
pub(crate) enum RawServiceRef {
    /// `ServiceId(SiteId, RoleName, Instance)`; absent attributes read as empty.
    Published {
        /// `SiteId`.
        site: Sym,
        /// `RoleName`.
        role: Sym,
        /// `Instance`.
        instance: Sym,
    },
    /// `ServiceUniqueId` (empty when absent).
    Builder(RawValue),
}

impl RawServiceRef {
    /// The owned key of the model.
    pub(crate) fn to_key(&self, text: &str, syms: &Symbols) -> ServiceKey {
        match self {
            RawServiceRef::Published {
                site,
                role,
                instance,
            } => ServiceKey::Published {
                site: syms.shared(*site),
                role: syms.shared(*role),
                instance: syms.shared(*instance),
            },
            RawServiceRef::Builder(u) => ServiceKey::Builder(u.get(text).to_string()),
        }
    }
}

/// A `Service` as written.
#[derive(Debug, Default)]
pub(crate) struct RawService {
    /// `RoleName` attribute (the published `ServiceId/@RoleName` is in `key`).
    pub(crate) role_name: Option<String>,
    /// Identity.
    pub(crate) key: Option<RawServiceRef>,
    /// Installed-on reference.
    pub(crate) installed_on: Option<RawTarget>,
    /// This service's dependencies: a range of [`RawTopology::deps`].
    pub(crate) deps: std::ops::Range<usize>,
    /// Web components, when this is a `WebServices` service.
    pub(crate) web: Option<Box<crate::model::WebServiceSettings>>,
    /// `RegistrarService/@IsDirector`.
    pub(crate) is_director: bool,
    /// Start tag.
    pub(crate) span: Span,
}

/// A site as written.
#[derive(Debug, Default)]
pub(crate) struct RawSite {
    /// `SiteId`.
    pub(crate) id: Option<String>,
    /// `Name` text.
    pub(crate) name: Option<String>,
    /// Start tag.
    pub(crate) span: Span,
}

/// Everything collected by the scan.
#[derive(Debug)]
pub struct RawTopology {
    /// Schema.
    pub(crate) format: TopologyFormat,
    /// Element path of the topology root.
    pub(crate) found_at: String,
    /// Sites.
    pub(crate) sites: Vec<RawSite>,
    /// Clusters.
    pub(crate) clusters: Vec<RawCluster>,
    /// SQL instances.
    pub(crate) sql: Vec<RawSql>,
    /// The machines of every cluster, in document order (one list, not one per cluster: freed
    /// at once, it leaves no holes in the heap).
    pub(crate) machines: Vec<RawMachine>,
    /// Services.
    pub(crate) services: Vec<RawService>,
    /// Dependencies of all services, with the span of their `Dependency` element, in document
    /// order (each service's are contiguous).
    pub(crate) deps: Vec<(RawServiceRef, Span)>,
    /// Simple URLs.
    pub(crate) simple_urls: Vec<crate::model::SimpleUrl>,
    /// `Service/Ports/Port` elements that may present a server certificate (their start tags),
    /// with the index of their service in [`Self::services`]; see [`super::read_cert_port`].
    pub(crate) cert_ports: Vec<(usize, Span)>,
    /// The published key values, interned.
    pub(crate) syms: Symbols,
    /// The (per run, randomly seeded) hasher of the machine and cluster name hashes.
    pub(crate) name_hasher: foldhash::fast::RandomState,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_value_is_a_range_of_the_text() {
        let text = "<a b=\"pool1\"/>";
        let v = RawValue::of(text, std::borrow::Cow::Borrowed(&text[6..11]));
        assert_eq!(v, RawValue::At { start: 6, end: 11 });
        assert_eq!(v.get(text), "pool1");
    }

    #[test]
    fn normalized_or_foreign_value_is_copied() {
        let text = "<a b=\"x&amp;y\"/>";
        let v = RawValue::of(text, std::borrow::Cow::Owned("x&y".to_string()));
        assert_eq!(v, RawValue::Owned("x&y".into()));
        assert_eq!(std::mem::size_of::<RawValue>(), 16);
        let elsewhere = String::from("pool1");
        let v = RawValue::of(text, std::borrow::Cow::Borrowed(elsewhere.as_str()));
        assert_eq!(v.get(text), "pool1");
        assert!(matches!(v, RawValue::Owned(_)));
    }
}
