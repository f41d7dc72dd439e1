//! Lync certificate usages (`Set-CsCertificate -Type`), and how a certificate's usage is read
//! from where it came from: its file or folder name, or an inventory row's `Use`.

use serde::Serialize;
use std::path::Path;

/// A Lync certificate usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Usage {
    /// The server's Default certificate (SIP, 5061).
    Default,
    /// The internal web services (443): the certificate the Persistent Chat file
    /// upload/download web service presents.
    WebServicesInternal,
    /// The external web services (4443).
    WebServicesExternal,
    /// The OAuth token issuer.
    OAuthTokenIssuer,
}

impl Usage {
    /// Every usage, in Lync's order.
    pub const ALL: [Usage; 4] = [
        Usage::Default,
        Usage::WebServicesInternal,
        Usage::WebServicesExternal,
        Usage::OAuthTokenIssuer,
    ];
    /// The name `Get-CsCertificate` shows (`Default`, `WebServicesInternal`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Usage::Default => "Default",
            Usage::WebServicesInternal => "WebServicesInternal",
            Usage::WebServicesExternal => "WebServicesExternal",
            Usage::OAuthTokenIssuer => "OAuthTokenIssuer",
        }
    }
    /// The lower-case name, as in file names (`default.cer`) and on the command line
    /// (`--port default=5061`).
    pub fn key(self) -> &'static str {
        match self {
            Usage::Default => "default",
            Usage::WebServicesInternal => "webservicesinternal",
            Usage::WebServicesExternal => "webservicesexternal",
            Usage::OAuthTokenIssuer => "oauthtokenissuer",
        }
    }
    /// The usage named `s`, case-insensitively.
    pub fn parse(s: &str) -> Option<Usage> {
        Usage::ALL
            .into_iter()
            .find(|u| u.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// "Default, WebServicesInternal".
pub fn describe(usages: &[Usage]) -> String {
    usages
        .iter()
        .map(|u| u.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Usages written in a name part: `default`, `webservicesinternal`, or several joined by `+`
/// (`default+webservicesinternal`). `None` unless every part is a usage.
pub(crate) fn parse_list(s: &str) -> Option<Vec<Usage>> {
    let mut out = Vec::new();
    for part in s.split('+') {
        let u = Usage::parse(part)?;
        if !out.contains(&u) {
            out.push(u);
        }
    }
    out.sort();
    (!out.is_empty()).then_some(out)
}

/// The usages a certificate file's name gives, with the name left once they are removed:
/// `fe01.fabrikam.com.default.cer` → (`fe01.fabrikam.com`, Default); in a folder named after a
/// server, `webservicesinternal.cer` → (`` , WebServicesInternal). The stem is the file name
/// without its certificate extension, lower case.
pub fn split_stem(stem: &str) -> Option<(&str, Vec<Usage>)> {
    if let Some(u) = parse_list(stem) {
        return Some(("", u));
    }
    let (name, last) = stem.rsplit_once('.')?;
    parse_list(last).map(|u| (name, u))
}

/// The usages the file name of `path` gives, if any (see [`split_stem`]).
pub fn from_path(path: &Path, cert_extensions: &[&str]) -> Option<Vec<Usage>> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let stem = match name.rsplit_once('.') {
        Some((stem, ext)) if cert_extensions.contains(&ext) => stem.to_string(),
        _ => name,
    };
    split_stem(&stem).map(|(_, u)| u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usages_from_file_names() {
        let ext = ["cer", "pem"];
        let p = |s: &str| from_path(Path::new(s), &ext);
        assert_eq!(
            p("fe01.fabrikam.com/default.cer"),
            Some(vec![Usage::Default])
        );
        assert_eq!(
            p("fe01.fabrikam.com.WebServicesInternal.cer"),
            Some(vec![Usage::WebServicesInternal])
        );
        assert_eq!(
            p("x/webservicesinternal+default.pem"),
            Some(vec![Usage::Default, Usage::WebServicesInternal])
        );
        // Negative: a plain server file, or a word that is not a usage.
        assert_eq!(p("fe01.fabrikam.com.cer"), None);
        assert_eq!(p("fe01.fabrikam.com/cert.der"), None);
        assert_eq!(p("fe01.fabrikam.com.default-ish.cer"), None);
        assert_eq!(
            split_stem("fe01.fabrikam.com.default"),
            Some(("fe01.fabrikam.com", vec![Usage::Default]))
        );
    }
}
