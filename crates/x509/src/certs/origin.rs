//! [`Origin`]: where a server certificate of the [`super::CertStore`] came from — a file, a
//! row of a certificate inventory, or a TLS endpoint of a server — and how it is named for
//! people ([`Origin::label`], [`Origin::short_label`]) and for file-name matching
//! ([`Origin::path`]). No source has to pretend to be a file: an inventory row has no path.

use super::inventory::RowLocation;
use super::Usage;
use std::cmp::Ordering;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Where a certificate was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A certificate file (`--certs`, or a folder `topocert fetch` wrote).
    File {
        /// The file.
        path: PathBuf,
    },
    /// A row of a certificate inventory (`--inventory`).
    InventoryRow {
        /// The inventory file.
        inventory: PathBuf,
        /// Where the row is in it.
        location: RowLocation,
    },
    /// A chain presented by a server over TLS (`--fetch`); boxed, as it is rare.
    Fetched(Box<Fetched>),
}

/// Where a chain presented by a server over TLS was read ([`Origin::Fetched`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The file's place in the folder `topocert fetch` would write
    /// (`fe01.fabrikam.com/default.cer`), so that it is matched and chosen as that file.
    pub path: PathBuf,
    /// The server's name as connected to (lower case).
    pub server: String,
    /// The usage of the port it was read on.
    pub usage: Usage,
    /// The TCP port.
    pub port: u16,
    /// The address connected to, when known.
    pub address: Option<SocketAddr>,
}

/// The name to show for a file: its file name, or the whole path when it has no file name.
pub fn short_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    )
}

impl Origin {
    /// How people see it: the file's path; "inventory.csv line 3"; or
    /// "fe01.fabrikam.com/default.cer, fetched from 10.0.0.5:5061".
    pub fn label(&self) -> String {
        self.fetched_suffix(self.name())
    }

    /// As [`Self::label`] with only the file name of a file or inventory
    /// ("default.cer, fetched from 10.0.0.5:5061", "inventory.csv line 3").
    pub fn short_label(&self) -> String {
        match self {
            Origin::File { path } => short_name(path),
            Origin::Fetched(f) => self.fetched_suffix(short_name(&f.path)),
            Origin::InventoryRow {
                inventory,
                location,
            } => format!("{} {location}", short_name(inventory)),
        }
    }

    /// The path or row without where it was fetched from: the file's path,
    /// "inventory.csv line 3", or the fetched file's place in a fetched folder (what a
    /// finding names as its file).
    pub fn name(&self) -> String {
        match self {
            Origin::File { path } => path.display().to_string(),
            Origin::Fetched(f) => f.path.display().to_string(),
            Origin::InventoryRow {
                inventory,
                location,
            } => format!("{} {location}", inventory.display()),
        }
    }

    /// The path that file-name matching reads (server and usage from a file or folder name):
    /// the file, or a fetched certificate's place in a fetched folder; `None` for an
    /// inventory row, which is matched by its `PSComputerName` and `Use` instead.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Origin::File { path } => Some(path),
            Origin::Fetched(f) => Some(&f.path),
            Origin::InventoryRow { .. } => None,
        }
    }

    /// The address a fetched certificate was read from.
    pub(crate) fn fetched_from(&self) -> Option<SocketAddr> {
        match self {
            Origin::Fetched(f) => f.address,
            _ => None,
        }
    }

    /// A stable order for ties between equally good certificates: by path (an inventory row
    /// by its inventory's path), then by row position.
    pub fn order(&self, other: &Origin) -> Ordering {
        let key = |o: &Origin| -> (PathBuf, Option<RowLocation>) {
            match o {
                Origin::File { path } => (path.clone(), None),
                Origin::Fetched(f) => (f.path.clone(), None),
                Origin::InventoryRow {
                    inventory,
                    location,
                } => (inventory.clone(), Some(*location)),
            }
        };
        key(self).cmp(&key(other))
    }

    fn fetched_suffix(&self, name: String) -> String {
        match self.fetched_from() {
            Some(a) => format!("{name}, fetched from {a}"),
            None => name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_of_every_origin() {
        let file = Origin::File {
            path: "certs/fe01.fabrikam.com.cer".into(),
        };
        assert_eq!(file.label(), "certs/fe01.fabrikam.com.cer");
        assert_eq!(file.short_label(), "fe01.fabrikam.com.cer");
        assert_eq!(file.path(), Some(Path::new("certs/fe01.fabrikam.com.cer")));

        let row = Origin::InventoryRow {
            inventory: "x/inventory.csv".into(),
            location: RowLocation::Line(3),
        };
        assert_eq!(row.label(), "x/inventory.csv line 3");
        assert_eq!(row.short_label(), "inventory.csv line 3");
        assert_eq!(row.path(), None);

        let fetched = Origin::Fetched(Box::new(Fetched {
            path: "fe01.fabrikam.com/default.cer".into(),
            server: "fe01.fabrikam.com".into(),
            usage: Usage::Default,
            port: 5061,
            address: Some("10.0.0.5:5061".parse().expect("address")),
        }));
        assert_eq!(
            fetched.label(),
            "fe01.fabrikam.com/default.cer, fetched from 10.0.0.5:5061"
        );
        assert_eq!(
            fetched.short_label(),
            "default.cer, fetched from 10.0.0.5:5061"
        );
        assert_eq!(fetched.name(), "fe01.fabrikam.com/default.cer");
    }

    #[test]
    fn rows_order_by_position_not_text() {
        let row = |n| Origin::InventoryRow {
            inventory: "inventory.csv".into(),
            location: RowLocation::Line(n),
        };
        assert_eq!(row(3).order(&row(10)), Ordering::Less);
        assert_eq!(row(3).order(&row(3)), Ordering::Equal);
    }
}
