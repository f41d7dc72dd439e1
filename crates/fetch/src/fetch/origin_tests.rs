//! Fetched chains enter the certificate store with their own origin.

use crate::certs::inventory::RowLocation;
use crate::certs::Origin;
use crate::certs::Usage;
use std::path::Path;

/// No source pretends to be a file: inventory rows and fetched chains enter the store with
/// their own origin, and only what is a file (or a fetched folder's file) has a path.
#[test]
fn inventory_rows_and_fetched_chains_have_no_fake_path() {
    use crate::certs::{inventory, CertStore};
    use crate::fetch::{Capture, DnsName, Endpoint, EndpointResult, PortFrom};
    let mut store = CertStore::default();
    let csv = "\"Use\",\"Subject\",\"Issuer\",\"NotBefore\",\"NotAfter\",\"Thumbprint\",\"PSComputerName\",\"AlternativeNames\"\r\n\"Default\",\"CN=fe01.fabrikam.com\",\"CN=Fabrikam CA\",\"1/1/2026 12:00:00 AM\",\"1/1/2028 12:00:00 AM\",\"A611A664FFA2EA53DAE11778102DD01F4650A029\",\"FE01\",\"fe01.fabrikam.com\"";
    inventory::parse(Path::new("x/inventory.csv"), csv.as_bytes())
        .expect("inventory")
        .add_to(&mut store);

    let ca = crate::test_pki::root("Fabrikam CA");
    let der = crate::test_pki::Leaf::good("fe01.fabrikam.com", &[]).signed_by(&ca);
    let endpoint = |usage, port| Endpoint {
        machine: crate::model::MachineIdx(0),
        server: "FE01.fabrikam.com".into(),
        name: DnsName::new("FE01.fabrikam.com"),
        usage,
        port,
        port_from: PortFrom::Default,
        port_span: None,
    };
    let results = [
        EndpointResult {
            endpoint: endpoint(Usage::Default, 5061),
            address: Some("127.0.0.1:5061".parse().expect("address")),
            time: 0,
            capture: Capture::Captured(vec![der.clone(), ca.der.clone()]),
        },
        EndpointResult {
            endpoint: endpoint(Usage::WebServicesInternal, 443),
            address: None,
            time: 0,
            capture: Capture::Captured(vec![der]),
        },
    ];
    crate::fetch::layout::add_to(&results, &mut store);

    let origins: Vec<&Origin> = store.files.iter().map(|f| &f.origin).collect();
    assert_eq!(
        origins,
        [
            &Origin::InventoryRow {
                inventory: "x/inventory.csv".into(),
                location: RowLocation::Line(2),
            },
            &Origin::Fetched(Box::new(crate::certs::Fetched {
                path: "fe01.fabrikam.com/default.cer".into(),
                server: "fe01.fabrikam.com".into(),
                usage: Usage::Default,
                port: 5061,
                address: Some("127.0.0.1:5061".parse().expect("address")),
            })),
            &Origin::Fetched(Box::new(crate::certs::Fetched {
                path: "fe01.fabrikam.com/webservicesinternal.cer".into(),
                server: "fe01.fabrikam.com".into(),
                usage: Usage::WebServicesInternal,
                port: 443,
                address: None,
            })),
        ]
    );
    let labels: Vec<String> = store.files.iter().map(|f| f.label()).collect();
    assert_eq!(
        labels,
        [
            "x/inventory.csv line 2",
            "fe01.fabrikam.com/default.cer, fetched from 127.0.0.1:5061",
            "fe01.fabrikam.com/webservicesinternal.cer",
        ]
    );
    // Negative: the row has no path to match file names against, and nothing in the store
    // is a path made of a label.
    assert_eq!(store.files[0].origin.path(), None);
    assert!(store
        .files
        .iter()
        .filter_map(|f| f.origin.path())
        .all(|p| !p.to_string_lossy().contains(" line ")
            && !p.to_string_lossy().contains("fetched from")));
    assert!(store.unreadable.is_empty());
}
