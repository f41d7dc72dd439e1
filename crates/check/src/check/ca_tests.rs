//! The reference CA verdict against generated PKIs: undecidable chains are `unknown`, names
//! compare as RFC 5280 §7.1 says, and messages name only the checks that ran.

use crate::finding::Effect;
use crate::test_pki::*;
use rcgen::string::PrintableString;
use rcgen::{DistinguishedName, DnType, DnValue};

/// The rule and effect of every CA finding about a server.
fn ca_findings(r: &crate::check::CheckResult) -> Vec<(&'static str, Effect)> {
    r.findings
        .iter()
        .filter(|f| {
            f.rule == crate::rules::foreign_ca::ID
                || f.rule == crate::rules::missing_intermediate::ID
        })
        .map(|f| (f.rule.as_str(), f.effect))
        .collect()
}

fn se_folder(leaf: &[u8]) -> Folder {
    Folder::new().file("lyncse01.fabrikam.com.cer", leaf)
}

#[test]
fn three_tiers_without_any_intermediate_are_unknown_with_the_root_or_the_policy_ca() {
    let pki = AdCsPki::new();
    let leaf = pki.leaf(&Leaf::se());
    for reference in [&pki.root, &pki.policy] {
        let r = run(
            "standard-edition/topology.xml",
            &se_folder(&leaf),
            &given(&[reference]),
        );
        assert_eq!(
            ca_findings(&r),
            [("missing-intermediate", Effect::Undecided)],
            "{:?}",
            rules(&r)
        );
        let m = message(&r, "missing-intermediate");
        let kid = crate::certs::key_id_hex(
            pki.issuing
                .cert()
                .subject_key_id
                .as_deref()
                .expect("key id"),
        );
        assert!(
            m.contains(&format!(
                "CN=Fabrikam Issuing CA 1, DC=fabrikam, DC=com (key id {kid})"
            )),
            "{m}"
        );
        assert!(m.contains("--ca"), "{m}");
        assert!(!m.contains("foreign") && !m.contains("reissue"), "{m}");
    }
}

#[test]
fn three_tiers_with_the_intermediates_pass_and_another_root_is_foreign() {
    let pki = AdCsPki::new();
    let leaf = pki.leaf(&Leaf::se());
    let folder = se_folder(&pem(&[&leaf, &pki.issuing.der, &pki.policy.der]));
    let r = run(
        "standard-edition/topology.xml",
        &folder,
        &given(&[&pki.root]),
    );
    assert_eq!(ca_findings(&r), []);
    // Another PKI whose chain is complete in the inputs: proven foreign.
    let other = AdCsPki::new();
    let folder = se_folder(&pem(&[
        &other.leaf(&Leaf::se()),
        &other.issuing.der,
        &other.policy.der,
        &other.root.der,
    ]));
    let r = run(
        "standard-edition/topology.xml",
        &folder,
        &given(&[&pki.root]),
    );
    assert_eq!(ca_findings(&r), [("foreign-ca", Effect::Blocks)]);
    assert!(
        message(&r, "foreign-ca").contains("chains to the root CN=Fabrikam Root CA"),
        "{}",
        message(&r, "foreign-ca")
    );
}

#[test]
fn an_issuing_ca_that_issues_servers_itself_makes_another_issuer_foreign() {
    let pki = AdCsPki::new();
    let other = intermediate("Contoso Issuing CA", &root("Contoso Root CA"));
    // The reference (issuing CA 1) issued a certificate in the folder; the server's is from
    // another issuing CA whose certificate is nowhere.
    let folder = se_folder(&Leaf::se().signed_by(&other)).file(
        "other/fe99.fabrikam.com.cer",
        &pki.leaf(&Leaf::good("fe99.fabrikam.com", &[])),
    );
    let r = run(
        "standard-edition/topology.xml",
        &folder,
        &given(&[&pki.issuing]),
    );
    assert_eq!(ca_findings(&r), [("foreign-ca", Effect::Blocks)]);
    assert!(
        message(&r, "foreign-ca").contains("issues server certificates itself"),
        "{}",
        message(&r, "foreign-ca")
    );
}

#[test]
fn an_issuer_name_in_another_string_type_case_and_spacing_is_the_same_name() {
    let mut printable = DistinguishedName::new();
    printable.push(
        DnType::OrganizationName,
        DnValue::PrintableString(PrintableString::try_from("FABRIKAM").expect("printable")),
    );
    printable.push(
        DnType::CommonName,
        DnValue::PrintableString(
            PrintableString::try_from("  fabrikam   ISSUING ca ").expect("printable"),
        ),
    );
    let ca = root_naming_itself("Fabrikam Issuing CA", printable);
    let leaf = Leaf::se().signed_by(&ca);
    let r = run(
        "standard-edition/topology.xml",
        &se_folder(&leaf),
        &given(&[&ca]),
    );
    assert_eq!(ca_findings(&r), [], "{:?}", rules(&r));
    // Another attribute type is another name: not decided (no certificate of that name).
    let mut other = DistinguishedName::new();
    other.push(DnType::OrganizationalUnitName, "Fabrikam");
    other.push(DnType::CommonName, "Fabrikam Issuing CA");
    let ca = root_naming_itself("Fabrikam Issuing CA", other);
    let r = run(
        "standard-edition/topology.xml",
        &se_folder(&Leaf::se().signed_by(&ca)),
        &given(&[&ca]),
    );
    assert_eq!(
        ca_findings(&r),
        [("missing-intermediate", Effect::Undecided)]
    );
}

#[test]
fn a_renewed_ca_key_is_unknown_and_no_message_claims_a_signature_check() {
    // Same name, new key: the reference is the old certificate; the server's certificate is
    // from the new key, whose CA certificate is nowhere.
    let old = root("Fabrikam Issuing CA");
    let new = root("Fabrikam Issuing CA");
    let r = run(
        "standard-edition/topology.xml",
        &se_folder(&Leaf::se().signed_by(&new)),
        &given(&[&old]),
    );
    assert_eq!(
        ca_findings(&r),
        [("missing-intermediate", Effect::Undecided)]
    );
    let m = message(&r, "missing-intermediate");
    assert!(m.contains("another key id"), "{m}");
    assert!(m.contains("no signature was checked"), "{m}");
    assert!(!m.contains("does not verify"), "{m}");
    // With the renewed CA certificate in the folder (a self-signed root of that name), the
    // inputs decide: another root.
    let r = run(
        "standard-edition/topology.xml",
        &se_folder(&pem(&[&Leaf::se().signed_by(&new), &new.der])),
        &given(&[&old]),
    );
    assert_eq!(ca_findings(&r), [("foreign-ca", Effect::Blocks)]);
    // Given both certificates, it passes.
    let r = run(
        "standard-edition/topology.xml",
        &se_folder(&Leaf::se().signed_by(&new)),
        &given(&[&old, &new]),
    );
    assert_eq!(ca_findings(&r), []);
}

/// A folder with one certificate per `(server, CA)`, each named after its server.
fn servers_from(pairs: &[(&str, &TestCa)]) -> Folder {
    pairs.iter().fold(Folder::new(), |f, (host, ca)| {
        let fqdn = format!("{host}.fabrikam.com");
        f.file(
            &format!("{fqdn}.cer"),
            &Leaf::good(&fqdn, &[]).signed_by(ca),
        )
    })
}

#[test]
fn only_a_strict_majority_of_internal_servers_names_the_inferred_ca() {
    use crate::check::ca::CaResolution;
    let (a, b, c) = (
        root("Fabrikam Issuing CA"),
        root("Contoso Public CA"),
        root("Other CA"),
    );
    // 2 of 4 (a tie) and 2 of 5 (a plurality): undecided, every candidate listed.
    for pairs in [
        vec![("fe01", &a), ("fe02", &a), ("fe03", &b), ("pc01", &b)],
        vec![
            ("fe01", &b),
            ("fe02", &b),
            ("fe03", &a),
            ("pc01", &c),
            ("pc02", &a),
        ],
    ] {
        let r = run(
            "enterprise-multisite/topology.xml",
            &servers_from(&pairs),
            &[],
        );
        match &r.reference_ca {
            CaResolution::Ambiguous { tied } => assert!(tied.len() >= 2, "{tied:?}"),
            other => panic!("{other:?}"),
        }
        assert!(
            rules(&r).contains(&"ambiguous-internal-ca"),
            "{:?}",
            rules(&r)
        );
        assert!(!rules(&r).contains(&"foreign-ca"), "{:?}", rules(&r));
    }
    // 3 of 5, counting an internal server that is not checked (dir01a): inferred.
    let pairs = [
        ("fe01", &a),
        ("fe02", &b),
        ("fe03", &b),
        ("dir01a", &a),
        ("pc02", &a),
    ];
    let r = run(
        "enterprise-multisite/topology.xml",
        &servers_from(&pairs),
        &[],
    );
    let cas = r.reference_ca.cas();
    assert_eq!(cas.len(), 1, "{:?}", r.reference_ca);
    assert_eq!(cas[0].subject, "CN=Fabrikam Issuing CA, O=Fabrikam");
    assert!(cas[0].how.contains("3 of the 5"), "{}", cas[0].how);
}

#[test]
fn a_renewed_ca_key_without_ca_or_any_ca_certificate_claims_no_signature_check() {
    let (old, new) = (root("Fabrikam Issuing CA"), root("Fabrikam Issuing CA"));
    let pairs = [
        ("fe01", &new),
        ("fe02", &new),
        ("fe03", &old),
        ("pc01", &new),
        ("pc02", &old),
    ];
    let r = run(
        "enterprise-multisite/topology.xml",
        &servers_from(&pairs),
        &[],
    );
    assert_eq!(r.reference_ca.cas().len(), 1, "{:?}", r.reference_ca);
    let undecided: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == crate::rules::missing_intermediate::ID)
        .collect();
    assert_eq!(undecided.len(), 2, "{:?}", rules(&r));
    for f in undecided {
        assert_eq!(f.effect, Effect::Undecided);
        assert!(
            f.message.contains("no signature was checked"),
            "{}",
            f.message
        );
        assert!(!f.message.contains("does not verify"), "{}", f.message);
    }
    assert!(!rules(&r).contains(&"foreign-ca"), "{:?}", rules(&r));
}
