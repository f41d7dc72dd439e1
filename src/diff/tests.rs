use super::*;

fn load(name: &str, xml: &str) -> (Topology, ServerGraph) {
    let t = crate::topology::load_text(name, xml.to_string(), "UTF-8").expect("loads");
    let g = ServerGraph::build(&t);
    (t, g)
}

fn run(a: &str, b: &str) -> TopologyDiff {
    let (o, og) = load("old", a);
    let (n, ng) = load("new", b);
    diff(
        Side {
            topology: &o,
            graph: &og,
        },
        Side {
            topology: &n,
            graph: &ng,
        },
    )
}

fn sample() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sample-topologies/enterprise-multisite/topology.xml"
    ))
    .expect("sample")
}

#[test]
fn same_topology_is_empty() {
    let s = sample();
    assert!(run(&s, &s).is_empty());
}

#[test]
fn fqdn_case_and_renumbered_ids_do_not_count() {
    let s = sample();
    let changed = s
        .replace("fe01.fabrikam.com", "FE01.Fabrikam.com")
        .replace("Number=\"1\"", "Number=\"91\"");
    let d = run(&s, &changed);
    assert!(d.is_empty(), "{d:?}");
}

#[test]
fn reordered_machines_do_not_count() {
    let s = sample();
    let a = "<Machine OrdinalInCluster=\"1\" Fqdn=\"dir01a.fabrikam.com\">";
    let b = "<Machine OrdinalInCluster=\"2\" Fqdn=\"dir01b.fabrikam.com\">";
    let swapped = s.replace(a, "@A@").replace(b, a).replace("@A@", b);
    assert_ne!(swapped, s);
    assert!(run(&s, &swapped).is_empty());
}

#[test]
fn renamed_server_is_added_and_removed() {
    let s = sample();
    let d = run(&s, &s.replace("fe02.fabrikam.com", "fe09.fabrikam.com"));
    assert_eq!(d.servers_added.len(), 1);
    assert_eq!(d.servers_added[0].fqdn, "fe09.fabrikam.com");
    assert_eq!(d.servers_removed[0].fqdn, "fe02.fabrikam.com");
    let r: Vec<_> = d
        .readiness
        .iter()
        .map(|r| (r.fqdn.as_str(), r.before, r.after))
        .collect();
    assert_eq!(
        r,
        vec![
            ("fe02.fabrikam.com", Some(CheckedKind::FileTransfer), None),
            ("fe09.fabrikam.com", None, Some(CheckedKind::FileTransfer)),
        ]
    );
    assert!(d.servers_to_verify().contains("fe09.fabrikam.com"));
    assert!(!d.servers_to_verify().contains("fe02.fabrikam.com"));
}

#[test]
fn removed_web_component_is_a_service_change() {
    let s = sample();
    let changed = s.replacen("<Component ComponentName=\"PersistentChatWeb\" />", "", 1);
    let d = run(&s, &changed);
    assert_eq!(d.services_changed.len(), 1);
    assert_eq!(
        d.services_changed[0].web_components_removed,
        vec!["PersistentChatWeb"]
    );
    assert_eq!(d.services_changed[0].service.pool, "pool01.fabrikam.com");
    assert!(!d.serving_pools.is_empty());
}
