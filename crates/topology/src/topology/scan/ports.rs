//! The `Port` elements of a service that may present a certificate: noted while scanning,
//! read on demand (`read_cert_port`).

use super::attrs::text_attrs_with;
use crate::model::Span;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// A word of a `Port` element that [`read_cert_port`] tells apart; anything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PortWord {
    /// `urn:component:Registrar` or `urn:component:PersistentChat`: SIP servers.
    SipOwner,
    /// `urn:component:OCSWebSite`: the IIS web sites.
    WebSiteOwner,
    SipServer,
    WebSite,
    Primary,
    External,
    /// `Mtls` or `Tls`.
    Tls,
    Https,
    /// A port number (1-65535).
    Number(u16),
    Other,
}

impl PortWord {
    fn of(value: &str) -> PortWord {
        match value {
            "urn:component:Registrar" | "urn:component:PersistentChat" => PortWord::SipOwner,
            "urn:component:OCSWebSite" => PortWord::WebSiteOwner,
            "SipServer" => PortWord::SipServer,
            "WebSite" => PortWord::WebSite,
            "Primary" => PortWord::Primary,
            "External" => PortWord::External,
            "Mtls" | "Tls" => PortWord::Tls,
            "Https" => PortWord::Https,
            v => match v.parse::<u16>() {
                Ok(n) if n > 0 => PortWord::Number(n),
                _ => PortWord::Other,
            },
        }
    }
}

/// False for a `Port` element that cannot present a server certificate, told by its owner
/// without reading any attribute when it is written as Lync writes it (`Owner` first); the
/// others are read when needed by [`read_cert_port`], so that the scan stays as fast as it was
/// (a topology has many ports, and only `fetch` reads them).
pub(super) fn may_present_certificate(e: &BytesStart<'_>) -> bool {
    match e.attributes_raw().strip_prefix(" Owner=\"urn:component:") {
        Some(owner) => ["Registrar\"", "PersistentChat\"", "OCSWebSite\""]
            .iter()
            .any(|o| owner.starts_with(o)),
        None => true,
    }
}

/// The certificate the `Port` element whose start tag is `text[span]` presents, if it is one
/// of the TLS listeners of [`crate::usage::Usage`]: the Registrar's or Persistent Chat's
/// primary `SipServer` port over MTLS/TLS (Default), the web site's primary or external HTTPS
/// port (WebServicesInternal, WebServicesExternal).
pub(crate) fn read_cert_port(text: &str, span: Span) -> Option<crate::model::CertPort> {
    use crate::usage::Usage;
    const NAMES: [&str; 6] = [
        "Owner",
        "Usage",
        "InterfaceSide",
        "InterfaceNumber",
        "Port",
        "Protocol",
    ];
    let tag = text.get(span.start..span.start.checked_add(span.len)?)?;
    let e = match Reader::from_str(tag).read_event() {
        Ok(Event::Empty(e) | Event::Start(e)) => e,
        _ => return None,
    };
    let [owner, usage, side, _, port, protocol] =
        text_attrs_with(e.attributes_raw(), NAMES, |v| PortWord::of(&v));
    let Some(PortWord::Number(port)) = port else {
        return None;
    };
    let usage = match (owner?, usage?, side?, protocol?) {
        (PortWord::SipOwner, PortWord::SipServer, PortWord::Primary, PortWord::Tls) => {
            Usage::Default
        }
        (PortWord::WebSiteOwner, PortWord::WebSite, PortWord::Primary, PortWord::Https) => {
            Usage::WebServicesInternal
        }
        (PortWord::WebSiteOwner, PortWord::WebSite, PortWord::External, PortWord::Https) => {
            Usage::WebServicesExternal
        }
        _ => return None,
    };
    Some(crate::model::CertPort { usage, port, span })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceText;
    use crate::topology::scan::scan;

    #[test]
    fn certificate_ports_of_services_are_read_and_others_ignored() {
        let text = r#"<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008">
            <Service><Ports>
              <Port Owner="urn:component:Registrar" Usage="SipServer" InterfaceSide="Primary" InterfaceNumber="1" Port="5061" Protocol="Mtls" UrlPath="/" />
              <Port Owner="urn:component:QoE" Usage="SipServer" InterfaceSide="Primary" InterfaceNumber="1" Port="5061" Protocol="Mtls" />
              <Port Owner="urn:component:OCSWebSite" Usage="WebSite" InterfaceSide="External" InterfaceNumber="1" Port="8080" Protocol="Http" />
              <Port Port="4443" Protocol="Https" Owner="urn:component:OCSWebSite" Usage="WebSite" InterfaceSide="External" />
              <Port Owner="urn:component:OCSWebSite" Usage="WebSite" InterfaceSide="Primary" InterfaceNumber="1" Port="70000" Protocol="Https" />
              <Port Owner="urn:component:OCSWebSite" Usage="WebSite" InterfaceSide="Primary" InterfaceNumber="1" Port="443" Protocol="Https" />
            </Ports></Service>
            <Service><Ports>
              <Port Owner="urn:component:PersistentChat" Usage="SipServer" InterfaceSide="Primary" InterfaceNumber="1" Port="5041" Protocol="Mtls" />
            </Ports>
            <Other><Port Owner="urn:component:Registrar" Usage="SipServer" InterfaceSide="Primary" Port="1" Protocol="Mtls" /></Other>
            </Service>
            <Ports><Port Owner="urn:component:Registrar" Usage="SipServer" InterfaceSide="Primary" Port="2" Protocol="Mtls" /></Ports>
            </Topology>"#;
        let src = SourceText::new("t.xml", std::sync::Arc::new(text.to_string()), "UTF-8");
        let raw = scan(&src).expect("scans");
        use crate::usage::Usage;
        let read = |i: usize| -> Vec<(Usage, u16)> {
            raw.cert_ports
                .iter()
                .filter(|(s, _)| *s == i)
                .filter_map(|(_, span)| read_cert_port(text, *span))
                .map(|p| (p.usage, p.port))
                .collect()
        };
        // ports of other owners are left out while scanning, without reading them
        assert_eq!(raw.cert_ports.len(), 6);
        assert_eq!(
            read(0),
            [
                (Usage::Default, 5061),
                (Usage::WebServicesExternal, 4443),
                (Usage::WebServicesInternal, 443)
            ]
        );
        assert_eq!(read(1), [(Usage::Default, 5041)]);
        let p = raw.cert_ports[0].1;
        assert!(
            text[p.start..p.start + p.len].starts_with("<Port Owner=\"urn:component:Registrar\"")
        );
    }
}
