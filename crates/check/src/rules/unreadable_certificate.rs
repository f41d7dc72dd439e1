//! `unreadable-certificate`: a file under the certificate folder could not be read.

use super::{
    CheckContext, Citation, Finding, Needs, Remedy, Rule, RuleId, RuleMeta, Severity, Subject,
};
use std::collections::HashMap;

/// This rule's id.
pub const ID: RuleId = RuleId::new("unreadable-certificate");

/// A file that is not a readable certificate (the others are still used).
pub(crate) struct UnreadableCertificate;

/// This rule's facts: the one place they are written.
pub(crate) static META: RuleMeta = RuleMeta {
    id: ID,
    severity: Severity::Error,
    summary: "a file in the certificate folder could not be read as a certificate",
    why: "A certificate that cannot be read cannot be checked; it may be the one a server needs.",
    fix: "Export the certificate without its private key (.cer, DER or Base-64) or as a .p7b; remove files that are not certificates.",
    source: Citation::Input("a certificate file that cannot be read cannot be checked"),
    needs: Needs::Facts,
    remedy: Remedy::Reissue,
};

impl Rule for UnreadableCertificate {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn check(&self, ctx: &CheckContext<'_>, out: &mut Vec<Finding>) {
        if ctx.store.unreadable.is_empty() {
            return;
        }
        // The first checked server of each normalised name (`certs::file_stem_matches`).
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for (i, s) in ctx.servers.iter().enumerate() {
            let key = crate::certs::normalize_name(ctx.fqdn(s));
            if !key.is_empty() {
                by_name.entry(key).or_insert(i);
            }
        }
        for u in &ctx.store.unreadable {
            // A file named after a checked server is about that server: it may be the
            // certificate the server needs.
            let owner = crate::certs::name_keys(&u.path)
                .iter()
                .filter_map(|k| by_name.get(k).copied())
                .min()
                .map(|i| &ctx.servers[i]);
            let f = match owner {
                Some(s) => self.about(
                    Subject::Server(s.machine),
                    Some(u.path.clone()),
                    cause(u),
                    Some(ctx.topology.machines[s.machine.0].span),
                ),
                None => self.about(
                    Subject::CertificateFile(u.path.clone()),
                    Some(u.path.clone()),
                    cause(u),
                    None,
                ),
            };
            out.push(f.with_key(crate::certs::short_name(&u.path).to_ascii_lowercase()));
        }
    }
}

/// What is wrong with an unreadable file, in words an admin acts on: a PKCS#12 file says it
/// was not opened and how to export the certificate instead; a permission error says so
/// plainly; anything else is the load error.
pub fn cause(u: &crate::certs::Unreadable) -> String {
    use crate::certs::CertLoadError;
    match &u.error {
        CertLoadError::PrivateKeyContainer { path } if is_pkcs12_name(path) => format!(
            "{} is a PKCS#12 file, not opened: export the certificate without its private key",
            path.display()
        ),
        CertLoadError::Io { path, cause }
            if cause.kind() == std::io::ErrorKind::PermissionDenied =>
        {
            format!("cannot read {}: permission denied", path.display())
        }
        e => e.to_string(),
    }
}

/// A `.pfx` or `.p12` file name.
fn is_pkcs12_name(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("pfx") || e.eq_ignore_ascii_case("p12"))
}

#[cfg(test)]
mod tests {
    use super::ID;
    use crate::finding::{Effect, Severity};
    use crate::test_pki::*;

    #[test]
    fn der_pem_and_pkcs7_files_pass() {
        let ca = root("Fabrikam Issuing CA");
        let der = Leaf::se().signed_by(&ca);
        for (name, data) in [
            ("lyncse01.fabrikam.com.cer", der.clone()),
            ("lyncse01.fabrikam.com.pem", pem(&[&der, &ca.der])),
            ("lyncse01.fabrikam.com.p7b", p7b(&[&der, &ca.der])),
        ] {
            let folder = Folder::new().file(name, &data);
            let r = run("standard-edition/topology.xml", &folder, &given(&[&ca]));
            assert_eq!(rules(&r), Vec::<&str>::new(), "{name}");
        }
    }

    #[test]
    fn a_truncated_certificate_is_a_finding_on_its_file() {
        let ca = root("Fabrikam Issuing CA");
        let der = Leaf::se().signed_by(&ca);
        let folder = Folder::new()
            .file("lyncse01.fabrikam.com.cer", &der)
            .file("notes.cer", &der[..der.len() - 1]);
        let r = run("standard-edition/topology.xml", &folder, &given(&[&ca]));
        let f: Vec<_> = r.findings.iter().filter(|f| f.rule == ID).collect();
        assert_eq!(f.len(), 1, "{:?}", rules(&r));
        assert_eq!(
            (f[0].severity, f[0].effect),
            (Severity::Error, Effect::Blocks)
        );
        assert!(f[0].message.contains("notes.cer"), "{}", f[0].message);
    }

    #[test]
    fn a_pfx_named_after_the_server_is_said_to_be_pkcs12_not_missing() {
        let ca = root("Fabrikam Issuing CA");
        // A PKCS#12 file is refused by its extension, whatever it holds.
        let folder = Folder::new()
            .file("lyncse01.fabrikam.com.pfx", &[0x30, 0x82, 0x01, 0x00])
            .file("ca.cer", &ca.der);
        let r = run("standard-edition/topology.xml", &folder, &given(&[&ca]));
        let msg = message(&r, ID.as_str());
        assert!(
            msg.ends_with(
                "lyncse01.fabrikam.com.pfx is a PKCS#12 file, not opened: export the certificate without its private key"
            ),
            "{msg}"
        );
        let missing = message(&r, crate::rules::missing_certificate::ID.as_str());
        assert!(!missing.contains("named after it"), "{missing}");
        assert!(missing.contains("PKCS#12"), "{missing}");
    }

    #[test]
    fn a_permission_error_reads_cannot_read_file_permission_denied() {
        use crate::certs::{CertLoadError, Unreadable};
        let path = std::path::PathBuf::from("certs/pc01.fabrikam.com.cer");
        let u = Unreadable {
            path: path.clone(),
            error: CertLoadError::Io {
                path,
                cause: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
            },
        };
        assert_eq!(
            super::cause(&u),
            "cannot read certs/pc01.fabrikam.com.cer: permission denied"
        );
    }

    // Needs a user whose reads permissions can stop (not root).
    #[cfg(unix)]
    #[test]
    fn an_unreadable_file_named_after_the_server_says_permission_denied() {
        use std::os::unix::fs::PermissionsExt;
        let ca = root("Fabrikam Issuing CA");
        let der = Leaf::se().signed_by(&ca);
        let folder = Folder::new().file("lyncse01.fabrikam.com.cer", &der);
        let file = folder.path().join("lyncse01.fabrikam.com.cer");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        if std::fs::read(&file).is_ok() {
            // Running as root: permissions do not stop reads; nothing to test.
            return;
        }
        let r = run("standard-edition/topology.xml", &folder, &given(&[&ca]));
        let msg = message(&r, ID.as_str());
        assert!(msg.starts_with("cannot read "), "{msg}");
        assert!(
            msg.ends_with("lyncse01.fabrikam.com.cer: permission denied"),
            "{msg}"
        );
        let missing = message(&r, crate::rules::missing_certificate::ID.as_str());
        assert!(!missing.contains("named after it"), "{missing}");
        assert!(missing.contains("permission denied"), "{missing}");
    }
}
