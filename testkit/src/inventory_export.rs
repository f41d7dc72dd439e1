//! Writing inventories the way Windows PowerShell 5 does, from certificate files: for the
//! samples and for tests that compare `--inventory` with `--certs`.

use serde::Serialize;
use topocert::certs::CertFacts;

/// One row as `Get-CsCertificate` would show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    /// The server it was exported on (`PSComputerName`), if collected remotely.
    pub computer: Option<String>,
    /// `Default`, `WebServicesInternal`...
    pub usage: String,
    /// The certificate's facts.
    pub facts: CertFacts,
}

/// `11/28/2026 3:51:56 PM`, as en-US `Export-Csv` writes a DateTime.
pub fn en_us_date(t: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(t) {
        Ok(d) => {
            let h = d.hour() % 12;
            format!(
                "{}/{}/{} {}:{:02}:{:02} {}",
                u8::from(d.month()),
                d.day(),
                d.year(),
                if h == 0 { 12 } else { h },
                d.minute(),
                d.second(),
                if d.hour() < 12 { "AM" } else { "PM" }
            )
        }
        Err(_) => String::new(),
    }
}

/// CSV as `Export-Csv` in Windows PowerShell 5 writes it after the recommended `Select-Object`
/// (docs/inventory.md): a `#TYPE` line, every field quoted, en-US dates, AlternativeNames
/// joined with `;`, CRLF line ends.
pub fn to_csv(rows: &[ExportRow]) -> String {
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = [
        "Use",
        "Subject",
        "Issuer",
        "NotBefore",
        "NotAfter",
        "Thumbprint",
        "SerialNumber",
        "PSComputerName",
        "AlternativeNames",
    ];
    // Writing to a Vec cannot fail.
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record([
            r.usage.clone(),
            r.facts.subject.to_string(),
            r.facts.issuer.to_string(),
            en_us_date(r.facts.not_before),
            en_us_date(r.facts.not_after),
            r.facts.sha1_thumbprint.to_string(),
            r.facts.serial.to_string(),
            r.computer.clone().unwrap_or_default(),
            r.facts.dns_names.join(";"),
        ]);
    }
    let body = w.into_inner().unwrap_or_default();
    format!(
        "#TYPE Selected.Microsoft.Rtc.Management.Deployment.CertificateReference\r\n{}",
        String::from_utf8_lossy(&body)
    )
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct JsonRow<'a> {
    #[serde(rename = "Use")]
    usage: &'a str,
    subject: &'a str,
    issuer: &'a str,
    not_before: String,
    not_after: String,
    thumbprint: String,
    serial_number: &'a str,
    alternative_names: &'a [String],
    #[serde(rename = "PSComputerName")]
    ps_computer_name: Option<&'a str>,
}

/// JSON as `ConvertTo-Json` in Windows PowerShell 5 writes it: DateTime as
/// `"\/Date(milliseconds)\/"` (the slashes escaped, as PowerShell 5 writes them), a single
/// object when there is one row.
pub fn to_json(rows: &[ExportRow]) -> String {
    let v: Vec<JsonRow<'_>> = rows
        .iter()
        .map(|r| JsonRow {
            usage: &r.usage,
            subject: &r.facts.subject,
            issuer: &r.facts.issuer,
            not_before: format!("/Date({}000)/", r.facts.not_before),
            not_after: format!("/Date({}000)/", r.facts.not_after),
            thumbprint: r.facts.sha1_thumbprint.to_string(),
            serial_number: &r.facts.serial,
            alternative_names: &r.facts.dns_names,
            ps_computer_name: r.computer.as_deref(),
        })
        .collect();
    let text = match &v[..] {
        [one] => serde_json::to_string_pretty(one),
        _ => serde_json::to_string_pretty(&v),
    };
    // serde_json leaves `/` as it is; PowerShell 5 escapes it in its date strings.
    let mut s = text
        .unwrap_or_default()
        .replace("\"/Date(", "\"\\/Date(")
        .replace(")/\"", ")\\/\"");
    s.push('\n');
    s
}
