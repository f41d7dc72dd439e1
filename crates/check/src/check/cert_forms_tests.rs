//! Every certificate file form, read and checked end to end.

use crate::certs::{ber, Certificate, PublicKey};

/// ECDSA P-256 and RSA 3072/4096 certificates, PEM bundles in either order, DER, and .p7b in DER,
/// PEM armour and BER all load, and a good certificate in any of them is ready.
#[test]
fn every_form_is_readable_and_ready_when_good() {
    use crate::test_pki::*;
    let ca = root("Fabrikam Issuing CA");
    let leaf = Leaf::se().signed_by(&ca);
    let bundle = p7b(&[&leaf, &ca.der]);
    let forms: Vec<(&str, Vec<u8>)> = vec![
        ("cer", pem(&[&leaf, &ca.der])),
        ("pem", pem(&[&ca.der, &leaf])),
        ("der", leaf.clone()),
        ("p7b", bundle.clone()),
        (
            "p7c",
            crate::test_pki::pem_block("PKCS7", &bundle).into_bytes(),
        ),
        ("p7b", ber::to_indefinite(&bundle).expect("BER")),
        (
            "p7c",
            crate::test_pki::pem_block("PKCS7", &ber::to_indefinite(&bundle).expect("BER"))
                .into_bytes(),
        ),
    ];
    for (ext, bytes) in &forms {
        let folder = Folder::new().file(&format!("lyncse01.fabrikam.com.{ext}"), bytes);
        let r = run("standard-edition/topology.xml", &folder, &given(&[&ca]));
        assert_eq!(rules(&r), Vec::<&str>::new(), "{ext}: {:?}", r.findings);
        assert!(r.servers[0].assignment().is_some(), "{ext}");
    }
    for rsa in [fixtures::RSA3072, fixtures::RSA4096] {
        let c = Certificate::from_der(rsa).expect("RSA fixture");
        assert!(matches!(c.key, PublicKey::Rsa { bits: 3072 | 4096 }));
        let ber = ber::to_indefinite(&p7b(&[rsa, fixtures::RSA_CA])).expect("BER");
        for (ext, bytes) in [("cer", rsa.to_vec()), ("p7b", ber)] {
            let folder = Folder::new().file(&format!("lyncse01.fabrikam.com.{ext}"), &bytes);
            let r = run(
                "standard-edition/topology.xml",
                &folder,
                &given_der(&[fixtures::RSA_CA]),
            );
            assert_eq!(rules(&r), Vec::<&str>::new(), "{ext}: {:?}", r.findings);
        }
    }
}
