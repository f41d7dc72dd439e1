//! The request files of `plan --out-dir`: a `certreq` INF and an OpenSSL request config per
//! server, and `plan.csv`.

use super::{Plan, ServerPlan, MIN_RSA_BITS, SERVER_AUTH_OID};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why the request files could not be written.
#[derive(Debug, Error, miette::Diagnostic)]
pub enum PlanFilesError {
    /// A name holds characters a DNS name cannot have; writing it into a request file could
    /// change the file's meaning.
    #[error("{name:?} is not a DNS name (letters, digits, '-', '_', '.', '*'); no request file written for {server}")]
    #[diagnostic(
        code(topocert::plan_unsafe_name),
        help("fix the name in the topology, or write this server's request by hand")
    )]
    UnsafeName {
        /// The server.
        server: String,
        /// The name.
        name: String,
    },
    /// The folder or a file could not be written.
    #[error("cannot write {path}: {cause}")]
    #[diagnostic(code(topocert::plan_out_dir))]
    Write {
        /// The path.
        path: String,
        /// Why.
        cause: std::io::Error,
    },
}

/// True for names made only of DNS characters (and a wildcard star).
fn is_dns_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '*'))
}

fn check_names(s: &ServerPlan) -> Result<(), PlanFilesError> {
    let bad = std::iter::once(s.fqdn.as_str())
        .chain(s.dns_names())
        .find(|n| !is_dns_name(n) || n.starts_with('.'));
    match bad {
        Some(n) => Err(PlanFilesError::UnsafeName {
            server: s.fqdn.to_string(),
            name: n.to_string(),
        }),
        None => Ok(()),
    }
}

/// The `certreq -new` INF of a server, with CRLF line endings.
pub(crate) fn certreq_inf(s: &ServerPlan) -> String {
    let mut lines = vec![
        format!("; Certificate request for {} ({})", s.fqdn, s.kind.as_str()),
        format!(
            "; made by topocert plan; on the server: certreq -new {}.inf {}.req",
            s.fqdn, s.fqdn
        ),
        "[Version]".into(),
        "Signature=\"$Windows NT$\"".into(),
        String::new(),
        "[NewRequest]".into(),
        format!("Subject = \"{}\"", s.subject()),
        format!("KeyLength = {MIN_RSA_BITS}"),
        "KeySpec = 1".into(),
        "KeyUsage = 0xA0".into(),
        "Exportable = TRUE".into(),
        "MachineKeySet = TRUE".into(),
        "ProviderName = \"Microsoft RSA SChannel Cryptographic Provider\"".into(),
        "ProviderType = 12".into(),
        "HashAlgorithm = SHA256".into(),
        "RequestType = PKCS10".into(),
        String::new(),
        "[EnhancedKeyUsageExtension]".into(),
        format!("OID = {SERVER_AUTH_OID} ; Server Authentication"),
        String::new(),
        "[Extensions]".into(),
        "2.5.29.17 = \"{text}\"".into(),
    ];
    for n in &s.names {
        lines.push(format!("_continue_ = \"dns={}&\"", n.name));
    }
    lines.push(String::new());
    let mut out = lines.join("\r\n");
    out.push_str("\r\n");
    out
}

/// The OpenSSL `req` config of a server (`openssl req -new -config FILE -newkey rsa:2048 ...`).
pub(crate) fn openssl_config(s: &ServerPlan) -> String {
    let mut out = format!(
        "# Certificate request for {} ({}), made by topocert plan.\n\
         # openssl req -new -config {}.cnf -newkey rsa:{MIN_RSA_BITS} -nodes -keyout {}.key -out {}.csr\n\
         [ req ]\n\
         default_bits = {MIN_RSA_BITS}\n\
         default_md = sha256\n\
         prompt = no\n\
         distinguished_name = dn\n\
         req_extensions = server_ext\n\
         \n\
         [ dn ]\n\
         CN = {}\n\
         \n\
         [ server_ext ]\n\
         subjectAltName = @alt_names\n\
         extendedKeyUsage = serverAuth\n\
         keyUsage = critical, digitalSignature, keyEncipherment\n\
         \n\
         [ alt_names ]\n",
        s.fqdn,
        s.kind.as_str(),
        s.fqdn,
        s.fqdn,
        s.fqdn,
        s.fqdn
    );
    for (i, n) in s.names.iter().enumerate() {
        out.push_str(&format!("DNS.{} = {}\n", i + 1, n.name));
    }
    out
}

/// What [`write_dir`] wrote.
#[derive(Debug, Default)]
pub struct Written {
    /// The files, in the order written.
    pub files: Vec<PathBuf>,
    /// (server, file name stem) for each server whose FQDN is not a portable file name
    /// ([`crate::output::portable_file_name`]: `*`, or a Windows device name such as `con`).
    pub renamed: Vec<(String, String)>,
}

/// Writes `<fqdn>.inf`, `<fqdn>.cnf` per server and `plan.csv` into `dir` (created if needed).
/// A FQDN that is not a portable file name is written under its portable name
/// ([`crate::output::portable_file_name`]); `plan.csv` names each server's files in its last
/// column, `request_files`. Each file is written whole and replaced, never written through a
/// symbolic link ([`crate::output::write_file`]), and never over an input of the run.
pub fn write_dir(plan: &Plan, dir: &Path) -> Result<Written, PlanFilesError> {
    for s in &plan.servers {
        check_names(s)?;
    }
    std::fs::create_dir_all(dir).map_err(|cause| PlanFilesError::Write {
        path: dir.display().to_string(),
        cause,
    })?;
    let mut written = Written::default();
    let mut put = |name: String, text: String| -> Result<(), PlanFilesError> {
        let p = dir.join(name);
        crate::output::write_file(&p, text.as_bytes()).map_err(|e| PlanFilesError::Write {
            path: p.display().to_string(),
            cause: match e {
                crate::output::WriteError::Io { cause, .. } => cause,
                other => std::io::Error::other(other.to_string()),
            },
        })?;
        written.files.push(p);
        Ok(())
    };
    let mut stems = Vec::with_capacity(plan.servers.len());
    for s in &plan.servers {
        let stem = crate::output::portable_file_name(s.fqdn.as_str()).into_owned();
        put(format!("{stem}.inf"), certreq_inf(s))?;
        put(format!("{stem}.cnf"), openssl_config(s))?;
        if stem != s.fqdn.as_str() {
            written.renamed.push((s.fqdn.to_string(), stem.clone()));
        }
        stems.push(stem);
    }
    put("plan.csv".into(), csv_with_files(plan, &stems))?;
    Ok(written)
}

/// The plan's CSV ([`super::render::csv`]) with a last column naming each server's request
/// files.
fn csv_with_files(plan: &Plan, stems: &[String]) -> String {
    let text = super::render::csv(plan);
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut w = csv::Writer::from_writer(Vec::new());
    for (i, record) in r.records().enumerate() {
        let Ok(mut record) = record else { continue };
        match i {
            0 => record.push_field("request_files"),
            _ => record.push_field(
                &stems
                    .get(i - 1)
                    .map(|s| format!("{s}.inf;{s}.cnf"))
                    .unwrap_or_default(),
            ),
        }
        let _ = w.write_record(&record);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
