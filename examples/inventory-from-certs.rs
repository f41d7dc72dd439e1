//! Writes the certificate inventory (CSV or JSON, as Windows PowerShell 5 exports
//! `Get-CsCertificate`) that describes the server certificates of a folder: one `Default` and
//! one `WebServicesInternal` row per certificate, `PSComputerName` from the file or folder name
//! (`fe01.fabrikam.com.cer` → `FE01`).
//!
//! `cargo run --example inventory-from-certs -- sample-topologies/enterprise-multisite/certs csv`

use std::path::Path;
use std::process::ExitCode;
use topocert_testkit::inventory_export::{to_csv, to_json, ExportRow};

/// `FE01` for `.../fe01.fabrikam.com.cer` or `.../fe01.fabrikam.com/cert.der`.
fn computer_of(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_string_lossy().to_string();
    let parent = path.parent()?.file_name()?.to_string_lossy().to_string();
    [stem, parent]
        .into_iter()
        .find(|n| n.to_ascii_lowercase().ends_with(".fabrikam.com"))
        .and_then(|n| n.split('.').next().map(str::to_ascii_uppercase))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(format)) = (args.first(), args.get(1)) else {
        eprintln!("usage: inventory-from-certs CERT_DIR csv|json");
        return ExitCode::from(2);
    };
    let store = match topocert::certs::load_dir(Path::new(dir)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut rows = Vec::new();
    for f in &store.files {
        for usage in ["Default", "WebServicesInternal"] {
            rows.push(ExportRow {
                computer: f.origin.path().and_then(computer_of),
                usage: usage.to_string(),
                facts: (*f.leaf).clone(),
            });
        }
    }
    let text = match format.as_str() {
        "csv" => to_csv(&rows),
        "json" => to_json(&rows),
        _ => {
            eprintln!("format must be csv or json");
            return ExitCode::from(2);
        }
    };
    print!("{text}");
    ExitCode::SUCCESS
}
