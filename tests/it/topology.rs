//! Every sample and every reference topology parses into the expected servers and pool kinds.

use crate::support;

use std::collections::BTreeMap;
use topocert::graph::{PoolKind, ServerGraph};
use topocert::model::{Topology, TopologyFormat};

fn load(rel: &str) -> (Topology, ServerGraph) {
    let t = topocert::topology::load_path(&support::sample(rel)).expect("sample parses");
    let g = ServerGraph::build(&t);
    (t, g)
}

fn machines(t: &Topology) -> Vec<String> {
    t.machines.iter().map(|m| m.fqdn.to_string()).collect()
}

fn file_transfer(t: &Topology, g: &ServerGraph) -> Vec<String> {
    g.file_transfer_machines
        .iter()
        .map(|m| t.machines[m.0].fqdn.to_string())
        .collect()
}

fn pchat(t: &Topology, g: &ServerGraph) -> Vec<String> {
    g.pchat_machines
        .iter()
        .map(|m| t.machines[m.0].fqdn.to_string())
        .collect()
}

fn kinds(t: &Topology, g: &ServerGraph) -> BTreeMap<String, PoolKind> {
    t.pools
        .iter()
        .enumerate()
        .map(|(i, p)| (p.fqdn.to_string(), g.pool_kinds[i]))
        .collect()
}

const ENTERPRISE_MACHINES: [&str; 17] = [
    "fe01.fabrikam.com",
    "fe02.fabrikam.com",
    "fe03.fabrikam.com",
    "dir01a.fabrikam.com",
    "dir01b.fabrikam.com",
    "edge01a.fabrikam.com",
    "edge01b.fabrikam.com",
    "sql01.fabrikam.com",
    "fs01.fabrikam.com",
    "owa01.fabrikam.com",
    "pc01.fabrikam.com",
    "pc02.fabrikam.com",
    "fe04.fabrikam.com",
    "fe05.fabrikam.com",
    "sql02.fabrikam.com",
    "fs02.fabrikam.com",
    "med02a.fabrikam.com",
];

#[test]
fn enterprise_sample_in_every_encoding_and_schema_gives_the_same_servers() {
    for rel in [
        "enterprise-multisite/topology.xml",
        "enterprise-multisite/topology.tbxml",
        "enterprise-multisite/topology-utf16le.xml",
    ] {
        let (t, g) = load(rel);
        assert_eq!(machines(&t), ENTERPRISE_MACHINES, "{rel}");
        assert_eq!(
            file_transfer(&t, &g),
            [
                "fe01.fabrikam.com",
                "fe02.fabrikam.com",
                "fe03.fabrikam.com"
            ],
            "{rel}"
        );
        assert_eq!(
            pchat(&t, &g),
            ["pc01.fabrikam.com", "pc02.fabrikam.com"],
            "{rel}"
        );
        let k = kinds(&t, &g);
        assert_eq!(k["pool01.fabrikam.com"], PoolKind::FrontEnd, "{rel}");
        assert_eq!(k["pool02.fabrikam.com"], PoolKind::FrontEnd, "{rel}");
        assert_eq!(k["dir01.fabrikam.com"], PoolKind::Director, "{rel}");
        assert_eq!(k["pchat01.fabrikam.com"], PoolKind::PersistentChat, "{rel}");
        assert_eq!(k["edgepool01.fabrikam.com"], PoolKind::Edge, "{rel}");
        assert_eq!(k["med02.fabrikam.com"], PoolKind::Mediation, "{rel}");
        assert_eq!(k["sql01.fabrikam.com"], PoolKind::Sql, "{rel}");
        assert_eq!(k["fs01.fabrikam.com"], PoolKind::FileStore, "{rel}");
        assert_eq!(k["owa01.fabrikam.com"], PoolKind::OfficeWebApps, "{rel}");
        assert_eq!(t.sites.len(), 2);
        assert_eq!(t.sites[1].name.as_deref(), Some("Dublin"));
        assert!(t.problems.is_empty(), "{rel}: {:?}", t.problems);
        assert_eq!(g.pchat_links.len(), 1);
    }
    let (t, _) = load("enterprise-multisite/topology.tbxml");
    assert_eq!(t.format, TopologyFormat::TopologyBuilder);
    assert_eq!(t.found_at, "/TopologyBuilder/NewTopology/PartialTopology");
    let (t, _) = load("enterprise-multisite/topology-utf16le.xml");
    assert_eq!(t.source.encoding, "UTF-16LE");
}

#[test]
fn standard_edition_with_collocated_persistent_chat() {
    for rel in [
        "standard-edition/topology.xml",
        "standard-edition/topology-utf8bom.xml",
        "standard-edition/topology-utf16be.xml",
        "nested/config-export.xml",
    ] {
        let (t, g) = load(rel);
        assert_eq!(
            machines(&t),
            [
                "lyncse01.fabrikam.com",
                "fs01.fabrikam.com",
                "owa01.fabrikam.com",
                "edge01.fabrikam.com"
            ],
            "{rel}"
        );
        assert_eq!(file_transfer(&t, &g), ["lyncse01.fabrikam.com"], "{rel}");
        assert_eq!(pchat(&t, &g), ["lyncse01.fabrikam.com"], "{rel}");
        assert_eq!(kinds(&t, &g)["lyncse01.fabrikam.com"], PoolKind::FrontEnd);
    }
    let (t, _) = load("nested/config-export.xml");
    assert_eq!(t.found_at, "/Configuration/DocumentSet/Document/Topology");
    let (t, _) = load("standard-edition/topology-utf16be.xml");
    assert_eq!(t.source.encoding, "UTF-16BE");
}

#[test]
fn persistent_chat_pool_without_web_services_pool_is_unassociated() {
    let (t, g) = load("unassociated-pchat/topology.xml");
    assert!(file_transfer(&t, &g).is_empty());
    assert_eq!(pchat(&t, &g), ["pc99.fabrikam.com"]);
    let un: Vec<_> = g
        .unassociated_pchat_pools()
        .map(|p| t.pools[p.0].fqdn.to_string())
        .collect();
    assert_eq!(un, ["pchat99.fabrikam.com"]);
}

#[test]
fn topology_without_persistent_chat_has_no_file_transfer_servers() {
    let (t, g) = load("no-persistent-chat/topology.xml");
    assert_eq!(machines(&t), ["lyncse02.fabrikam.com"]);
    // lyncse02 has PersistentChatWeb enabled, but no Persistent Chat service depends on it.
    assert!(file_transfer(&t, &g).is_empty());
    assert!(g.pchat_links.is_empty());
}

#[test]
fn fqdns_compare_case_insensitively_and_keep_their_case() {
    let (t, _) = load("enterprise-multisite/topology.xml");
    let m = t.machine_by_fqdn("FE01.Fabrikam.COM").expect("found");
    assert_eq!(t.machines[m.0].fqdn.as_str(), "fe01.fabrikam.com");
}

#[test]
fn service_identities_are_lync_style() {
    let (t, _) = load("enterprise-multisite/topology.xml");
    let ids: Vec<String> = (0..t.services.len())
        .map(|i| t.service_identity(topocert::model::ServiceIdx(i)))
        .collect();
    assert!(
        ids.contains(&"Registrar:pool01.fabrikam.com".to_string()),
        "{ids:?}"
    );
    assert!(
        ids.iter()
            .any(|i| i.starts_with("PersistentChatStore:sql01.fabrikam.com\\")),
        "{ids:?}"
    );
}

/// Machines and pool kinds expected in one reference topology.
type Expected = (Vec<&'static str>, Vec<(&'static str, PoolKind)>);

/// Expected machines and pool kinds of each reference topology, by file name.
fn reference_expectations() -> BTreeMap<&'static str, Expected> {
    use PoolKind::*;
    let mut m = BTreeMap::new();
    m.insert(
        "ibenbouzid-SkypeforBusiness_lab_V2-DefaultTopology_Skype-sfb2015.xml",
        (
            vec!["skypefe.contoso.com", "Edge.contoso.com"],
            vec![
                ("skypefe.contoso.com", FrontEnd),
                ("edge.contoso.com", Edge),
            ],
        ),
    );
    m.insert(
        "ibenbouzid-SkypeforBusiness_lab_V3-DefaultTopology_Skype-sfb2015.xml",
        (
            vec![
                "skypefe.contoso.com",
                "Edge.contoso.com",
                "sbc1.contoso.com",
            ],
            vec![
                ("skypefe.contoso.com", FrontEnd),
                ("edge.contoso.com", Edge),
                ("sbc1.contoso.com", Other),
            ],
        ),
    );
    m.insert(
        "rlevchenko-powershell-skype-DefaultTopology-sfb2015.xml",
        (
            vec![
                "SKYPE-FE-01.tenant.rlevchenko.com",
                "srv-sql-01.tenant.rlevchenko.com",
                "tenant.rlevchenko.com",
                "srv-owa-01.tenant.rlevchenko.com",
            ],
            vec![
                ("poolfe.tenant.rlevchenko.com", FrontEnd),
                ("srv-sql-01.tenant.rlevchenko.com", Sql),
                ("tenant.rlevchenko.com", FileStore),
                ("srv-owa-01.tenant.rlevchenko.com", OfficeWebApps),
            ],
        ),
    );
    m.insert(
        "sfbautomatedlab-contoso-sfb2015.tbxml",
        (
            vec![
                "xfrontend1.contoso.com",
                "xfrontend2.contoso.com",
                "xfrontend3.contoso.com",
                "xfrontend4.contoso.com",
                "xedge1.contoso.com",
                "xedge2.contoso.com",
                "xedge3.contoso.com",
                "xOffice1.contoso.com",
                "xSQL1.contoso.com",
                "xFile1.contoso.com",
                "xFile2.contoso.com",
            ],
            vec![
                ("frontendpool.contoso.com", FrontEnd),
                ("edgepool.contoso.com", Edge),
                ("xoffice1.contoso.com", OfficeWebApps),
                ("xsql1.contoso.com", Sql),
                ("xfile1.contoso.com", FileStore),
            ],
        ),
    );
    m
}

#[test]
fn every_reference_topology_parses_with_expected_servers() {
    let dir = support::reference_dir();
    if !support::available("../shared/reference-topologies/", dir.is_some()) {
        return;
    }
    let dir = dir.expect("checked above");
    let expected = reference_expectations();
    let mut seen = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("listable")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let t = topocert::topology::load_path(&entry.path().to_string_lossy())
            .unwrap_or_else(|e| panic!("{name}: {:?}", miette::Report::new(e)));
        let g = ServerGraph::build(&t);
        assert!(t.problems.is_empty(), "{name}: {:?}", t.problems);
        assert!(!t.machines.is_empty(), "{name}: no machines");
        // None of the public lab topologies runs Persistent Chat.
        assert!(g.file_transfer_machines.is_empty(), "{name}");
        if let Some((machines_exp, kinds_exp)) = expected.get(name.as_str()) {
            assert_eq!(machines(&t), *machines_exp, "{name}");
            let k: BTreeMap<String, PoolKind> = kinds(&t, &g)
                .into_iter()
                .map(|(f, k)| (f.to_ascii_lowercase(), k))
                .collect();
            for (pool, kind) in kinds_exp {
                assert_eq!(k.get(*pool), Some(kind), "{name}: {pool}");
            }
            seen += 1;
        } else {
            eprintln!(
                "{name}: parsed, {} machines (no expectations recorded)",
                t.machines.len()
            );
        }
    }
    assert_eq!(
        seen,
        expected.len(),
        "every expected reference file was found"
    );
}

#[test]
fn rules_lab_and_unassociated_samples_list_their_machines_and_kinds() {
    let (t, g) = load("rules-lab/topology.xml");
    let mut expected: Vec<String> = (1..=12)
        .map(|i| format!("lab{i:02}.fabrikam.com"))
        .collect();
    expected.extend(
        [
            "labsql.fabrikam.com",
            "labfs.fabrikam.com",
            "labpc01.fabrikam.com",
        ]
        .map(String::from),
    );
    assert_eq!(machines(&t), expected);
    assert_eq!(file_transfer(&t, &g).len(), 12);
    assert_eq!(pchat(&t, &g), ["labpc01.fabrikam.com"]);
    let k = kinds(&t, &g);
    assert_eq!(k["labpool.fabrikam.com"], PoolKind::FrontEnd);
    assert_eq!(k["labchat.fabrikam.com"], PoolKind::PersistentChat);
    assert_eq!(k["labsql.fabrikam.com"], PoolKind::Sql);
    assert_eq!(k["labfs.fabrikam.com"], PoolKind::FileStore);

    let (t, g) = load("unassociated-pchat/topology.xml");
    assert_eq!(
        machines(&t),
        [
            "fe09.fabrikam.com",
            "sql09.fabrikam.com",
            "fs09.fabrikam.com",
            "pc99.fabrikam.com"
        ]
    );
    let k = kinds(&t, &g);
    assert_eq!(k["pool09.fabrikam.com"], PoolKind::FrontEnd);
    assert_eq!(k["pchat99.fabrikam.com"], PoolKind::PersistentChat);
}

/// The enterprise sample as a deployment template would ship it: placeholders in a site name, a
/// pool, a machine, a web services host and a simple URL.
fn template() -> String {
    support::read(std::path::Path::new(&support::sample(
        "enterprise-multisite/topology.xml",
    )))
    .replace("<Name>Dublin</Name>", "<Name>{{ second_site }}</Name>")
    .replace(
        "Fqdn=\"pool02.fabrikam.com\"",
        "Fqdn=\"%POOL2%.fabrikam.com\"",
    )
    .replace("Fqdn=\"fe01.fabrikam.com\"", "Fqdn=\"$SkypeFQDN\"")
    .replace("Host=\"webint01.fabrikam.com\"", "Host=\"${WebInt}\"")
    .replace(
        "ActiveUrl=\"https://meet.fabrikam.com\"",
        "ActiveUrl=\"https://meet.$(SipDomain)\"",
    )
}

#[test]
fn unexpanded_template_placeholders_are_warnings_naming_the_element() {
    let t = topocert::topology::load_text("template.xml", template(), "UTF-8").expect("reads");
    let found: Vec<(String, usize)> = t
        .problems
        .iter()
        .map(|p| {
            let line = match p {
                topocert::error::TopologyProblem::TemplatePlaceholder { at, .. } => {
                    t.source.line_col(at.offset()).0
                }
                other => panic!("unexpected problem {other}"),
            };
            (p.to_string(), line)
        })
        .collect();
    let want = [
        ("site {{ second_site }} contains the unexpanded template placeholder {{ second_site }}", 22),
        ("pool %POOL2%.fabrikam.com contains the unexpanded template placeholder %POOL2%", 88),
        ("machine $SkypeFQDN contains the unexpanded template placeholder $SkypeFQDN", 29),
        ("internal web services host ${WebInt} contains the unexpanded template placeholder ${WebInt}", 200),
        ("simple URL https://meet.$(SipDomain) contains the unexpanded template placeholder $(SipDomain)", 6),
    ];
    let want: Vec<(String, usize)> = want.iter().map(|(m, l)| (m.to_string(), *l)).collect();
    assert_eq!(found, want);
    // The rest of the topology is still read.
    assert_eq!(t.machines.len(), 17);
}

#[test]
fn a_template_placeholder_warning_points_at_the_element_on_the_command_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("template.xml"), template()).expect("write");
    let out = support::topocert()
        .current_dir(tmp.path())
        .args(["servers", "template.xml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let err = support::flat(&String::from_utf8_lossy(&out.stderr));
    // Each warning points at the placeholder itself, inside the element that holds it.
    assert!(
        err.contains(
            "topocert::template_placeholder machine $SkypeFQDN contains the unexpanded template \
             placeholder $SkypeFQDN ╭─[template.xml:29:43]"
        ),
        "{err}"
    );
    assert!(err.contains("Fqdn=\"$SkypeFQDN\""), "{err}");
    assert!(
        err.contains("╭─[template.xml:200:33] 199 </ExternalSettings> 200 <InternalSettings Host=\"${WebInt}\" /> in this internal web services host"),
        "{err}"
    );
    // At 100 columns (no terminal, no COLUMNS) every snippet line fits.
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        assert!(line.chars().count() <= 100, "{line}");
    }
}
