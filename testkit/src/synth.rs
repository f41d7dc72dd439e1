//! Synthetic topologies for tests and benchmarks.
//!
//! [`write_topology`] streams a realistic Lync Server 2013 / Skype for Business topology in
//! the published schema or the Topology Builder schema, UTF-8 or UTF-16LE, with CRLF line
//! endings. Output is fully determined by [`SynthOptions`] (the seed drives GUIDs, site names
//! and addresses; the shape is fixed by the counts), so the returned [`SynthSummary`] tells
//! exactly what a reader must find.
//!
//! Per site: `pools_per_site` Front End pools (Registrar, UserServices, WebServices with
//! `PersistentChatWeb`, ConfServices), a SQL store with one instance, a file store, an Edge
//! pool and, with `pchat`, a Persistent Chat pool whose service depends on its store, the file
//! store and the first Front End pool's Registrar (which makes that pool's machines the site's
//! file upload/download servers).

use std::fmt::{self, Write as _};
use std::io::{self, Write};
use topocert::model::TopologyFormat;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    /// Number of central sites (at least 1).
    pub sites: usize,
    /// Front End pools per site (at least 1).
    pub pools_per_site: usize,
    /// Machines in each Front End, Edge and Persistent Chat pool (at least 1).
    pub machines_per_pool: usize,
    /// Add a Persistent Chat pool (and its store) to every site.
    pub pchat: bool,
    /// Schema to write.
    pub format: TopologyFormat,
    /// Write UTF-16LE with a byte order mark instead of UTF-8.
    pub utf16: bool,
    /// Seed for GUIDs, names and addresses.
    pub seed: u64,
    /// SIP / AD domain used in every FQDN.
    pub domain: String,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            sites: 1,
            pools_per_site: 1,
            machines_per_pool: 2,
            pchat: false,
            format: TopologyFormat::Published,
            utf16: false,
            seed: 1,
            domain: "fabrikam.test".into(),
        }
    }
}

/// Role of a machine whose certificate matters for Persistent Chat file transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertRole {
    /// Front End server running the Persistent Chat file upload/download web component.
    FileTransfer,
    /// Persistent Chat server.
    PersistentChat,
}

impl CertRole {
    /// Stable name used in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            CertRole::FileTransfer => "file-transfer",
            CertRole::PersistentChat => "persistent-chat",
        }
    }
}

/// What was written, for checking a reader against.
#[derive(Debug, Clone, Default)]
pub struct SynthSummary {
    /// Bytes written (including any byte order mark).
    pub bytes: u64,
    /// Central sites.
    pub sites: usize,
    /// Clusters (pools).
    pub pools: usize,
    /// Machines (FQDNs are unique).
    pub machines: usize,
    /// SQL instances.
    pub sql_instances: usize,
    /// Services.
    pub services: usize,
    /// File upload/download machines, then Persistent Chat machines, in document order.
    pub cert_machines: Vec<(String, CertRole)>,
}

impl SynthSummary {
    /// Number of machines with the given role.
    pub fn count(&self, role: CertRole) -> usize {
        self.cert_machines.iter().filter(|m| m.1 == role).count()
    }
}

/// How a planned certificate should be wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// A valid certificate.
    None,
    /// Validity period ended.
    Expired,
    /// The machine FQDN is missing from the subject alternative names.
    MissingSan,
    /// No Server Authentication extended key usage.
    NoServerAuthEku,
    /// Self-signed instead of issued by the deployment CA.
    SelfSigned,
}

impl Fault {
    /// Stable name used in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            Fault::None => "none",
            Fault::Expired => "expired",
            Fault::MissingSan => "missing-san",
            Fault::NoServerAuthEku => "no-server-auth-eku",
            Fault::SelfSigned => "self-signed",
        }
    }
}

const FAULTS: [Fault; 4] = [
    Fault::Expired,
    Fault::MissingSan,
    Fault::NoServerAuthEku,
    Fault::SelfSigned,
];

/// Decides, deterministically from `seed`, which of `summary`'s certificate machines get a
/// faulty certificate: exactly `round(share × n)` of them (share clamped to 0..=1), each with a
/// seeded fault kind. Returned in the order of [`SynthSummary::cert_machines`].
pub fn plan_certificates(summary: &SynthSummary, seed: u64, share: f64) -> Vec<(String, Fault)> {
    let n = summary.cert_machines.len();
    let share = if share.is_nan() {
        0.0
    } else {
        share.clamp(0.0, 1.0)
    };
    let faulty = ((share * n as f64).round() as usize).min(n);
    let mut rng = SplitMix64::derive(seed, &[0xCE27]);
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }
    let mut faults = vec![Fault::None; n];
    for &i in &order[..faulty] {
        faults[i] = FAULTS[rng.below(FAULTS.len() as u64) as usize];
    }
    summary
        .cert_machines
        .iter()
        .zip(faults)
        .map(|((fqdn, _), f)| (fqdn.clone(), f))
        .collect()
}

/// SplitMix64: a tiny, fast, well-mixed PRNG; enough for reproducible test data.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    /// A generator for one named purpose, independent of the order values are drawn in.
    pub fn derive(seed: u64, parts: &[u64]) -> Self {
        let mut g = SplitMix64(seed);
        for &p in parts {
            let v = g.next_u64();
            g = SplitMix64(v ^ p.wrapping_mul(0xA076_1D64_78BD_642F));
        }
        g
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform-ish value in `0..n` (multiply-shift; `n` must be non-zero).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

/// A version-4 style GUID derived from the seed and a purpose.
struct Guid(u128);

impl Guid {
    fn new(seed: u64, parts: &[u64]) -> Guid {
        let mut g = SplitMix64::derive(seed, parts);
        let v = (u128::from(g.next_u64()) << 64) | u128::from(g.next_u64());
        let v = (v & !(0xF << 76)) | (0x4 << 76);
        let v = (v & !(0xC << 60)) | (0x8 << 60);
        Guid(v)
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        write!(
            f,
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            (v >> 96) as u32,
            (v >> 80) as u16,
            (v >> 64) as u16,
            (v >> 48) as u16,
            v & 0xFFFF_FFFF_FFFF
        )
    }
}

const NS_TOPOLOGY: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008";
const NS_ROLES: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008";
const NS_WEB: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.WebServices.2011";
const NS_BUILDER: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008";
const NS_WRITABLE: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008";
const NS_SIMPLE_URL: &str = "urn:schema:Microsoft.Rtc.Management.Settings.SimpleUrl.2008";
const TYPE_PREFIX: &str = "Microsoft.Rtc.Management.Deploy.Internal.ServiceRoles.";
const SQL_INSTANCE: &str = "rtc";

const CITIES: [(&str, &str, &str); 8] = [
    ("Reading", "Berkshire", "GB"),
    ("Lyon", "Rhone", "FR"),
    ("Oslo", "Oslo", "NO"),
    ("Austin", "TX", "US"),
    ("Leipzig", "Saxony", "DE"),
    ("Porto", "Porto", "PT"),
    ("Nagoya", "Aichi", "JP"),
    ("Perth", "WA", "AU"),
];

const WEB_COMPONENTS: [&str; 20] = [
    "ABHandler",
    "ABFiles",
    "AutodiscoverService",
    "CAHandler",
    "CAHandlerAnon",
    "CollabContent",
    "Cscp",
    "DataCollabWeb",
    "DeviceUpdateDownload",
    "DeviceUpdateStore",
    "Dialin",
    "LIService",
    "McxService",
    "Meet",
    "Reach",
    "StoreWeb",
    "UcwaService",
    "WebTicket",
    "PersistentChatWeb",
    "PersistentChatWebManager",
];

/// One port of a service: owner, usage, interface side, port, protocol, URL path.
type Port = (
    &'static str,
    &'static str,
    &'static str,
    u16,
    &'static str,
    &'static str,
);

const REGISTRAR_PORTS: [Port; 4] = [
    ("Registrar", "SipServer", "Primary", 5061, "Mtls", "/"),
    (
        "Registrar",
        "WebServer",
        "Primary",
        444,
        "Mtls",
        "/LiveServer/Focus/",
    ),
    ("WinFab", "WinFabFederation", "Primary", 5090, "Tcp", "/"),
    (
        "QoE",
        "SipServer",
        "Primary",
        5061,
        "Mtls",
        "/LiveServer/QoE/",
    ),
];
const USER_PORTS: [Port; 2] = [
    (
        "McuFactory",
        "WebServer",
        "Primary",
        444,
        "Mtls",
        "/LiveServer/McuFactory/",
    ),
    (
        "McuFactory",
        "WcfServer",
        "Primary",
        9001,
        "Tcp",
        "/LiveServer/ConfDirMgmt/",
    ),
];
const WEB_PORTS: [Port; 5] = [
    ("OCSWebSite", "WebSite", "External", 8080, "Http", "/"),
    ("OCSWebSite", "WebSite", "External", 4443, "Https", "/"),
    ("OCSWebSite", "WebSite", "Primary", 80, "Http", "/"),
    ("OCSWebSite", "WebSite", "Primary", 443, "Https", "/"),
    (
        "PersistentChatWebManager",
        "SipServer",
        "Primary",
        5095,
        "Mtls",
        "/",
    ),
];
const CONF_PORTS: [Port; 3] = [
    ("IMConf", "SipServer", "Primary", 5062, "Mtls", "/"),
    ("AVConf", "SipServer", "Primary", 5063, "Mtls", "/"),
    (
        "DataConf",
        "WebServer",
        "Primary",
        444,
        "Mtls",
        "/LiveServer/DataMcu/",
    ),
];
const EDGE_PORTS: [Port; 4] = [
    ("AccessEdge", "SipServer", "Internal", 5061, "Mtls", "/"),
    ("AccessEdge", "SipClient", "External", 5061, "Tls", "/"),
    ("MediaRelayEdge", "TURNServer", "External", 3478, "Udp", "/"),
    ("DataEdge", "PsomServer", "Internal", 8057, "Mtls", "/"),
];
const PCHAT_PORTS: [Port; 2] = [
    ("PersistentChat", "SipServer", "Primary", 5041, "Mtls", "/"),
    ("PersistentChat", "WcfServer", "Primary", 8011, "Tcp", "/"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PoolRole {
    FrontEnd(usize),
    Sql,
    FileStore,
    Edge,
    PersistentChat,
}

struct PoolSpec {
    role: PoolRole,
    /// `ClusterId/@Number`, 1-based within the site.
    number: usize,
    fqdn: String,
    /// Machine FQDNs; a single-machine pool's machine has the pool FQDN.
    machines: Vec<String>,
}

#[derive(Clone, Copy)]
enum Body {
    Plain,
    Registrar,
    Web(usize),
    Conf,
    FileStore,
}

struct ServiceSpec {
    role: &'static str,
    instance: usize,
    type_name: Option<&'static str>,
    /// Index into the site's pools, or `None` for the site's SQL instance.
    on_pool: Option<usize>,
    deps: Vec<usize>,
    ports: &'static [Port],
    body: Body,
}

/// The shape of one site; recomputed on each pass so nothing grows with the output size.
struct SiteLayout {
    id: usize,
    pools: Vec<PoolSpec>,
    sql_pool: usize,
    services: Vec<ServiceSpec>,
}

impl SiteLayout {
    fn new(o: &SynthOptions, site: usize) -> SiteLayout {
        let d = &o.domain;
        let mut pools = Vec::new();
        let mut add = |role: PoolRole, fqdn: String, count: usize, host: &str| {
            let machines = if count == 1 {
                vec![fqdn.clone()]
            } else {
                (1..=count)
                    .map(|k| format!("{host}{k:02}.site{site}.{d}"))
                    .collect()
            };
            let number = pools.len() + 1;
            pools.push(PoolSpec {
                role,
                number,
                fqdn,
                machines,
            });
            number - 1
        };
        let k = o.machines_per_pool;
        let fe: Vec<usize> = (1..=o.pools_per_site)
            .map(|j| {
                add(
                    PoolRole::FrontEnd(j),
                    format!("pool{j:02}.site{site}.{d}"),
                    k,
                    &format!("fe{j:02}-"),
                )
            })
            .collect();
        let sql = add(PoolRole::Sql, format!("sql.site{site}.{d}"), 1, "sql");
        let fs = add(PoolRole::FileStore, format!("fs.site{site}.{d}"), 1, "fs");
        let edge = add(
            PoolRole::Edge,
            format!("edgepool.site{site}.{d}"),
            k,
            "edge",
        );
        let pchat = o.pchat.then(|| {
            add(
                PoolRole::PersistentChat,
                format!("pchatpool.site{site}.{d}"),
                k,
                "pchat",
            )
        });

        // Service indices: per Front End pool j (0-based) 4j..4j+3 = UserServices,
        // Registrar, WebServices, ConfServices; then the site-wide services.
        let m = fe.len();
        let (user_store, file_store, edge_svc) = (4 * m, 4 * m + 1, 4 * m + 2);
        let mut services = Vec::with_capacity(4 * m + 5);
        for (j, &pool) in fe.iter().enumerate() {
            let base = 4 * j;
            let svc = |role, type_name, deps, ports, body| ServiceSpec {
                role,
                instance: j + 1,
                type_name,
                on_pool: Some(pool),
                deps,
                ports,
                body,
            };
            services.push(svc(
                "UserServices",
                None,
                vec![user_store, file_store, base + 3],
                &USER_PORTS[..],
                Body::Plain,
            ));
            services.push(svc(
                "Registrar",
                Some("RegistrarService"),
                vec![base, base + 2, edge_svc],
                &REGISTRAR_PORTS[..],
                Body::Registrar,
            ));
            services.push(svc(
                "WebServices",
                Some("WebService"),
                vec![file_store, base],
                &WEB_PORTS[..],
                Body::Web(j + 1),
            ));
            services.push(svc(
                "ConfServices",
                Some("ConfService"),
                vec![file_store, base + 2, base, edge_svc],
                &CONF_PORTS[..],
                Body::Conf,
            ));
        }
        let single = |role, type_name, on_pool, deps, ports, body| ServiceSpec {
            role,
            instance: 1,
            type_name,
            on_pool,
            deps,
            ports,
            body,
        };
        services.push(single("UserStore", None, None, vec![], &[], Body::Plain));
        services.push(single(
            "FileStore",
            Some("FileStoreService"),
            Some(fs),
            vec![],
            &[],
            Body::FileStore,
        ));
        services.push(single(
            "EdgeServer",
            None,
            Some(edge),
            vec![1],
            &EDGE_PORTS[..],
            Body::Plain,
        ));
        if let Some(p) = pchat {
            let store = services.len();
            services.push(single(
                "PersistentChatStore",
                None,
                None,
                vec![],
                &[],
                Body::Plain,
            ));
            services.push(single(
                "PersistentChatService",
                None,
                Some(p),
                vec![store, file_store, 1],
                &PCHAT_PORTS[..],
                Body::Plain,
            ));
        }
        SiteLayout {
            id: site,
            pools,
            sql_pool: sql,
            services,
        }
    }

    fn record(&self, s: &mut SynthSummary) {
        s.sites += 1;
        s.pools += self.pools.len();
        s.machines += self.pools.iter().map(|p| p.machines.len()).sum::<usize>();
        s.sql_instances += 1;
        s.services += self.services.len();
    }

    fn cert_machines(&self, role: CertRole) -> impl Iterator<Item = (String, CertRole)> + '_ {
        self.pools
            .iter()
            .filter(move |p| match role {
                CertRole::FileTransfer => p.role == PoolRole::FrontEnd(1),
                CertRole::PersistentChat => p.role == PoolRole::PersistentChat,
            })
            .flat_map(move |p| p.machines.iter().map(move |m| (m.clone(), role)))
    }
}

/// Buffers formatted lines and writes them as UTF-8 or UTF-16LE.
struct Emitter<'w, W: Write> {
    w: &'w mut W,
    buf: String,
    utf16: bool,
    scratch: Vec<u8>,
    bytes: u64,
}

const FLUSH_AT: usize = 1 << 16;

impl<W: Write> Emitter<'_, W> {
    fn raw(&mut self, b: &[u8]) -> io::Result<()> {
        self.w.write_all(b)?;
        self.bytes += b.len() as u64;
        Ok(())
    }

    /// One line at `depth` levels of two-space indentation, ended by CRLF.
    fn line(&mut self, depth: usize, args: fmt::Arguments<'_>) -> io::Result<()> {
        for _ in 0..depth {
            self.buf.push_str("  ");
        }
        self.buf
            .write_fmt(args)
            .map_err(|_| io::Error::other("formatting failed"))?;
        self.buf.push_str("\r\n");
        if self.buf.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.utf16 {
            self.scratch.clear();
            for u in self.buf.encode_utf16() {
                self.scratch.extend_from_slice(&u.to_le_bytes());
            }
            let scratch = std::mem::take(&mut self.scratch);
            let r = self.raw(&scratch);
            self.scratch = scratch;
            r?;
        } else {
            let buf = std::mem::take(&mut self.buf);
            let r = self.raw(buf.as_bytes());
            self.buf = buf;
            r?;
        }
        self.buf.clear();
        Ok(())
    }
}

macro_rules! ln {
    ($e:expr, $depth:expr, $($arg:tt)*) => {
        $e.line($depth, format_args!($($arg)*))?
    };
}

/// Writes a topology to `w` and returns what it contains. Does not flush `w`.
///
/// Fails with `InvalidInput` when a count is zero, otherwise only on write errors.
pub fn write_topology(w: &mut impl Write, opts: &SynthOptions) -> io::Result<SynthSummary> {
    if opts.sites == 0 || opts.pools_per_site == 0 || opts.machines_per_pool == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "sites, pools per site and machines per pool must be at least 1",
        ));
    }
    let mut e = Emitter {
        w,
        buf: String::with_capacity(FLUSH_AT + 4096),
        utf16: opts.utf16,
        scratch: Vec::new(),
        bytes: 0,
    };
    if opts.utf16 {
        e.raw(&[0xFF, 0xFE])?;
    } else if opts.format == TopologyFormat::TopologyBuilder {
        e.raw(&[0xEF, 0xBB, 0xBF])?;
    }
    let mut summary = SynthSummary::default();
    match opts.format {
        TopologyFormat::Published => published(&mut e, opts, &mut summary)?,
        TopologyFormat::TopologyBuilder => builder(&mut e, opts, &mut summary)?,
    }
    e.flush()?;
    summary.bytes = e.bytes;
    if opts.pchat {
        for role in [CertRole::FileTransfer, CertRole::PersistentChat] {
            for s in 1..=opts.sites {
                let layout = SiteLayout::new(opts, s);
                summary.cert_machines.extend(layout.cert_machines(role));
            }
        }
    }
    Ok(summary)
}

fn site_name(
    o: &SynthOptions,
    site: usize,
) -> (String, (&'static str, &'static str, &'static str)) {
    let mut g = SplitMix64::derive(o.seed, &[7, site as u64]);
    let city = CITIES[g.below(CITIES.len() as u64) as usize];
    // Every fifth site's name needs an entity, as real names like "R&D" do.
    let name = if site.is_multiple_of(5) {
        format!("R&amp;D {} {site}", city.0)
    } else {
        format!("{} {site}", city.0)
    };
    (name, city)
}

fn ip(site: usize, pool: usize, machine: usize) -> String {
    format!("10.{}.{}.{}", site % 250, pool % 250, machine % 250 + 1)
}

fn machine_lines<W: Write>(
    e: &mut Emitter<'_, W>,
    depth: usize,
    l: &SiteLayout,
    p: &PoolSpec,
    i: usize,
) -> io::Result<()> {
    let sides: &[&str] = match p.role {
        PoolRole::Edge => &["Internal", "External"],
        PoolRole::FrontEnd(_) => &["Primary", "External", "Pstn"],
        _ => &["Primary"],
    };
    for side in sides {
        ln!(
            e,
            depth,
            r#"<NetInterface InterfaceSide="{side}" InterfaceNumber="1" IPAddress="{}" />"#,
            ip(l.id, p.number, i)
        );
    }
    Ok(())
}

fn ports<W: Write>(e: &mut Emitter<'_, W>, depth: usize, ports: &[Port]) -> io::Result<()> {
    if ports.is_empty() {
        ln!(e, depth, r#"<Ports xmlns="{NS_ROLES}" />"#);
        return Ok(());
    }
    ln!(e, depth, r#"<Ports xmlns="{NS_ROLES}">"#);
    for (owner, usage, side, port, proto, path) in ports {
        ln!(
            e,
            depth + 1,
            r#"<Port Owner="urn:component:{owner}" Usage="{usage}" InterfaceSide="{side}" InterfaceNumber="1" Port="{port}" Protocol="{proto}" UrlPath="{path}" AuthorizesRequests="false" />"#
        );
    }
    ln!(e, depth, "</Ports>");
    Ok(())
}

fn body<W: Write>(
    e: &mut Emitter<'_, W>,
    depth: usize,
    o: &SynthOptions,
    l: &SiteLayout,
    s: &ServiceSpec,
) -> io::Result<()> {
    let d = depth;
    match s.body {
        Body::Plain => {}
        Body::Registrar => ln!(
            e,
            d,
            r#"<RegistrarService xmlns="{NS_ROLES}" IsDirector="false" />"#
        ),
        Body::FileStore => ln!(
            e,
            d,
            r#"<FileStoreService xmlns="{NS_ROLES}" ShareName="share{}" />"#,
            l.id
        ),
        Body::Conf => {
            ln!(e, d, r#"<ConfService xmlns="{NS_ROLES}">"#);
            ln!(e, d + 1, "<MCUs>");
            for mcu in ["IMConf", "DataConf", "AppSharingConf", "AVConf"] {
                ln!(
                    e,
                    d + 2,
                    r#"<MCU ComponentName="{mcu}" Vendor="Microsoft" />"#
                );
            }
            ln!(e, d + 1, "</MCUs>");
            ln!(e, d, "</ConfService>");
        }
        Body::Web(j) => {
            let pool = s.on_pool.map_or("", |p| l.pools[p].fqdn.as_str());
            ln!(e, d, r#"<WebService xmlns="{NS_ROLES}">"#);
            ln!(e, d + 1, r#"<InternalSettings Host="{pool}" />"#);
            ln!(
                e,
                d + 1,
                r#"<ExternalSettings Host="webext{j:02}.site{}.{}">"#,
                l.id,
                o.domain
            );
            ln!(e, d + 2, "<OverrideUrls />");
            ln!(e, d + 1, "</ExternalSettings>");
            ln!(e, d + 1, r#"<WebComponents xmlns="{NS_WEB}">"#);
            for c in WEB_COMPONENTS {
                ln!(e, d + 2, r#"<Component ComponentName="{c}" />"#);
            }
            ln!(e, d + 1, "</WebComponents>");
            ln!(e, d, "</WebService>");
        }
    }
    Ok(())
}

fn type_attr(s: &ServiceSpec) -> String {
    s.type_name
        .map_or_else(String::new, |t| format!(r#" Type="{TYPE_PREFIX}{t}""#))
}

fn published<W: Write>(
    e: &mut Emitter<'_, W>,
    o: &SynthOptions,
    summary: &mut SynthSummary,
) -> io::Result<()> {
    let d = &o.domain;
    ln!(
        e,
        0,
        r#"<Topology xmlns="{NS_TOPOLOGY}" Signature="{}">"#,
        Guid::new(o.seed, &[0])
    );
    ln!(
        e,
        1,
        r#"<InternalDomains AllowAllDomains="false" DefaultDomain="{d}">"#
    );
    ln!(
        e,
        2,
        r#"<InternalDomain Name="{d}" Authoritative="false" AllowSubDomains="false" />"#
    );
    ln!(e, 1, "</InternalDomains>");
    ln!(e, 1, "<Sites>");
    for s in 1..=o.sites {
        let (name, (city, state, country)) = site_name(o, s);
        ln!(e, 2, r#"<CentralSite SiteId="{s}">"#);
        ln!(e, 3, "<Name>{name}</Name>");
        ln!(
            e,
            3,
            r#"<Location City="{city}" State="{state}" CountryCode="{country}" />"#
        );
        ln!(e, 2, "</CentralSite>");
    }
    ln!(e, 1, "</Sites>");
    ln!(e, 1, "<Clusters>");
    for s in 1..=o.sites {
        let l = SiteLayout::new(o, s);
        l.record(summary);
        for p in &l.pools {
            let replicated = matches!(p.role, PoolRole::FrontEnd(_) | PoolRole::Edge);
            ln!(
                e,
                2,
                r#"<Cluster RequiresReplication="{replicated}" RequiresSetup="{replicated}" Fqdn="{}">"#,
                p.fqdn
            );
            ln!(e, 3, r#"<ClusterId SiteId="{s}" Number="{}" />"#, p.number);
            for (i, m) in p.machines.iter().enumerate() {
                ln!(
                    e,
                    3,
                    r#"<Machine OrdinalInCluster="{}" Fqdn="{m}" FaultDomain="{m}" UpgradeDomain="{m}">"#,
                    i + 1
                );
                machine_lines(e, 4, &l, p, i)?;
                ln!(e, 3, "</Machine>");
            }
            ln!(e, 2, "</Cluster>");
        }
    }
    ln!(e, 1, "</Clusters>");
    ln!(e, 1, "<SqlInstances>");
    for s in 1..=o.sites {
        let l = SiteLayout::new(o, s);
        let sql = &l.pools[l.sql_pool];
        ln!(
            e,
            2,
            r#"<SqlInstance AlwaysOnPrimaryNodeFqdn="{}">"#,
            sql.fqdn
        );
        ln!(e, 3, r#"<SqlInstanceId Name="{SQL_INSTANCE}">"#);
        ln!(
            e,
            4,
            r#"<ClusterId SiteId="{s}" Number="{}" />"#,
            sql.number
        );
        ln!(e, 3, "</SqlInstanceId>");
        ln!(e, 2, "</SqlInstance>");
    }
    ln!(e, 1, "</SqlInstances>");
    ln!(e, 1, "<Services>");
    for s in 1..=o.sites {
        let l = SiteLayout::new(o, s);
        for svc in &l.services {
            ln!(
                e,
                2,
                r#"<Service RoleVersion="1" ServiceVersion="7"{}>"#,
                type_attr(svc)
            );
            ln!(
                e,
                3,
                r#"<ServiceId SiteId="{s}" RoleName="{}" Instance="{}" />"#,
                svc.role,
                svc.instance
            );
            if svc.deps.is_empty() {
                ln!(e, 3, "<DependsOn />");
            } else {
                ln!(e, 3, "<DependsOn>");
                for &dep in &svc.deps {
                    let t = &l.services[dep];
                    ln!(e, 4, r#"<Dependency Usage="Default">"#);
                    ln!(
                        e,
                        5,
                        r#"<ServiceId SiteId="{s}" RoleName="{}" Instance="{}" />"#,
                        t.role,
                        t.instance
                    );
                    ln!(e, 4, "</Dependency>");
                }
                ln!(e, 3, "</DependsOn>");
            }
            ln!(e, 3, "<InstalledOn>");
            match svc.on_pool {
                Some(p) => ln!(
                    e,
                    4,
                    r#"<ClusterId SiteId="{s}" Number="{}" />"#,
                    l.pools[p].number
                ),
                None => {
                    ln!(e, 4, r#"<SqlInstanceId Name="{SQL_INSTANCE}">"#);
                    ln!(
                        e,
                        5,
                        r#"<ClusterId SiteId="{s}" Number="{}" />"#,
                        l.pools[l.sql_pool].number
                    );
                    ln!(e, 4, "</SqlInstanceId>");
                }
            }
            ln!(e, 3, "</InstalledOn>");
            ports(e, 3, svc.ports)?;
            body(e, 3, o, &l, svc)?;
            ln!(e, 2, "</Service>");
        }
    }
    ln!(e, 1, "</Services>");
    ln!(e, 0, "</Topology>");
    Ok(())
}

fn builder<W: Write>(
    e: &mut Emitter<'_, W>,
    o: &SynthOptions,
    summary: &mut SynthSummary,
) -> io::Result<()> {
    let d = &o.domain;
    let seed = o.seed;
    let cluster_uid =
        |site: usize, number: usize| Guid::new(seed, &[1, site as u64, number as u64]);
    let sql_uid = |site: usize| Guid::new(seed, &[2, site as u64]);
    let service_uid = |site: usize, i: usize| Guid::new(seed, &[3, site as u64, i as u64]);
    let encoding = if o.utf16 { "utf-16" } else { "utf-8" };
    ln!(e, 0, r#"<?xml version="1.0" encoding="{encoding}"?>"#);
    ln!(
        e,
        0,
        r#"<TopologyBuilder IsFreeFromChanges="true" FileName="C:\Topologies\synthetic.tbxml" xmlns="{NS_BUILDER}">"#
    );
    ln!(e, 1, "<NewTopology>");
    ln!(
        e,
        2,
        r#"<PartialTopology IsPublished="false" Signature="{}" xmlns="{NS_WRITABLE}">"#,
        Guid::new(seed, &[0])
    );
    ln!(
        e,
        3,
        r#"<InternalDomains AllowAllDomains="false" DefaultDomain="{d}" xmlns="{NS_TOPOLOGY}">"#
    );
    ln!(
        e,
        4,
        r#"<InternalDomain Name="{d}" Authoritative="false" AllowSubDomains="false" />"#
    );
    ln!(e, 3, "</InternalDomains>");
    ln!(
        e,
        3,
        r#"<SimpleUrlConfiguration UseBackendDatabase="false" xmlns="{NS_SIMPLE_URL}">"#
    );
    for (component, host) in [("Dialin", "dialin"), ("Meet", "meet")] {
        ln!(
            e,
            4,
            r#"<SimpleUrl Component="{component}" Domain="*" ActiveUrl="https://{host}.{d}">"#
        );
        ln!(e, 5, r#"<SimpleUrlEntry Url="https://{host}.{d}" />"#);
        ln!(e, 4, "</SimpleUrl>");
    }
    ln!(e, 3, "</SimpleUrlConfiguration>");
    ln!(e, 3, "<CentralSites>");
    for s in 1..=o.sites {
        let l = SiteLayout::new(o, s);
        l.record(summary);
        let (name, (city, state, country)) = site_name(o, s);
        ln!(e, 4, r#"<CentralSite SiteId="{s}">"#);
        ln!(e, 5, r#"<Name xmlns="{NS_TOPOLOGY}">{name}</Name>"#);
        ln!(
            e,
            5,
            r#"<Location City="{city}" State="{state}" CountryCode="{country}" xmlns="{NS_TOPOLOGY}" />"#
        );
        ln!(e, 5, "<Clusters>");
        for p in &l.pools {
            let single = p.machines.len() == 1;
            let replicated = matches!(p.role, PoolRole::FrontEnd(_) | PoolRole::Edge);
            ln!(
                e,
                6,
                r#"<Cluster IsSingleMachineOnly="{single}" UniqueId="{}" RequiresReplication="{replicated}" RequiresSetup="{replicated}" Fqdn="{}">"#,
                cluster_uid(s, p.number),
                p.fqdn
            );
            ln!(e, 7, "<Machines>");
            if single {
                ln!(e, 8, "<Machine />");
            } else {
                for (i, m) in p.machines.iter().enumerate() {
                    ln!(
                        e,
                        8,
                        r#"<Machine Fqdn="{m}" FaultDomain="FaultDomain{0}" UpgradeDomain="UpgradeDomain{0}">"#,
                        i + 1
                    );
                    machine_lines(e, 9, &l, p, i)?;
                    ln!(e, 8, "</Machine>");
                }
            }
            ln!(e, 7, "</Machines>");
            if p.role == PoolRole::Sql {
                ln!(e, 7, "<SqlInstances>");
                ln!(
                    e,
                    8,
                    r#"<SqlInstance UniqueId="{}" Name="{SQL_INSTANCE}" />"#,
                    sql_uid(s)
                );
                ln!(e, 7, "</SqlInstances>");
            } else {
                ln!(e, 7, "<SqlInstances />");
            }
            ln!(e, 6, "</Cluster>");
        }
        ln!(e, 5, "</Clusters>");
        ln!(e, 5, "<RemoteSites />");
        ln!(e, 4, "</CentralSite>");
    }
    ln!(e, 3, "</CentralSites>");
    ln!(e, 3, "<Services>");
    for s in 1..=o.sites {
        let l = SiteLayout::new(o, s);
        for (i, svc) in l.services.iter().enumerate() {
            let on = match svc.on_pool {
                Some(p) => cluster_uid(s, l.pools[p].number),
                None => sql_uid(s),
            };
            ln!(
                e,
                4,
                r#"<Service UniqueId="{}" RoleName="{}" RoleVersion="1" InstalledOn="{on}" ServiceVersion="7"{}>"#,
                service_uid(s, i),
                svc.role,
                type_attr(svc)
            );
            if svc.deps.is_empty() {
                ln!(e, 5, "<DependsOn />");
            } else {
                ln!(e, 5, "<DependsOn>");
                for &dep in &svc.deps {
                    ln!(
                        e,
                        6,
                        r#"<Dependency ServiceUniqueId="{}" Usage="Default" />"#,
                        service_uid(s, dep)
                    );
                }
                ln!(e, 5, "</DependsOn>");
            }
            ports(e, 5, svc.ports)?;
            body(e, 5, o, &l, svc)?;
            ln!(e, 4, "</Service>");
        }
    }
    ln!(e, 3, "</Services>");
    ln!(e, 2, "</PartialTopology>");
    ln!(e, 1, "</NewTopology>");
    ln!(e, 0, "</TopologyBuilder>");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_version_4_and_stable() {
        let g = Guid::new(9, &[1, 2]).to_string();
        assert_eq!(g.len(), 36);
        assert_eq!(&g[14..15], "4");
        assert!(matches!(&g[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(g, Guid::new(9, &[1, 2]).to_string());
        assert_ne!(g, Guid::new(10, &[1, 2]).to_string());
    }

    #[test]
    fn certificate_plan_marks_the_requested_share() {
        let summary = SynthSummary {
            cert_machines: (0..10)
                .map(|i| (format!("m{i}"), CertRole::FileTransfer))
                .collect(),
            ..SynthSummary::default()
        };
        let plan = plan_certificates(&summary, 5, 0.2);
        assert_eq!(plan.iter().filter(|p| p.1 != Fault::None).count(), 2);
        assert_eq!(plan, plan_certificates(&summary, 5, 0.2));
        assert!(plan_certificates(&summary, 5, f64::NAN)
            .iter()
            .all(|p| p.1 == Fault::None));
        assert!(plan_certificates(&summary, 5, 7.0)
            .iter()
            .all(|p| p.1 != Fault::None));
    }
}
