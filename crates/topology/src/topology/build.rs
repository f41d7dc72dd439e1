//! Resolving raw records into the typed model: cluster, SQL instance and service references
//! become indices; unresolvable ones become [`TopologyProblem`]s and are dropped.

use super::scan::{RawServiceRef, RawTarget, RawTopology, Sym, Symbols};
use crate::error::TopologyProblem;
use crate::model::*;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

/// Builds the model. Never fails: problems are recorded in [`Topology::problems`].
pub fn build(source: SourceText, mut raw: RawTopology) -> Topology {
    let src = source.named_source();
    let mut problems = Vec::new();
    let missing = |element: &'static str, attribute: &'static str, span: Span| {
        TopologyProblem::MissingAttribute {
            element,
            attribute,
            src: src.clone(),
            at: span.into(),
        }
    };

    // Sites, found by the symbol of their id (an id no reference uses has none).
    let syms = std::mem::take(&mut raw.syms);
    let mut sites = Vec::new();
    let mut site_by_sym: HashMap<Sym, SiteIdx> = HashMap::with_capacity(raw.sites.len());
    let mut site_of_raw = Vec::with_capacity(raw.sites.len());
    for s in raw.sites {
        let Some(id) = s.id else {
            problems.push(missing("CentralSite", "SiteId", s.span));
            site_of_raw.push(None);
            continue;
        };
        let idx = SiteIdx(sites.len());
        if let Some(sym) = syms.get(&id) {
            site_by_sym.entry(sym).or_insert(idx);
        }
        site_of_raw.push(Some(idx));
        sites.push(Site {
            id,
            name: s.name.map(|n| n.trim().to_string()),
            span: s.span,
        });
    }

    // Pools and machines, in two passes. First, in document order, which clusters become pools
    // and which machines are kept (the first of a name wins, compared case-insensitively on
    // borrowed names), with the problems in the order of their elements.
    let text: &str = &source.text;
    let machine_count = raw.machines.len();
    let mut keep = Vec::with_capacity(machine_count);
    let mut is_pool = Vec::with_capacity(raw.clusters.len());
    let mut seen_machines: HashSet<Prehashed<'_>> = HashSet::with_capacity(machine_count);
    for c in &raw.clusters {
        // the scan made `Fqdn` required
        let pool_name = match &c.key {
            None => {
                problems.push(missing("Cluster", "ClusterId or UniqueId", c.span));
                None
            }
            Some(_) => Some(c.fqdn.as_str()),
        };
        is_pool.push(pool_name.is_some());
        let Some(pool_name) = pool_name else {
            continue;
        };
        for m in &raw.machines[c.machines.clone()] {
            let name = m.fqdn.as_ref().map_or(pool_name, Fqdn::as_str);
            let first = seen_machines.insert(Prehashed(m.name_hash, NoCase(name)));
            if !first {
                problems.push(TopologyProblem::DuplicateMachine {
                    fqdn: name.to_string(),
                    src: src.clone(),
                    at: m.span.into(),
                });
            }
            keep.push(first);
        }
    }
    drop(seen_machines);
    // Then the model, moving the names the scan made.
    let mut pools: Vec<Pool> = Vec::with_capacity(raw.clusters.len());
    let mut machines: Vec<Machine> = Vec::with_capacity(machine_count);
    let mut pool_of_raw = Vec::with_capacity(raw.clusters.len());
    let mut pool_syms = Vec::with_capacity(raw.clusters.len());
    let mut keep = keep.into_iter();
    let mut raw_machines = raw.machines.into_iter();
    for (c, is_pool) in raw.clusters.into_iter().zip(is_pool) {
        let pool_fqdn = c.fqdn;
        let cluster_machines = raw_machines.by_ref().take(c.machines.len());
        let (true, Some(key)) = (is_pool, c.key) else {
            cluster_machines.for_each(drop);
            pool_of_raw.push(None);
            continue;
        };
        let site = match (&key, c.syms) {
            (ClusterKey::Published { .. }, Some((site, _))) => site_by_sym.get(&site).copied(),
            (ClusterKey::Published { .. }, None) => None,
            (ClusterKey::Builder(_), _) => c.site_ctx.and_then(|i| site_of_raw[i]),
        };
        let idx = PoolIdx(pools.len());
        pool_of_raw.push(Some(idx));
        let mut pool_machines = Vec::with_capacity(c.machines.len());
        for m in cluster_machines {
            if !keep.next().unwrap_or(false) {
                continue;
            }
            pool_machines.push(MachineIdx(machines.len()));
            machines.push(Machine {
                // absent only in a Topology Builder single-machine cluster (checked by the scan)
                fqdn: m.fqdn.unwrap_or_else(|| pool_fqdn.clone()),
                pool: idx,
                span: m.span,
            });
        }
        pool_syms.push(c.syms);
        pools.push(Pool {
            fqdn: pool_fqdn,
            site,
            key,
            machines: pool_machines,
            services: Vec::new(),
            span: c.span,
        });
    }
    // The first pool with a key wins.
    let mut pool_by_key: HashMap<&ClusterKey, PoolIdx> = HashMap::with_capacity(pools.len());
    for (i, p) in pools.iter().enumerate() {
        pool_by_key.entry(&p.key).or_insert(PoolIdx(i));
    }

    // SQL instances.
    let mut sql_instances = Vec::new();
    let mut sql_by_key: HashMap<(&ClusterKey, String), SqlIdx> = HashMap::new();
    let mut sql_by_uid: HashMap<String, SqlIdx> = HashMap::new();
    for s in raw.sql {
        let pool = match (&s.cluster, s.cluster_ctx) {
            (Some(k), _) => pool_by_key.get(k).copied(),
            (None, Some(i)) => pool_of_raw[i],
            (None, None) => None,
        };
        let Some(pool) = pool else {
            problems.push(missing("SqlInstance", "ClusterId", s.span));
            continue;
        };
        let idx = SqlIdx(sql_instances.len());
        sql_by_key
            .entry((&pools[pool.0].key, s.name.to_ascii_lowercase()))
            .or_insert(idx);
        if let Some(uid) = s.unique_id {
            sql_by_uid.entry(uid.to_ascii_lowercase()).or_insert(idx);
        }
        sql_instances.push(SqlInstance {
            name: s.name,
            pool,
            span: s.span,
        });
    }
    let pool_by_uid: HashMap<String, PoolIdx> = pool_by_key
        .iter()
        .filter_map(|(k, v)| match k {
            ClusterKey::Builder(u) => Some((u.to_ascii_lowercase(), *v)),
            _ => None,
        })
        .collect();

    // Installed-on targets are looked up by symbols: the first pool with a key wins.
    let mut pool_by_ref: HashMap<(Sym, Sym), PoolIdx> = HashMap::with_capacity(pools.len());
    for (i, key) in pool_syms.iter().enumerate() {
        if let Some(key) = key {
            pool_by_ref.entry(*key).or_insert(PoolIdx(i));
        }
    }
    let mut pool_services = Vec::with_capacity(raw.services.len());

    // Services: first pass creates them, second resolves dependencies.
    let mut services: Vec<Service> = Vec::with_capacity(raw.services.len());
    let mut pending_deps = Vec::with_capacity(raw.services.len());
    let mut service_syms = Vec::with_capacity(raw.services.len());
    // the certificate ports of each service, in the order of the services (the scan's order)
    let mut raw_ports = raw.cert_ports.into_iter().peekable();
    let mut cert_ports = Vec::with_capacity(raw_ports.len());
    for (raw_index, s) in raw.services.into_iter().enumerate() {
        // ports of a service dropped for a missing identity are dropped with it
        while raw_ports.next_if(|(r, _)| *r < raw_index).is_some() {}
        let role_name = match (s.role_name, &s.key) {
            (Some(name), _) => Some(std::sync::Arc::from(name)),
            (None, Some(RawServiceRef::Published { role, .. })) => Some(syms.shared(*role)),
            (None, _) => None,
        };
        let (Some(role_name), Some(key)) = (role_name, s.key) else {
            problems.push(missing("Service", "RoleName/ServiceId or UniqueId", s.span));
            continue;
        };
        let installed_on = s.installed_on.as_ref().and_then(|t| match t {
            RawTarget::Cluster { site, number } => pool_by_ref
                .get(&(*site, *number))
                .copied()
                .map(InstalledOn::Pool),
            RawTarget::Sql(sql) => sql_by_key
                .get(&(&sql.0, sql.1.to_ascii_lowercase()))
                .copied()
                .map(InstalledOn::SqlInstance),
            RawTarget::UniqueId(u) => {
                let u = u.to_ascii_lowercase();
                pool_by_uid
                    .get(&u)
                    .copied()
                    .map(InstalledOn::Pool)
                    .or_else(|| sql_by_uid.get(&u).copied().map(InstalledOn::SqlInstance))
            }
        });
        if installed_on.is_none() {
            problems.push(TopologyProblem::DanglingInstalledOn {
                role: role_name.to_string(),
                target: describe_target(s.installed_on.as_ref(), &syms),
                src: src.clone(),
                at: s.span.into(),
            });
        }
        let pool = installed_on.map(|i| match i {
            InstalledOn::Pool(p) => p,
            InstalledOn::SqlInstance(q) => sql_instances[q.0].pool,
        });
        let published = match key {
            RawServiceRef::Published {
                site,
                role,
                instance,
            } => Some((site, role, instance)),
            RawServiceRef::Builder(_) => None,
        };
        let site = published
            .and_then(|(site, _, _)| site_by_sym.get(&site).copied())
            .or_else(|| pool.and_then(|p| pools[p.0].site));
        let instance = published.map(|(_, _, instance)| syms.shared(instance));
        let idx = ServiceIdx(services.len());
        service_syms.push(published);
        let key = normalize_service_key(key.to_key(text, &syms));
        if let Some(p) = pool {
            pool_services.push((p, idx));
        }
        pending_deps.push(s.deps);
        while let Some((_, port)) = raw_ports.next_if(|(r, _)| *r == raw_index) {
            cert_ports.push((idx, port));
        }
        services.push(Service {
            role: Role::from_name(&role_name),
            role_name,
            site,
            instance,
            key,
            installed_on,
            depends_on: Vec::new(),
            web: s.web,
            is_director: s.is_director,
            span: s.span,
        });
    }
    drop(pool_by_ref);
    for (p, idx) in pool_services {
        pools[p.0].services.push(idx);
    }
    // Dependencies are looked up by symbols (published) or borrowed ids (builder): the first
    // service with a key wins.
    let mut by_published: HashMap<(Sym, Sym, Sym), ServiceIdx> =
        HashMap::with_capacity(services.len());
    let mut by_uid: HashMap<&str, ServiceIdx> = HashMap::new();
    for (i, (s, published)) in services.iter().zip(&service_syms).enumerate() {
        match (published, &s.key) {
            (Some(key), _) => by_published.entry(*key).or_insert(ServiceIdx(i)),
            (None, ServiceKey::Builder(u)) => by_uid.entry(u).or_insert(ServiceIdx(i)),
            (None, ServiceKey::Published { .. }) => continue,
        };
    }
    let mut depends_on = Vec::with_capacity(services.len());
    for (i, deps) in pending_deps.into_iter().enumerate() {
        let mut found_deps = Vec::with_capacity(deps.len());
        for (dep, span) in &raw.deps[deps] {
            let span = *span;
            let found = match &dep {
                RawServiceRef::Published {
                    site,
                    role,
                    instance,
                } => by_published.get(&(*site, *role, *instance)).copied(),
                RawServiceRef::Builder(u) => {
                    let u = u.get(text);
                    if u.bytes().any(|b| b.is_ascii_uppercase()) {
                        by_uid.get(u.to_ascii_lowercase().as_str()).copied()
                    } else {
                        by_uid.get(u).copied()
                    }
                }
            };
            match found {
                Some(d) => found_deps.push(d),
                None => problems.push(TopologyProblem::DanglingDependency {
                    role: services[i].role_name.to_string(),
                    target: describe_service_key(&dep.to_key(text, &syms)),
                    src: src.clone(),
                    at: span.into(),
                }),
            }
        }
        depends_on.push(found_deps);
    }
    drop((by_published, by_uid));
    for (s, d) in services.iter_mut().zip(depends_on) {
        s.depends_on = d;
    }

    problems.extend(super::placeholder::problems(
        super::placeholder::Names {
            sites: &sites,
            pools: &pools,
            machines: &machines,
            services: &services,
            simple_urls: &raw.simple_urls,
        },
        &src,
    ));
    Topology {
        source,
        format: raw.format,
        found_at: raw.found_at,
        sites,
        pools,
        machines,
        sql_instances,
        services,
        simple_urls: raw.simple_urls,
        cert_port_tags: cert_ports,
        problems,
    }
}

/// A name with its hash taken by the scan (with [`RawTopology::name_hasher`]), so that a set of
/// names never reads the names again except to confirm a match.
#[derive(Debug, Clone, Copy)]
struct Prehashed<'a>(u64, NoCase<'a>);

impl PartialEq for Prehashed<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 && self.1 == other.1
    }
}
impl Eq for Prehashed<'_> {}
impl std::hash::Hash for Prehashed<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.0)
    }
}

fn normalize_service_key(k: ServiceKey) -> ServiceKey {
    match k {
        ServiceKey::Builder(mut u) => {
            u.make_ascii_lowercase();
            ServiceKey::Builder(u)
        }
        p => p,
    }
}

fn describe_service_key(k: &ServiceKey) -> String {
    match k {
        ServiceKey::Published {
            site,
            role,
            instance,
        } => format!("ServiceId(SiteId={site}, RoleName={role}, Instance={instance})"),
        ServiceKey::Builder(u) if u.is_empty() => "a service with no identity".into(),
        ServiceKey::Builder(u) => format!("service UniqueId {u}"),
    }
}

fn describe_cluster_key(k: &ClusterKey) -> String {
    match k {
        ClusterKey::Published { site, number } => {
            format!("ClusterId(SiteId={site}, Number={number})")
        }
        ClusterKey::Builder(u) => format!("cluster UniqueId {u}"),
    }
}

fn describe_target(t: Option<&RawTarget>, syms: &Symbols) -> String {
    match t {
        None => "nothing (no InstalledOn)".into(),
        Some(RawTarget::Cluster { site, number }) => describe_cluster_key(&ClusterKey::Published {
            site: syms.name(*site).to_string(),
            number: syms.name(*number).to_string(),
        }),
        Some(RawTarget::Sql(sql)) => {
            format!(
                "SQL instance '{}' on {}",
                sql.1,
                describe_cluster_key(&sql.0)
            )
        }
        Some(RawTarget::UniqueId(u)) => format!("UniqueId {u}"),
    }
}

#[cfg(test)]
mod tests {
    use crate::error::TopologyProblem;

    const NS: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008";

    fn load(dep_instance: &str) -> crate::model::Topology {
        load_on(dep_instance, "1")
    }

    fn load_on(dep_instance: &str, number: &str) -> crate::model::Topology {
        let xml = format!(
            r#"<Topology xmlns="{NS}"><Sites><CentralSite SiteId="1"><Name>S</Name></CentralSite></Sites>
<Clusters><Cluster Fqdn="fe.fabrikam.com"><ClusterId SiteId="1" Number="1"/><Machine Fqdn="fe.fabrikam.com"/></Cluster></Clusters>
<Services>
<Service RoleName="UserStore"><ServiceId SiteId="1" RoleName="UserStore" Instance="1"/><InstalledOn><ClusterId SiteId="1" Number="1"/></InstalledOn></Service>
<Service RoleName="Registrar"><ServiceId SiteId="1" RoleName="Registrar" Instance="1"/><DependsOn><Dependency><ServiceId SiteId="1" RoleName="UserStore" Instance="{dep_instance}"/></Dependency></DependsOn><InstalledOn><ClusterId SiteId="1" Number="{number}"/></InstalledOn></Service>
</Services></Topology>"#
        );
        crate::topology::load_text("t.xml", xml, "UTF-8").unwrap()
    }

    #[test]
    fn dependency_resolves_also_when_its_key_was_normalized() {
        for instance in ["1", "&#49;"] {
            let t = load(instance);
            assert!(t.problems.is_empty(), "{instance}: {:?}", t.problems);
            assert_eq!(t.services[1].depends_on, vec![crate::model::ServiceIdx(0)]);
        }
    }

    #[test]
    fn missing_dependency_is_named_in_the_problem() {
        let t = load("&#50;");
        assert!(t.services[1].depends_on.is_empty());
        match &t.problems[..] {
            [TopologyProblem::DanglingDependency { target, .. }] => assert_eq!(
                target,
                "ServiceId(SiteId=1, RoleName=UserStore, Instance=2)"
            ),
            other => panic!("expected one dangling dependency, got {other:?}"),
        }
    }

    #[test]
    fn the_first_machine_of_a_name_wins_whatever_its_case() {
        let xml = format!(
            r#"<Topology xmlns="{NS}"><Clusters>
<Cluster Fqdn="fe.fabrikam.com"><ClusterId SiteId="1" Number="1"/><Machine Fqdn="FE1.fabrikam.com"/><Machine Fqdn="fe1.Fabrikam.com."/></Cluster>
<Cluster Fqdn="Fe1.fabrikam.com"><ClusterId SiteId="1" Number="2"/><Machine Fqdn="Fe1.fabrikam.com"/></Cluster>
</Clusters></Topology>"#
        );
        let t = crate::topology::load_text("t.xml", xml, "UTF-8").unwrap();
        assert_eq!(t.machines.len(), 1);
        assert_eq!(t.machines[0].fqdn.as_str(), "FE1.fabrikam.com");
        assert_eq!(t.pools[1].machines, vec![]);
        let dups: Vec<&str> = t
            .problems
            .iter()
            .filter_map(|p| match p {
                TopologyProblem::DuplicateMachine { fqdn, .. } => Some(fqdn.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(dups, ["fe1.Fabrikam.com", "Fe1.fabrikam.com"]);
    }

    #[test]
    fn installed_on_resolves_also_when_its_key_was_normalized() {
        let t = load_on("1", "&#49;");
        assert!(t.problems.is_empty(), "{:?}", t.problems);
        assert_eq!(t.pools[0].services.len(), 2);
    }

    #[test]
    fn installed_on_a_missing_cluster_is_named_in_the_problem() {
        let t = load_on("1", "9");
        assert_eq!(t.pools[0].services.len(), 1);
        match &t.problems[..] {
            [TopologyProblem::DanglingInstalledOn { target, .. }] => {
                assert_eq!(target, "ClusterId(SiteId=1, Number=9)")
            }
            other => panic!("expected one dangling InstalledOn, got {other:?}"),
        }
    }
}
