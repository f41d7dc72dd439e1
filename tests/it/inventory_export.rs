//! The development inventory writer (topocert-testkit) writes what the inventory reader reads
//! back unchanged, as CSV and as JSON.

use std::path::Path;
use topocert::certs::inventory::parse;
use topocert_testkit::inventory_export::{to_csv, to_json, ExportRow};

const CSV: &str = "\"Use\",\"Subject\",\"Issuer\",\"NotBefore\",\"NotAfter\",\"Thumbprint\",\"SerialNumber\",\"PSComputerName\",\"AlternativeNames\"\r\n\"Default\",\"CN=fe01.fabrikam.com, O=Fabrikam\",\"CN=Fabrikam Issuing CA, O=Fabrikam\",\"1/1/2026 12:00:00 AM\",\"11/28/2027 3:51:56 PM\",\"A611A664FFA2EA53DAE11778102DD01F4650A029\",\"3DD3\",\"FE01\",\"fe01.fabrikam.com;pool01.fabrikam.com\"";

#[test]
fn export_round_trips() {
    let facts = parse(Path::new("inv.csv"), CSV.as_bytes())
        .expect("inventory")
        .certs[0]
        .facts
        .clone();
    let rows = vec![ExportRow {
        computer: Some("FE01".into()),
        usage: "Default".into(),
        facts: facts.clone(),
    }];
    let from_csv = parse(Path::new("inv.csv"), to_csv(&rows).as_bytes()).expect("csv");
    assert_eq!(from_csv.certs[0].facts, facts);
    let from_json = parse(Path::new("inv.json"), to_json(&rows).as_bytes()).expect("json");
    assert_eq!(from_json.certs[0].facts, facts);
    assert!(to_json(&rows).starts_with('{'), "one row: a single object");
}
