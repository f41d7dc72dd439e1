use super::*;

const HEADER: &str = "\"Use\",\"Subject\",\"Issuer\",\"NotBefore\",\"NotAfter\",\"Thumbprint\",\"SerialNumber\",\"PSComputerName\",\"AlternativeNames\"";
const THUMB: &str = "A611A664FFA2EA53DAE11778102DD01F4650A029";

fn row(usage: &str, computer: &str, names: &str, not_after: &str) -> String {
    format!("\"{usage}\",\"CN=fe01.fabrikam.com, O=Fabrikam\",\"CN=Fabrikam Issuing CA, O=Fabrikam\",\"1/1/2026 12:00:00 AM\",\"{not_after}\",\"{THUMB}\",\"3DD3\",\"{computer}\",\"{names}\"")
}

fn csv(lines: &[String]) -> Vec<u8> {
    lines.join("\r\n").into_bytes()
}

fn parse_ok(bytes: &[u8]) -> Inventory {
    parse(Path::new("inv.csv"), bytes).expect("inventory")
}

#[test]
fn type_line_and_line_numbers() {
    let with_type = csv(&[
        "#TYPE Selected.Microsoft.Rtc.Management.Deployment.CertificateReference".into(),
        HEADER.into(),
        row(
            "Default",
            "FE01",
            "fe01.fabrikam.com;pool01.fabrikam.com",
            "1/1/2028 12:00:00 AM",
        ),
    ]);
    let inv = parse_ok(&with_type);
    assert_eq!(inv.format, InventoryFormat::Csv);
    assert_eq!(inv.certs.len(), 1);
    let c = &inv.certs[0];
    assert_eq!(c.location, RowLocation::Line(3));
    assert_eq!(c.computer.as_deref(), Some("FE01"));
    assert_eq!(
        c.facts.dns_names,
        ["fe01.fabrikam.com", "pool01.fabrikam.com"]
    );
    assert_eq!(c.facts.common_name.as_deref(), Some("fe01.fabrikam.com"));
    assert_eq!(c.facts.sha1_thumbprint, THUMB);
    assert_eq!(
        crate::time::format_rfc3339(c.facts.not_after),
        "2028-01-01T00:00:00Z"
    );
    // Without #TYPE (-NoTypeInformation) the row is on line 2.
    let without = csv(&[
        HEADER.into(),
        row("Default", "FE01", "x", "1/1/2028 12:00:00 AM"),
    ]);
    assert_eq!(parse_ok(&without).certs[0].location, RowLocation::Line(2));
}

#[test]
fn same_certificate_of_two_uses_is_one_row_and_other_uses_are_set_apart() {
    let inv = parse_ok(&csv(&[
        HEADER.into(),
        row(
            "Default",
            "FE01",
            "fe01.fabrikam.com",
            "1/1/2028 12:00:00 AM",
        ),
        row(
            "WebServicesInternal",
            "FE01",
            "fe01.fabrikam.com",
            "1/1/2028 12:00:00 AM",
        ),
        row(
            "WebServicesExternal",
            "FE01",
            "webext01.fabrikam.com",
            "1/1/2028 12:00:00 AM",
        ),
        row(
            "Default",
            "FE02",
            "fe01.fabrikam.com",
            "1/1/2028 12:00:00 AM",
        ),
    ]));
    assert_eq!(inv.certs.len(), 2, "{:?}", inv.certs);
    assert_eq!(inv.certs[0].uses, ["Default", "WebServicesInternal"]);
    assert_eq!(inv.certs[1].computer.as_deref(), Some("FE02"));
    assert_eq!(inv.other_uses.len(), 1);
    assert_eq!(inv.other_uses[0].uses, ["WebServicesExternal"]);
}

#[test]
fn collection_type_name_is_a_clear_error() {
    let bytes = csv(&[
        HEADER.into(),
        row(
            "Default",
            "FE01",
            "fe01.fabrikam.com",
            "1/1/2028 12:00:00 AM",
        ),
        row(
            "Default",
            "FE02",
            "System.Collections.Generic.List`1[System.String]",
            "1/1/2028 12:00:00 AM",
        ),
    ]);
    let err = parse(Path::new("inv.csv"), &bytes).expect_err("type name");
    assert!(matches!(
        err,
        InventoryError::CollectionTypeName {
            location: RowLocation::Line(3),
            ..
        }
    ));
    let help = miette::Diagnostic::help(&err)
        .map(|h| h.to_string())
        .unwrap_or_default();
    assert!(help.contains("-join ';'"), "{help}");
}

#[test]
fn bad_rows_are_reported_and_hide_nothing() {
    let inv = parse_ok(&csv(&[
        HEADER.into(),
        row("Default", "FE01", "fe01.fabrikam.com", "03/04/2028 10:00:00"),
        row("Default", "FE02", "fe02.fabrikam.com", "1/1/2028 12:00:00 AM"),
        row("Default", "FE03", "fe03.fabrikam.com", "soon"),
        "\"Default\",\"CN=x\",\"CN=CA\",\"1/1/2026 12:00:00 AM\",\"1/1/2028 12:00:00 AM\",\"XYZ\",\"1\",\"FE04\",\"x\"".into(),
        "\"Default\",\"\",\"CN=CA\",\"1/1/2026 12:00:00 AM\",\"1/1/2028 12:00:00 AM\",\"XYZ\",\"1\",\"FE05\",\"x\"".into(),
    ]));
    assert_eq!(inv.certs.len(), 1);
    assert_eq!(inv.certs[0].computer.as_deref(), Some("FE02"));
    let problems: Vec<(RowLocation, String)> = inv
        .bad_rows
        .iter()
        .map(|b| (b.location, b.problem.to_string()))
        .collect();
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert_eq!(problems[0].0, RowLocation::Line(2));
    assert!(
        problems[0].1.contains("ambiguous date"),
        "{}",
        problems[0].1
    );
    assert!(
        problems[1].1.starts_with("NotAfter \"soon\""),
        "{}",
        problems[1].1
    );
    assert!(
        problems[2].1.contains("40 hexadecimal"),
        "{}",
        problems[2].1
    );
    assert_eq!(problems[3].1, "Subject is empty");
    // In a store, each bad row is an unreadable entry naming the row.
    let mut store = CertStore::default();
    inv.add_to(&mut store);
    assert_eq!(store.files.len(), 1);
    assert_eq!(store.unreadable.len(), 4);
    assert!(store.unreadable[0]
        .error
        .to_string()
        .starts_with("inv.csv line 2: NotAfter"));
}

#[test]
fn missing_column_and_broken_csv_are_fatal_with_a_line() {
    let err = parse(
        Path::new("inv.csv"),
        b"#TYPE x\r\n\"Subject\",\"Issuer\",\"NotBefore\",\"NotAfter\"\r\n\"a\",\"b\",\"c\",\"d\"",
    )
    .expect_err("no thumbprint");
    assert!(
        matches!(
            err,
            InventoryError::MissingColumn {
                line: 2,
                column: "Thumbprint",
                ..
            }
        ),
        "{err:?}"
    );
    let err = parse(
        Path::new("inv.csv"),
        format!("{HEADER}\r\n\"only\",\"three\",\"fields\"").as_bytes(),
    )
    .expect_err("short row");
    assert!(
        matches!(err, InventoryError::Csv { line: 2, .. }),
        "{err:?}"
    );
    assert!(matches!(
        parse(Path::new("inv.csv"), b"  \r\n"),
        Err(InventoryError::Empty { .. })
    ));
}

#[test]
fn utf16le_with_bom_as_powershell_5_redirection_writes_it() {
    let text = [
        HEADER.to_string(),
        row(
            "Default",
            "FE01",
            "fe01.fabrikam.com",
            "1/1/2028 12:00:00 AM",
        ),
    ]
    .join("\r\n");
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    assert_eq!(parse_ok(&bytes).certs.len(), 1);
    // Odd length: truncated UTF-16 is an encoding error.
    bytes.push(0);
    assert!(matches!(
        parse(Path::new("inv.csv"), &bytes),
        Err(InventoryError::Encoding(_))
    ));
}

const JSON_ONE: &str = r#"{
    "Use": "Default",
    "Subject": "CN=fe01.fabrikam.com, O=Fabrikam",
    "Issuer": "CN=Fabrikam Issuing CA, O=Fabrikam",
    "NotBefore": "\/Date(1767225600000)\/",
    "NotAfter": {"value": "\/Date(1830297600000)\/", "DateTime": "Saturday, January 1, 2028 12:00:00 AM"},
    "Thumbprint": "a611a664ffa2ea53dae11778102dd01f4650a029",
    "SerialNumber": "3DD3",
    "AlternativeNames": ["fe01.fabrikam.com", "pool01.fabrikam.com"],
    "PSComputerName": "fe01.fabrikam.com"
}"#;

#[test]
fn json_single_object_and_ms_dates() {
    let inv = parse(Path::new("inv.json"), JSON_ONE.as_bytes()).expect("json");
    assert_eq!(inv.format, InventoryFormat::Json);
    assert_eq!(inv.certs.len(), 1);
    let c = &inv.certs[0];
    assert_eq!(c.location, RowLocation::Entry(1));
    assert_eq!(c.facts.sha1_thumbprint, THUMB);
    assert_eq!(
        crate::time::format_rfc3339(c.facts.not_before),
        "2026-01-01T00:00:00Z"
    );
    assert_eq!(
        crate::time::format_rfc3339(c.facts.not_after),
        "2028-01-01T00:00:00Z"
    );
    assert_eq!(
        c.facts.dns_names,
        ["fe01.fabrikam.com", "pool01.fabrikam.com"]
    );
}

#[test]
fn json_errors() {
    let numeric_use = JSON_ONE.replace("\"Default\"", "2");
    let inv = parse(
        Path::new("inv.json"),
        format!("[{numeric_use}, 7]").as_bytes(),
    )
    .expect("json");
    assert!(inv.certs.is_empty());
    assert_eq!(inv.bad_rows.len(), 2);
    assert_eq!(inv.bad_rows[0].problem, RowProblem::NumericUse("2".into()));
    assert_eq!(inv.bad_rows[1].problem, RowProblem::NotAnObject);
    assert_eq!(inv.bad_rows[1].location, RowLocation::Entry(2));
    let err = parse(Path::new("inv.json"), b"[\n{\"Subject\": }\n]").expect_err("syntax");
    assert!(
        matches!(err, InventoryError::Json { line: 2, .. }),
        "{err:?}"
    );
    assert!(matches!(
        parse(Path::new("inv.json"), b"{\"Subject\": \"x\"}"),
        Err(InventoryError::MissingColumn { .. })
    ));
}
