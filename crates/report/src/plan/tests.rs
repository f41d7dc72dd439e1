//! Unit tests of the plan: names, reasons, deduplication, readiness, request files.

use super::*;
use crate::check::ca::CaResolution;
use crate::graph::ServerGraph;
use crate::model::{Fqdn, Span, Topology};
use crate::required::NameList;

fn sample(rel: &str) -> (Topology, ServerGraph) {
    let path = format!(
        "{}/sample-topologies/{rel}",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../..")
    );
    let topo = crate::topology::load_path(&path).expect("sample loads");
    let graph = ServerGraph::build(&topo);
    (topo, graph)
}

fn plan_of(rel: &str) -> Plan {
    let (t, g) = sample(rel);
    build(&t, &g, IssuingCa::from_resolution(&CaResolution::Unknown))
}

fn server<'a>(p: &'a Plan, fqdn: &str) -> &'a ServerPlan {
    p.servers
        .iter()
        .find(|s| s.fqdn.as_str() == fqdn)
        .unwrap_or_else(|| panic!("{fqdn} not planned"))
}

#[test]
fn front_end_server_needs_machine_pool_web_and_simple_urls_with_reasons() {
    let p = plan_of("enterprise-multisite/topology.xml");
    let fe01 = server(&p, "fe01.fabrikam.com");
    assert_eq!(
        fe01.dns_names(),
        [
            "fe01.fabrikam.com",
            "pool01.fabrikam.com",
            "webint01.fabrikam.com",
            "webext01.fabrikam.com",
            "meet.fabrikam.com",
            "dialin.fabrikam.com",
            "admin.fabrikam.com"
        ]
    );
    let sources: Vec<NameSource> = fe01.names.iter().map(|n| n.reason.source).collect();
    assert_eq!(
        sources,
        [
            NameSource::MachineFqdn,
            NameSource::FrontEndPool,
            NameSource::InternalWebServices,
            NameSource::ExternalWebServices,
            NameSource::SimpleUrl,
            NameSource::SimpleUrl,
            NameSource::SimpleUrl
        ]
    );
    assert_eq!(
        (fe01.names[0].reason.line, fe01.names[0].reason.column),
        (29, 7)
    );
    assert_eq!(fe01.subject(), "CN=fe01.fabrikam.com");
}

#[test]
fn front_end_servers_of_the_other_pool_are_not_planned() {
    let p = plan_of("enterprise-multisite/topology.xml");
    assert!(p
        .servers
        .iter()
        .all(|s| s.fqdn.as_str() != "fe04.fabrikam.com"));
    assert_eq!(p.servers.len(), 5);
}

#[test]
fn persistent_chat_server_of_a_multi_server_pool_needs_the_pool_fqdn() {
    let p = plan_of("enterprise-multisite/topology.xml");
    let pc01 = server(&p, "pc01.fabrikam.com");
    assert_eq!(
        pc01.dns_names(),
        ["pc01.fabrikam.com", "pchat01.fabrikam.com"]
    );
    assert_eq!(pc01.names[1].reason.source, NameSource::PersistentChatPool);
}

#[test]
fn persistent_chat_server_alone_in_its_pool_needs_only_its_fqdn() {
    let p = plan_of("unassociated-pchat/topology.xml");
    assert_eq!(
        server(&p, "pc99.fabrikam.com").dns_names(),
        ["pc99.fabrikam.com"]
    );
    // No web names or simple URLs for a server that is not a file upload/download server.
    assert!(p.servers[0]
        .names
        .iter()
        .all(|n| n.reason.source == NameSource::MachineFqdn));
}

#[test]
fn repeated_names_are_merged_case_insensitively_with_also_required_by() {
    let p = plan_of("standard-edition/topology.xml");
    let se = server(&p, "lyncse01.fabrikam.com");
    let first = &se.names[0];
    assert_eq!(first.name.as_str(), "lyncse01.fabrikam.com");
    assert_eq!(first.also_required_by.len(), 1);
    assert_eq!(first.also_required_by[0].source, NameSource::FrontEndPool);
    let mut list = NameList::default();
    let (t, _) = sample("standard-edition/topology.xml");
    list.add(
        &t,
        &Fqdn::new("Meet.Fabrikam.com"),
        NameSource::SimpleUrl,
        "a".into(),
        Span::default(),
    );
    list.add(
        &t,
        &Fqdn::new("meet.fabrikam.COM"),
        NameSource::SimpleUrl,
        "b".into(),
        Span::default(),
    );
    list.add(
        &t,
        &Fqdn::new("dialin.fabrikam.com"),
        NameSource::SimpleUrl,
        "c".into(),
        Span::default(),
    );
    assert_eq!(list.0.len(), 2);
    assert_eq!(list.0[0].name.as_str(), "Meet.Fabrikam.com");
    assert_eq!(list.0[0].also_required_by[0].element, "b");
    assert!(list.0[1].also_required_by.is_empty());
}

#[test]
fn no_persistent_chat_means_an_empty_plan() {
    assert!(plan_of("no-persistent-chat/topology.xml")
        .servers
        .is_empty());
}

#[test]
fn inf_uses_crlf_and_lists_every_name() {
    let p = plan_of("enterprise-multisite/topology.xml");
    let inf = files::certreq_inf(server(&p, "pc01.fabrikam.com"));
    assert!(inf.contains("Subject = \"CN=pc01.fabrikam.com\"\r\n"));
    assert!(inf.contains("_continue_ = \"dns=pchat01.fabrikam.com&\"\r\n"));
    assert!(inf.contains("OID = 1.3.6.1.5.5.7.3.1"));
    assert!(
        !inf.replace("\r\n", "").contains('\n'),
        "only CRLF line ends"
    );
}

#[test]
fn request_files_refuse_a_name_that_is_not_a_dns_name() {
    let mut p = plan_of("unassociated-pchat/topology.xml");
    p.servers[0].names[0].name = Fqdn::new("pc99\"\n[evil]");
    let dir = tempfile::tempdir().expect("tempdir");
    let err = files::write_dir(&p, dir.path()).expect_err("unsafe name refused");
    assert!(
        matches!(err, files::PlanFilesError::UnsafeName { .. }),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
    // The same plan with DNS names is written.
    let ok = plan_of("unassociated-pchat/topology.xml");
    assert_eq!(
        files::write_dir(&ok, dir.path())
            .expect("written")
            .files
            .len(),
        3
    );
}

/// Past the names searched one by one, repeats are still merged (through the index), whatever
/// their case.
#[test]
fn many_names_are_merged_like_a_few() {
    let (t, _) = sample("standard-edition/topology.xml");
    let mut list = NameList::default();
    for round in 0..3 {
        for i in 0..40 {
            let name = if round == 1 {
                format!("Host{i}.Fabrikam.COM")
            } else {
                format!("host{i}.fabrikam.com")
            };
            list.add(
                &t,
                &Fqdn::new(&name),
                NameSource::SimpleUrl,
                format!("{round}"),
                Span::default(),
            );
        }
    }
    assert_eq!(list.0.len(), 40);
    for (i, n) in list.0.iter().enumerate() {
        assert_eq!(n.name.as_str(), format!("host{i}.fabrikam.com"));
        assert_eq!(n.also_required_by.len(), 2, "{i}");
        assert_eq!(n.also_required_by[0].element, "1");
    }
}
