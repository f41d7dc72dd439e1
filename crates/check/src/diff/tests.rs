//! Unit tests of the matching: ids, order and case must not count as changes.

use super::*;

fn sample() -> String {
    let p = concat!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
        "/sample-topologies/enterprise-multisite/topology.xml"
    );
    // The sample has CRLF line ends; the edits below are written with LF.
    std::fs::read_to_string(p)
        .expect("sample readable")
        .replace("\r\n", "\n")
}

fn load(text: &str) -> (Topology, ServerGraph) {
    let t = crate::topology::load_text("t.xml", text.to_string(), "UTF-8").expect("loads");
    let g = ServerGraph::build(&t);
    (t, g)
}

fn diff_texts(old: &str, new: &str) -> TopologyDiff {
    let (ot, og) = load(old);
    let (nt, ng) = load(new);
    diff(
        Side {
            topology: &ot,
            graph: &og,
        },
        Side {
            topology: &nt,
            graph: &ng,
        },
    )
}

#[test]
fn renumbered_site_ids_are_no_change() {
    let old = sample();
    // Site 1 becomes 9 everywhere (sites, cluster ids, service ids).
    let new = old.replace("SiteId=\"1\"", "SiteId=\"9\"");
    assert_ne!(old, new);
    let d = diff_texts(&old, &new);
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn reordered_clusters_are_no_change() {
    let old = sample();
    let start = old
        .find("<Cluster RequiresReplication=\"true\" RequiresSetup=\"true\" Fqdn=\"pool02")
        .unwrap();
    let end = start + old[start..].find("</Cluster>").unwrap() + "</Cluster>".len();
    let block = &old[start..end];
    let first = old.find("<Cluster ").unwrap();
    let mut new = old.clone();
    new.replace_range(start..end, "");
    new.insert_str(first, &format!("{block}\n    "));
    assert_ne!(old, new);
    let d = diff_texts(&old, &new);
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn fqdn_case_is_no_change() {
    let old = sample();
    let new = old
        .replace("fe04.fabrikam.com", "FE04.Fabrikam.COM")
        .replace("pool02.fabrikam.com", "POOL02.fabrikam.com");
    let d = diff_texts(&old, &new);
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn renamed_server_is_removed_and_added() {
    let old = sample();
    let new = old.replace("fe04.fabrikam.com", "fe06.fabrikam.com");
    let d = diff_texts(&old, &new);
    let got: Vec<(Element, &str, char)> = d
        .changes
        .iter()
        .map(|c| (c.element, c.identity.as_str(), c.change.marker()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Element::Machine, "fe04.fabrikam.com", '-'),
            (Element::Machine, "fe06.fabrikam.com", '+'),
        ]
    );
    assert!(d.readiness.role_changes.is_empty());
}

#[test]
fn new_dependency_on_web_services_makes_file_transfer_servers() {
    let old = sample();
    // The Persistent Chat service also depends on the Dublin WebServices (pool02).
    let anchor = "<ServiceId SiteId=\"1\" RoleName=\"PersistentChatStore\" Instance=\"1\" />\n        </Dependency>";
    assert!(old.contains(anchor));
    let new = old.replacen(
        anchor,
        &format!("{anchor}\n        <Dependency Usage=\"Default\">\n          <ServiceId SiteId=\"2\" RoleName=\"WebServices\" Instance=\"1\" />\n        </Dependency>"),
        1,
    );
    let d = diff_texts(&old, &new);
    let services: Vec<&ElementChange> = d
        .changes
        .iter()
        .filter(|c| c.element == Element::Service)
        .collect();
    assert_eq!(services.len(), 1, "{d:#?}");
    let Change::Changed { fields, .. } = &services[0].change else {
        panic!("not a change: {:?}", services[0]);
    };
    assert_eq!(fields[0].field, "dependencies");
    assert_eq!(fields[0].added(), vec!["WebServices:pool02.fabrikam.com"]);
    let became: Vec<(&str, Option<CheckedKind>)> = d
        .readiness
        .role_changes
        .iter()
        .map(|c| (c.server.as_str(), c.new))
        .collect();
    assert_eq!(
        became,
        vec![
            ("fe04.fabrikam.com", Some(CheckedKind::FileTransfer)),
            ("fe05.fabrikam.com", Some(CheckedKind::FileTransfer)),
        ]
    );
    assert_eq!(d.readiness.serving_changes.len(), 1);
    assert_eq!(
        d.readiness.serving_changes[0].new.as_deref(),
        Some(
            &[
                "pool01.fabrikam.com".to_string(),
                "pool02.fabrikam.com".to_string()
            ][..]
        )
    );
}

#[test]
fn restricted_check_result_keeps_only_the_given_servers() {
    let (t, g) = load(&sample());
    let dir = std::path::PathBuf::from(concat!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
        "/sample-topologies/enterprise-multisite/certs"
    ));
    let store = crate::certs::load_dir(&dir).expect("certs");
    let options = crate::check::CheckOptions {
        sources: crate::check::CertSources::Folder(dir.clone()),
        now: crate::time::parse_rfc3339("2026-12-01T00:00:00Z").expect("time"),
        expiry_warn_days: 30,
    };
    // Two of the four certificates are from Fabrikam Issuing CA: no strict majority, so the CA
    // is given.
    let ca = dir.with_file_name("ca").join("fabrikam-issuing-ca.cer");
    let given = [crate::check::ca::GivenCa {
        certs: crate::certs::load_ca_file(&ca).expect("ca"),
        path: ca,
    }];
    let full = crate::checked::run_check(&t, &g, &store, &given, &options);
    let fe01 = t.machine_by_fqdn("fe01.fabrikam.com").expect("fe01");
    let pc02 = t.machine_by_fqdn("pc02.fabrikam.com").expect("pc02");
    let keep: BTreeSet<MachineIdx> = [fe01, pc02].into();
    let r = full.restricted_to(&keep);
    let servers: Vec<MachineIdx> = r.servers.iter().map(|s| s.machine).collect();
    assert_eq!(servers, vec![fe01, pc02]);
    // fe01 is fine, pc02 has no certificate: only pc02's finding remains.
    let rules: Vec<(&str, Option<MachineIdx>)> = r
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.machine()))
        .collect();
    assert_eq!(rules, vec![("missing-certificate", Some(pc02))]);
    assert!(full.findings.len() > r.findings.len());
    // Nothing kept: nothing left.
    let none = full.restricted_to(&BTreeSet::new());
    assert!(none.servers.is_empty() && none.findings.is_empty());
    // Servers stay in machine order, so the lookup by machine finds each one, in the full and
    // the restricted result, and nothing for a machine that is not checked.
    for res in [&full, &r] {
        for (i, s) in res.servers.iter().enumerate() {
            assert_eq!(res.server_index(s.machine), Some(i));
        }
    }
    assert_eq!(r.server(pc02).map(|s| s.machine), Some(pc02));
    let fe02 = t.machine_by_fqdn("fe02.fabrikam.com").expect("fe02");
    assert!(r.server(fe02).is_none() && full.server(fe02).is_some());
    let sql01 = t.machine_by_fqdn("sql01.fabrikam.com").expect("sql01");
    assert!(full.server(sql01).is_none());
}

#[test]
fn server_that_stops_serving_points_into_new_and_removed_one_into_old() {
    // Dropping PersistentChatWeb from pool01 makes fe01..fe03 stop serving file upload/download
    // (they stay in NEW); removing pc02 removes a Persistent Chat server (gone from NEW).
    let old = sample();
    let web = "<Component ComponentName=\"PersistentChatWeb\" />\n";
    let first = old.find(web).expect("PersistentChatWeb");
    let mut new = old.clone();
    new.replace_range(first..first + web.len(), "");
    let start = new
        .find("      <Machine OrdinalInCluster=\"2\" Fqdn=\"pc02.fabrikam.com\"")
        .expect("pc02");
    let end = start + new[start..].find("</Machine>\n").expect("end") + "</Machine>\n".len();
    new.replace_range(start..end, "");
    let d = diff_texts(&old, &new);
    let got: Vec<(&str, Option<CheckedKind>, bool)> = d
        .readiness
        .role_changes
        .iter()
        .map(|c| (c.server.as_str(), c.new, matches!(c.line, LineIn::New(_))))
        .collect();
    assert_eq!(
        got,
        vec![
            ("fe01.fabrikam.com", None, true),
            ("fe02.fabrikam.com", None, true),
            ("fe03.fabrikam.com", None, true),
            ("pc02.fabrikam.com", None, false),
        ]
    );
    assert_eq!(d.readiness.serving_changes.len(), 1);
    assert_eq!(d.readiness.serving_changes[0].new.as_deref(), Some(&[][..]));
}

#[test]
fn identities_keep_the_first_element_of_each_in_document_order() {
    let ids = super::first_of(["k", "a", "k", "b"]);
    assert_eq!(ids.place.get("k"), Some(&0));
    assert_eq!(ids.place.get("b"), Some(&2));
    assert_eq!(ids.order, [("k", 0), ("a", 1), ("b", 3)]);
}

/// Matching place by place first gives what looking every identity up gives, whatever was
/// added, removed or moved.
#[test]
fn matching_is_the_same_as_looking_every_identity_up() {
    let old = ["a", "b", "c", "d", "e", "f", "g"];
    let cases: [&[&str]; 8] = [
        &["a", "b", "c", "d", "e", "f", "g"],
        &["a", "b", "d", "e", "f", "g"],
        &["a", "b", "x", "c", "d", "e", "f", "g"],
        &["g", "f", "e", "d", "c", "b", "a"],
        &["b", "a", "c", "y", "e", "d", "g", "z"],
        &[],
        &["x", "y"],
        &["c", "a", "b", "c", "g"],
    ];
    let o = super::first_of(old);
    for new in cases {
        let n = super::first_of(new.iter().copied());
        let m = super::matching(&o, &n);
        let want: Vec<Option<usize>> = o
            .order
            .iter()
            .map(|(k, _)| n.place.get(k).copied())
            .collect();
        assert_eq!(m.new_of_old, want, "{new:?}");
        let back: Vec<Option<usize>> = n
            .order
            .iter()
            .map(|(k, _)| o.place.get(k).copied())
            .collect();
        assert_eq!(m.old_of_new, back, "{new:?}");
    }
}
