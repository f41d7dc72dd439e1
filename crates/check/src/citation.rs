//! Where a requirement comes from: a Microsoft page (and what it states, paraphrased), an RFC,
//! what Lync's certificate wizard does by default, a best practice, or what topocert itself
//! needs to decide. Every rule ([`crate::rules::RuleMeta::source`]) and every required name
//! ([`crate::required::NameSource::source`]) carries one; `explain`, `plan` and the README show it.

use serde::Serialize;

/// A published page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Page {
    /// Its title as published.
    pub title: &'static str,
    /// Its address.
    pub url: &'static str,
}

/// "Certificate requirements for internal servers in Lync Server 2013" (the table of the
/// Default, WebServicesInternal and WebServicesExternal certificates of Front End servers).
pub(crate) const INTERNAL_SERVERS: Page = Page {
    title: "Certificate requirements for internal servers in Lync Server 2013",
    url: "https://learn.microsoft.com/en-us/previous-versions/office/lync-server-2013/lync-server-2013-certificate-requirements-for-internal-servers",
};

/// "Certificate infrastructure requirements for Lync Server 2013" (Server EKU, CDP, signature
/// digests, key lengths and algorithms, RSASSA-PSS).
pub(crate) const INFRASTRUCTURE: Page = Page {
    title: "Certificate infrastructure requirements for Lync Server 2013",
    url: "https://learn.microsoft.com/en-us/previous-versions/office/lync-server-2013/lync-server-2013-certificate-infrastructure-requirements",
};

/// "Wildcard certificate support in Lync Server 2013".
pub(crate) const WILDCARD: Page = Page {
    title: "Wildcard certificate support in Lync Server 2013",
    url: "https://learn.microsoft.com/en-us/previous-versions/office/lync-server-2013/lync-server-2013-wildcard-certificate-support",
};

/// "Configure Persistent Chat Server in Lync Server 2013" (file upload/download is offered on
/// the internal web site only).
pub(crate) const CONFIGURE_PERSISTENT_CHAT: Page = Page {
    title: "Configure Persistent Chat Server in Lync Server 2013",
    url: "https://learn.microsoft.com/en-us/previous-versions/office/lync-server-2013/lync-server-2013-configure-persistent-chat-server",
};

/// "Certificate Requirements for Group Chat Server" (Lync Server 2010; Group Chat is the
/// predecessor of Persistent Chat): the same CA as the internal servers.
pub(crate) const GROUP_CHAT_2010: Page = Page {
    title: "Certificate Requirements for Group Chat Server (Lync Server 2010)",
    url: "https://learn.microsoft.com/en-us/previous-versions/office/skype-server-2010/gg412990(v=ocs.14)",
};

/// The source of a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Citation {
    /// Microsoft states it: the page, and the row or sentence paraphrased.
    Microsoft {
        /// The page.
        page: Page,
        /// What it states (the row or the sentence), in our words.
        states: &'static str,
    },
    /// An IETF RFC.
    Rfc {
        /// Its number.
        number: u16,
        /// The section, e.g. `4.2`.
        section: &'static str,
        /// What it states, in our words.
        states: &'static str,
    },
    /// What Lync's certificate wizard (`Request-CsCertificate`) does by default: a habit, not
    /// a stated requirement.
    WizardDefault(&'static str),
    /// A common practice no Microsoft page requires.
    BestPractice(&'static str),
    /// What topocert needs to decide (an input it could not read, a question it cannot answer).
    Input(&'static str),
}

impl Citation {
    /// Whether Microsoft or an RFC states it (only these can make a server `not ready`).
    pub(crate) fn is_stated(&self) -> bool {
        matches!(self, Citation::Microsoft { .. } | Citation::Rfc { .. })
    }
    /// The short form of the README's rule table: the page title, `RFC 5280 §4.2`, `wizard
    /// default`, `best practice` or `input`.
    pub fn short(&self) -> String {
        match self {
            Citation::Microsoft { page, .. } => format!("Microsoft: {}", page.title),
            Citation::Rfc {
                number, section, ..
            } => format!("RFC {number} §{section}"),
            Citation::WizardDefault(_) => "wizard default".to_string(),
            Citation::BestPractice(_) => "best practice".to_string(),
            Citation::Input(_) => "input".to_string(),
        }
    }
    /// The address of the page or RFC section, if it has one.
    pub fn url(&self) -> Option<String> {
        match self {
            Citation::Microsoft { page, .. } => Some(page.url.to_string()),
            Citation::Rfc {
                number, section, ..
            } => Some(format!(
                "https://www.rfc-editor.org/rfc/rfc{number}#section-{section}"
            )),
            _ => None,
        }
    }
    /// The full citation in a sentence or two, e.g. for `explain` (without its [`url`](Self::url)).
    pub fn describe(&self) -> String {
        match self {
            Citation::Microsoft { page, states } => {
                format!("Microsoft, \"{}\": {states}", page.title)
            }
            Citation::Rfc {
                number,
                section,
                states,
            } => format!("RFC {number} §{section}: {states}"),
            Citation::WizardDefault(what) => format!(
                "wizard default, not a stated requirement (no Microsoft page requires it): {what}"
            ),
            Citation::BestPractice(what) => {
                format!("best practice, not a stated requirement: {what}")
            }
            Citation::Input(what) => format!("what topocert needs to decide: {what}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stated_and_short_forms() {
        let ms = Citation::Microsoft {
            page: INFRASTRUCTURE,
            states: "x",
        };
        assert!(ms.is_stated());
        assert!(ms.describe().contains(INFRASTRUCTURE.title));
        assert_eq!(ms.url().as_deref(), Some(INFRASTRUCTURE.url));
        assert_eq!(
            Citation::Rfc {
                number: 5280,
                section: "4.2",
                states: "y"
            }
            .short(),
            "RFC 5280 §4.2"
        );
        assert!(!Citation::WizardDefault("z").is_stated());
        assert!(!Citation::BestPractice("z").is_stated());
        assert_eq!(Citation::Input("z").short(), "input");
    }
}
