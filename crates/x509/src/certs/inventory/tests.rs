use super::csv::delimiter_of;
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
        &*c.facts.dns_names,
        ["fe01.fabrikam.com", "pool01.fabrikam.com"]
    );
    assert_eq!(c.facts.common_name.as_deref(), Some("fe01.fabrikam.com"));
    assert_eq!(c.facts.sha1_thumbprint.to_string(), THUMB);
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
    let e = parse(Path::new("inv.csv"), &bytes).map(|_| ()).unwrap_err();
    assert!(matches!(e, InventoryError::Encoding { .. }));
    // Named as the inventory it is, never as a topology.
    assert_eq!(
        e.to_string(),
        format!(
            "inventory inv.csv is not valid UTF-16LE: odd number of bytes (truncated?) at byte {}",
            bytes.len() - 1
        )
    );
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
    assert_eq!(c.facts.sha1_thumbprint.to_string(), THUMB);
    assert_eq!(
        crate::time::format_rfc3339(c.facts.not_before),
        "2026-01-01T00:00:00Z"
    );
    assert_eq!(
        crate::time::format_rfc3339(c.facts.not_after),
        "2028-01-01T00:00:00Z"
    );
    assert_eq!(
        &*c.facts.dns_names,
        ["fe01.fabrikam.com", "pool01.fabrikam.com"]
    );
}

#[test]
fn json_errors() {
    let numeric_use = JSON_ONE.replace("\"Default\"", "2");
    // Every row unusable: a fatal error with the numeric Use as its cause.
    let err = parse(
        Path::new("inv.json"),
        format!("[{numeric_use}, 7]").as_bytes(),
    )
    .expect_err("no usable row");
    assert!(
        matches!(
            &err,
            InventoryError::NoUsableRow { cause: RowProblem::NumericUse(n), others: 1, .. } if n == "2"
        ),
        "{err:?}"
    );
    // With a usable row, the bad ones are kept apart.
    let inv = parse(
        Path::new("inv.json"),
        format!("[{numeric_use}, 7, {JSON_ONE}]").as_bytes(),
    )
    .expect("json");
    assert_eq!(inv.certs.len(), 1);
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

/// What `Export-Csv -UseCulture` writes on a German Windows PowerShell 5: `;`, dd.MM.yyyy dates,
/// CRLF, the `#TYPE` line.
fn german_csv() -> String {
    [
        "#TYPE Selected.Microsoft.Rtc.Management.Deployment.CertificateReference",
        "\"Use\";\"Subject\";\"Issuer\";\"NotBefore\";\"NotAfter\";\"Thumbprint\";\"SerialNumber\";\"PSComputerName\";\"AlternativeNames\"",
        &format!("\"Default\";\"CN=fe01.fabrikam.com, O=Fabrikam\";\"CN=Fabrikam Issuing CA, DC=fabrikam, DC=com\";\"01.01.2026 00:00:00\";\"28.11.2027 15:51:56\";\"{THUMB}\";\"3DD3\";\"FE01\";\"fe01.fabrikam.com,pool01.fabrikam.com\""),
        "",
    ]
    .join("\r\n")
}

#[test]
fn german_use_culture_csv_with_semicolons_is_read() {
    let text = german_csv();
    // UTF-8 with BOM, and UTF-16LE with BOM as Windows PowerShell 5 writes it.
    let mut utf8 = vec![0xEF, 0xBB, 0xBF];
    utf8.extend_from_slice(text.as_bytes());
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    for bytes in [utf8, utf16] {
        let inv = parse_ok(&bytes);
        assert_eq!(inv.certs.len(), 1, "{:?}", inv.bad_rows);
        let c = &inv.certs[0];
        assert_eq!(c.location, RowLocation::Line(3));
        assert_eq!(c.uses, ["Default"]);
        assert_eq!(
            &*c.facts.dns_names,
            ["fe01.fabrikam.com", "pool01.fabrikam.com"]
        );
        assert_eq!(
            crate::time::format_rfc3339(c.facts.not_after),
            "2027-11-28T15:51:56Z"
        );
        assert_eq!(
            &*c.facts.issuer,
            "CN=Fabrikam Issuing CA, DC=fabrikam, DC=com"
        );
    }
}

#[test]
fn the_delimiter_is_told_by_the_header_outside_quotes() {
    assert_eq!(delimiter_of("\"a\",\"b;c\",\"d\"\r\n"), b',');
    assert_eq!(delimiter_of("\"a\";\"b,c\";\"d\"\r\n"), b';');
    assert_eq!(delimiter_of("a\tb\tc\n"), b'\t');
    assert_eq!(delimiter_of("single\n"), b',');
    // A comma-separated file is unchanged.
    let inv = parse_ok(&csv(&[
        HEADER.into(),
        row(
            "Default",
            "FE01",
            "fe01.fabrikam.com",
            "1/1/2028 12:00:00 AM",
        ),
    ]));
    assert_eq!(inv.certs.len(), 1);
}

fn json_entry(usage: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "Use": usage,
        "Subject": "CN=fe01.fabrikam.com",
        "Issuer": "CN=Fabrikam Issuing CA",
        "NotBefore": "/Date(1767225600000)/",
        "NotAfter": "/Date(1830297600000)/",
        "Thumbprint": THUMB,
        "AlternativeNames": ["fe01.fabrikam.com"],
        "PSComputerName": "FE01"
    })
}

#[test]
fn an_inventory_whose_every_use_is_a_number_is_a_fatal_error_naming_that_cause() {
    let doc = serde_json::Value::Array(vec![
        json_entry(serde_json::json!(1)),
        json_entry(serde_json::json!(4)),
    ]);
    let e = parse(Path::new("inv.json"), doc.to_string().as_bytes()).expect_err("unusable");
    match &e {
        InventoryError::NoUsableRow {
            location,
            cause,
            others,
            ..
        } => {
            assert_eq!(*location, RowLocation::Entry(1));
            assert_eq!(*cause, RowProblem::NumericUse("1".into()));
            assert_eq!(*others, 1);
        }
        other => panic!("{other:?}"),
    }
    let text = e.to_string();
    assert!(
        text.starts_with("inventory inv.json has no usable row: entry 1: Use is the number 1"),
        "{text}"
    );
    let help = miette::Diagnostic::help(&e)
        .map(|h| h.to_string())
        .unwrap_or_default();
    assert!(help.contains("$($_.Use)"), "{help}");
}

#[test]
fn a_numeric_use_is_the_cause_even_after_another_bad_row() {
    let mut bad_date = json_entry(serde_json::json!("Default"));
    bad_date["NotAfter"] = serde_json::json!("tomorrow");
    let doc = serde_json::Value::Array(vec![bad_date, json_entry(serde_json::json!(2))]);
    match parse(Path::new("inv.json"), doc.to_string().as_bytes()) {
        Err(InventoryError::NoUsableRow {
            location, cause, ..
        }) => {
            assert_eq!(location, RowLocation::Entry(2));
            assert!(matches!(cause, RowProblem::NumericUse(_)));
        }
        other => panic!("{other:?}"),
    }
    // With one usable row, the inventory is used and the bad rows are kept apart.
    let doc = serde_json::Value::Array(vec![
        json_entry(serde_json::json!("Default")),
        json_entry(serde_json::json!(2)),
    ]);
    let inv = parse(Path::new("inv.json"), doc.to_string().as_bytes()).expect("usable");
    assert_eq!(inv.certs.len(), 1);
    assert_eq!(inv.bad_rows.len(), 1);
}
