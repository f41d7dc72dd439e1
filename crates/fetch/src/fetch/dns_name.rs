//! [`DnsName`]: a server name from a topology that is safe to connect to and to use as a file
//! name. Anything else (a path, an address, a port, a name with empty labels) is refused
//! before it reaches the resolver or the file system.

use std::fmt;
use thiserror::Error;

/// Longest DNS name accepted (without a trailing dot).
pub(crate) const MAX_NAME_LEN: usize = 253;
/// Longest label.
pub(crate) const MAX_LABEL_LEN: usize = 63;

/// Why a name is not a DNS name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum NameError {
    /// The empty string.
    #[error("the name is empty")]
    Empty,
    /// More than `MAX_NAME_LEN` characters.
    #[error("the name is longer than {MAX_NAME_LEN} characters")]
    TooLong,
    /// Two dots in a row, or a dot at the start or the end.
    #[error("the name has an empty label")]
    EmptyLabel,
    /// A label longer than `MAX_LABEL_LEN`.
    #[error("a label is longer than {MAX_LABEL_LEN} characters")]
    LabelTooLong,
    /// A character other than a-z, A-Z, 0-9, `-` and `.` (such as `/`, `:`, `_`, a space or
    /// any non-ASCII character).
    #[error("the name has a character that is not a letter, digit, '-' or '.'")]
    BadCharacter,
    /// A label starting or ending with `-`.
    #[error("a label starts or ends with '-'")]
    Hyphen,
    /// The last label does not start with a letter: the name could be read as an IP address
    /// (`10.0.0.1`, `2130706433`, `0x7f.1`).
    #[error(
        "the last label does not start with a letter, so the name could be read as an address"
    )]
    NumericTopLabel,
}

/// A DNS host name: 1 to 253 ASCII characters, labels of 1 to 63 letters, digits and inner
/// hyphens separated by single dots, the last label starting with a letter (so no resolver
/// reads it as an IPv4 address in any of its dotted, decimal, octal or hex forms). It cannot
/// hold `/`, `\`, `:`, `..` or a NUL, so it is also a safe file name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DnsName(String);

impl DnsName {
    /// Checks `name` (one trailing dot is allowed and removed).
    pub fn new(name: &str) -> Result<DnsName, NameError> {
        let name = name.strip_suffix('.').unwrap_or(name);
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.len() > MAX_NAME_LEN {
            return Err(NameError::TooLong);
        }
        let mut last = "";
        for label in name.split('.') {
            if label.is_empty() {
                return Err(NameError::EmptyLabel);
            }
            if label.len() > MAX_LABEL_LEN {
                return Err(NameError::LabelTooLong);
            }
            if !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return Err(NameError::BadCharacter);
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err(NameError::Hyphen);
            }
            last = label;
        }
        if !last.as_bytes()[0].is_ascii_alphabetic() {
            return Err(NameError::NumericTopLabel);
        }
        Ok(DnsName(name.to_string()))
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The lower-case name: how it is written as a folder name and compared.
    pub fn folded(&self) -> String {
        self.0.to_ascii_lowercase()
    }

    /// True when the first label is a name Windows reserves for a device (`CON`, `NUL`,
    /// `COM1`...), which cannot be a file or folder name there, with or without an extension.
    pub(crate) fn is_windows_device_name(&self) -> bool {
        let first = self.0.split('.').next().unwrap_or_default();
        let upper = first.to_ascii_uppercase();
        matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
            || (upper.len() == 4
                && (upper.starts_with("COM") || upper.starts_with("LPT"))
                && upper.as_bytes()[3].is_ascii_digit()
                && upper.as_bytes()[3] != b'0')
    }
}

impl fmt::Display for DnsName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for DnsName {
    type Err = NameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DnsName::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_are_accepted() {
        for ok in [
            "fe01.fabrikam.com",
            "FE01.Fabrikam.COM",
            "fe01.fabrikam.com.",
            "lyncse01",
            "a-b.c-d.example",
            "xn--bcher-kva.example",
            "1fe.fabrikam.com",
            "x",
        ] {
            assert!(DnsName::new(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            DnsName::new("fe01.fabrikam.com.").map(|n| n.as_str().to_string()),
            Ok("fe01.fabrikam.com".to_string())
        );
        let longest = format!(
            "{}.{}.{}.{}",
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(61)
        );
        assert_eq!(longest.len(), 253);
        assert!(DnsName::new(&longest).is_ok());
    }

    #[test]
    fn hostile_names_are_refused() {
        use NameError::*;
        let long = format!("{}.com", "a.".repeat(126));
        for (bad, why) in [
            ("", Empty),
            (".", Empty),
            ("../x", EmptyLabel),
            ("..", EmptyLabel),
            ("a/b", BadCharacter),
            ("a\\b.com", BadCharacter),
            ("/etc/passwd", BadCharacter),
            ("fe01.fabrikam.com/../../x", BadCharacter),
            ("1.2.3.4", NumericTopLabel),
            ("127.0.0.1", NumericTopLabel),
            ("2130706433", NumericTopLabel),
            ("0x7f.1", NumericTopLabel),
            ("0x7f000001", NumericTopLabel),
            ("fe01.fabrikam.1", NumericTopLabel),
            ("::1", BadCharacter),
            ("[::1]", BadCharacter),
            ("host:443", BadCharacter),
            ("fe01.fabrikam.com:5061", BadCharacter),
            ("a..b", EmptyLabel),
            (".a.b", EmptyLabel),
            ("a.b..", EmptyLabel),
            ("fe01 .fabrikam.com", BadCharacter),
            ("fe_01.fabrikam.com", BadCharacter),
            ("fe01.fabrikam.com\0", BadCharacter),
            ("fe01.fabrikam.com\n", BadCharacter),
            ("fé01.fabrikam.com", BadCharacter),
            ("-fe01.fabrikam.com", Hyphen),
            ("fe01-.fabrikam.com", Hyphen),
            ("user@fe01.fabrikam.com", BadCharacter),
            ("%2e%2e", BadCharacter),
        ] {
            assert_eq!(DnsName::new(bad), Err(why), "{bad:?}");
        }
        assert_eq!(DnsName::new(&long), Err(TooLong));
        assert_eq!(
            DnsName::new(&format!("{}.com", "a".repeat(64))),
            Err(LabelTooLong)
        );
    }

    #[test]
    fn windows_device_names_are_recognized() {
        for dev in ["con", "NUL.fabrikam.com", "com1.x", "Lpt9"] {
            assert!(
                DnsName::new(dev).is_ok_and(|n| n.is_windows_device_name()),
                "{dev}"
            );
        }
        for ok in ["console", "com0", "com10.x", "fe01.con"] {
            assert!(
                DnsName::new(ok).is_ok_and(|n| !n.is_windows_device_name()),
                "{ok}"
            );
        }
    }
}
