//! Certificate inventories: what `Get-CsCertificate | Export-Csv` or `| ConvertTo-Json` writes,
//! per server or collected remotely (with a `PSComputerName` column).
//!
//! A row has the certificate's facts ([`CertFacts`]) but not the certificate itself: no key,
//! signature algorithm, EKU or key identifiers. [`load`] reads a file; [`Inventory::add_to`]
//! puts its rows into a [`CertStore`] so that `check::run` (and `plan`, `diff`) use them like
//! certificate files. A bad row is an [`Unreadable`] entry and never hides the others. The
//! CSV reader is in `csv`, the JSON reader in `json`; this module validates and merges rows.

mod csv;
pub mod date;
mod json;

use super::facts::CertFacts;
use super::read::CertLoadError;
use super::store::{CertFile, CertStore, Unreadable};
use super::{Leaf, Origin};
use date::DateProblem;
use miette::Diagnostic;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Largest inventory accepted, in bytes (64 MiB).
pub const MAX_INVENTORY_SIZE: u64 = 64 * 1024 * 1024;

/// What `AlternativeNames` holds when `Export-Csv` was given the list object itself.
const COLLECTION_TYPE_NAME: &str = "System.Collections.Generic.List`1";

/// The `Use` values whose certificate the checked servers present: `Default` (the server's
/// own certificate, used by Persistent Chat) and `WebServicesInternal` (the internal web
/// site, which hosts the Persistent Chat file upload/download web service).
pub(crate) const CONSIDERED_USES: &[&str] = &["Default", "WebServicesInternal"];

/// Where a row is in its inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowLocation {
    /// CSV: 1-based line of the file.
    Line(usize),
    /// JSON: 1-based position in the array (1 for a single object).
    Entry(usize),
}

impl fmt::Display for RowLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowLocation::Line(n) => write!(f, "line {n}"),
            RowLocation::Entry(n) => write!(f, "entry {n}"),
        }
    }
}

/// A certificate read from an inventory row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryCert {
    /// Its facts.
    pub facts: CertFacts,
    /// The inventory file.
    pub inventory: PathBuf,
    /// Where the row is.
    pub location: RowLocation,
    /// `PSComputerName`: the server it was exported on (short name or FQDN), if collected
    /// remotely.
    pub computer: Option<String>,
    /// Its `Use` values (several when rows with the same thumbprint and computer are merged).
    pub uses: Vec<String>,
}

impl InventoryCert {
    /// "inventory.csv line 4": how outputs name this row.
    pub fn label(&self) -> String {
        format!("{} {}", self.inventory.display(), self.location)
    }
}

/// Why one row was not used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RowProblem {
    /// A required value is empty.
    #[error("{column} is empty")]
    Missing {
        /// Column name.
        column: &'static str,
    },
    /// A date cell could not be read.
    #[error("{column} {value:?}: {problem}")]
    Date {
        /// Column name.
        column: &'static str,
        /// The cell.
        value: String,
        /// Why.
        problem: DateProblem,
    },
    /// The thumbprint is not 40 hex digits.
    #[error("Thumbprint {0:?} is not 40 hexadecimal digits")]
    Thumbprint(String),
    /// `Use` is a number: `ConvertTo-Json` wrote the enum's value.
    #[error("Use is the number {0}, not a name: export Use as text (see docs/inventory.md)")]
    NumericUse(String),
    /// A JSON entry that is not an object.
    #[error("not an object")]
    NotAnObject,
    /// A value of the wrong JSON type.
    #[error("{column} has an unexpected JSON type")]
    JsonType {
        /// Column name.
        column: &'static str,
    },
}

/// Why an inventory could not be read at all (exit 2).
#[derive(Debug, Error, Diagnostic)]
pub enum InventoryError {
    /// The file could not be read.
    #[error("cannot read inventory {}: {cause}", path.display())]
    #[diagnostic(code(topocert::inventory_io))]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        cause: std::io::Error,
    },
    /// A FIFO, device or socket: only regular files are read.
    #[error("inventory {} is {kind}, not a regular file", path.display())]
    #[diagnostic(code(topocert::inventory_not_a_file))]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is.
        kind: &'static str,
    },
    /// Larger than [`MAX_INVENTORY_SIZE`].
    #[error("inventory {} is {size} bytes; inventories are limited to {limit} bytes", path.display())]
    #[diagnostic(code(topocert::inventory_too_large))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Not UTF-8 or UTF-16 text.
    #[error("inventory {} is {error}", path.display())]
    #[diagnostic(
        code(topocert::inventory_encoding),
        help("an inventory is text as Export-Csv, ConvertTo-Json or `>` write it (ASCII, UTF-8 or UTF-16); export it again")
    )]
    Encoding {
        /// The file.
        path: PathBuf,
        /// The encoding, what is wrong and where.
        error: crate::decode::DecodeError,
    },
    /// Neither a JSON document nor CSV with a header.
    #[error("inventory {} is empty", path.display())]
    #[diagnostic(code(topocert::inventory_empty))]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// CSV the csv crate cannot read (e.g. rows of different lengths).
    #[error("inventory {} line {line}: {detail}", path.display())]
    #[diagnostic(code(topocert::inventory_csv))]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        detail: String,
    },
    /// Malformed JSON.
    #[error("inventory {} line {line} column {column}: {detail}", path.display())]
    #[diagnostic(code(topocert::inventory_json))]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        detail: String,
    },
    /// Rows, none of which could be used: the inventory says nothing about any server.
    #[error("inventory {} has no usable row: {location}: {cause}{}", path.display(), if *others > 0 { format!(" (and {others} more rows with problems)") } else { String::new() })]
    #[diagnostic(
        code(topocert::inventory_no_usable_row),
        help("{}", no_usable_help(cause))
    )]
    NoUsableRow {
        /// The file.
        path: PathBuf,
        /// The first row with the cause.
        location: RowLocation,
        /// Why it is unusable (a numeric `Use` first, when any row has one: the whole export
        /// then needs redoing).
        cause: RowProblem,
        /// How many other rows have problems.
        others: usize,
    },
    /// JSON that is neither an object nor an array.
    #[error("inventory {} is JSON but neither an object nor an array of objects", path.display())]
    #[diagnostic(code(topocert::inventory_json_shape))]
    JsonShape {
        /// The file.
        path: PathBuf,
    },
    /// A required column is absent.
    #[error("inventory {} line {line}: no {column} column (columns found: {found})", path.display())]
    #[diagnostic(
        code(topocert::inventory_column),
        help("export at least Subject, Issuer, NotBefore, NotAfter and Thumbprint; docs/inventory.md has the command")
    )]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// Line of the header (1 for JSON).
        line: usize,
        /// The column.
        column: &'static str,
        /// The columns present, comma separated.
        found: String,
    },
    /// `AlternativeNames` holds the list's type name instead of the names.
    #[error("inventory {} {location}: AlternativeNames is {value:?}, the type name of the list, not the names", path.display())]
    #[diagnostic(
        code(topocert::inventory_alternative_names),
        help("Export-Csv cannot write a list; join it: Get-CsCertificate | Select-Object Use,Subject,Issuer,NotBefore,NotAfter,Thumbprint,SerialNumber,PSComputerName,@{{n='AlternativeNames';e={{$_.AlternativeNames -join ';'}}}} | Export-Csv -NoTypeInformation inventory.csv")
    )]
    CollectionTypeName {
        /// The file.
        path: PathBuf,
        /// The first row with it.
        location: RowLocation,
        /// The cell.
        value: String,
    },
}

/// What to do about an inventory without a usable row.
fn no_usable_help(cause: &RowProblem) -> &'static str {
    match cause {
        RowProblem::NumericUse(_) => "ConvertTo-Json wrote Use as the number of its enum value; export it as text: Get-CsCertificate | Select-Object @{n='Use';e={\"$($_.Use)\"}},Subject,Issuer,NotBefore,NotAfter,Thumbprint,SerialNumber,PSComputerName,AlternativeNames | ConvertTo-Json (docs/inventory.md)",
        _ => "export the inventory again as docs/inventory.md shows; every row failed for the reason above",
    }
}

/// CSV or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InventoryFormat {
    /// `Export-Csv`.
    Csv,
    /// `ConvertTo-Json`.
    Json,
}

/// A row that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    /// Where.
    pub location: RowLocation,
    /// Why.
    pub problem: RowProblem,
}

/// A loaded inventory.
#[derive(Debug, Clone)]
pub struct Inventory {
    /// The file.
    pub path: PathBuf,
    /// CSV or JSON.
    pub format: InventoryFormat,
    /// Certificates of the considered uses (`CONSIDERED_USES`, or no `Use` at all), one per
    /// computer and thumbprint, in file order.
    pub certs: Vec<InventoryCert>,
    /// Rows of other uses (WebServicesExternal, OAuthTokenIssuer...), not checked.
    pub other_uses: Vec<InventoryCert>,
    /// Rows that could not be read.
    pub bad_rows: Vec<BadRow>,
}

impl Inventory {
    /// Adds the certificates to `store` as [`CertFile`]s of [`Origin::InventoryRow`] and every
    /// bad row as an [`Unreadable`] entry.
    pub fn add_to(self, store: &mut CertStore) {
        for c in self.certs {
            store.files.push(CertFile {
                origin: Origin::InventoryRow {
                    inventory: c.inventory.clone(),
                    location: c.location,
                },
                leaf: Leaf::Inventory(c),
                chain: Vec::new(),
            });
        }
        for b in self.bad_rows {
            store.unreadable.push(Unreadable {
                path: self.path.clone(),
                error: CertLoadError::InventoryRow {
                    path: self.path.clone(),
                    location: b.location,
                    problem: b.problem,
                },
            });
        }
    }
}

/// A cell: text, or a list (JSON arrays).
#[derive(Debug, Clone)]
enum Cell {
    Text(String),
    List(Vec<String>),
    Number(String),
    Other,
}

/// One row before validation: lower-case column name → cell.
struct RawRow {
    location: RowLocation,
    cells: HashMap<String, Cell>,
}

impl RawRow {
    fn text(&self, column: &'static str) -> Result<Option<String>, RowProblem> {
        match self.cells.get(&column.to_ascii_lowercase()) {
            None => Ok(None),
            Some(Cell::Text(s)) | Some(Cell::Number(s)) => {
                let t = s.trim();
                Ok((!t.is_empty()).then(|| t.to_string()))
            }
            Some(Cell::List(_) | Cell::Other) => Err(RowProblem::JsonType { column }),
        }
    }
    fn required(&self, column: &'static str) -> Result<String, RowProblem> {
        self.text(column)?.ok_or(RowProblem::Missing { column })
    }
    fn date(&self, column: &'static str) -> Result<i64, RowProblem> {
        let v = self.required(column)?;
        date::parse(&v).map_err(|problem| RowProblem::Date {
            column,
            value: v,
            problem,
        })
    }
}

/// The columns every inventory must have.
pub(crate) const REQUIRED_COLUMNS: &[&str] =
    &["Subject", "Issuer", "NotBefore", "NotAfter", "Thumbprint"];

/// Splits an exported AlternativeNames cell: names separated by `;`, `,` or white space, each
/// optionally prefixed `DNS Name=` or `DNS:`.
fn split_names(cell: &str) -> Vec<String> {
    cell.split([';', ',', ' ', '\t', '\n', '\r'])
        .map(|n| {
            let n = n.trim();
            n.strip_prefix("Name=")
                .or_else(|| n.strip_prefix("DNS:"))
                .unwrap_or(n)
        })
        .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case("DNS"))
        .map(str::to_string)
        .collect()
}

fn upper_hex(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Validates one row.
fn build_row(path: &Path, row: &RawRow) -> Result<InventoryCert, RowProblem> {
    let subject = row.required("Subject")?;
    let issuer = row.required("Issuer")?;
    let not_before = row.date("NotBefore")?;
    let not_after = row.date("NotAfter")?;
    let thumb = upper_hex(&row.required("Thumbprint")?);
    let Some(sha1_thumbprint) = super::facts::Thumbprint::from_hex(&thumb) else {
        return Err(RowProblem::Thumbprint(thumb));
    };
    let dns_names = match row.cells.get("alternativenames") {
        Some(Cell::List(v)) => v.iter().flat_map(|s| split_names(s)).collect(),
        Some(Cell::Text(s)) => split_names(s),
        Some(Cell::Number(_) | Cell::Other) => {
            return Err(RowProblem::JsonType {
                column: "AlternativeNames",
            })
        }
        None => Vec::new(),
    };
    let uses = match row.cells.get("use") {
        Some(Cell::Number(n)) => return Err(RowProblem::NumericUse(n.clone())),
        _ => row.text("Use")?.into_iter().collect(),
    };
    let computer = match row.text("PSComputerName")? {
        Some(c) => Some(c),
        None => row.text("ComputerName")?,
    };
    Ok(InventoryCert {
        facts: CertFacts {
            common_name: super::dn::common_name(&subject).map(String::into_boxed_str),
            subject: subject.into(),
            issuer: issuer.into(),
            dns_names: dns_names.into_boxed_slice(),
            serial: upper_hex(&row.text("SerialNumber")?.unwrap_or_default()).into(),
            not_before,
            not_after,
            sha1_thumbprint,
        },
        inventory: path.to_path_buf(),
        location: row.location,
        computer,
        uses,
    })
}

/// Fails on an `AlternativeNames` cell holding the list's type name.
fn check_collection_type_name(path: &Path, rows: &[RawRow]) -> Result<(), InventoryError> {
    for r in rows {
        if let Some(Cell::Text(v)) = r.cells.get("alternativenames") {
            if v.contains(COLLECTION_TYPE_NAME) {
                return Err(InventoryError::CollectionTypeName {
                    path: path.to_path_buf(),
                    location: r.location,
                    value: v.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Reads an inventory: CSV (`Export-Csv`, with or without `#TYPE` line) or JSON
/// (`ConvertTo-Json`), detected from the content; UTF-8 (±BOM) or UTF-16 with BOM.
pub fn load(path: &Path) -> Result<Inventory, InventoryError> {
    use crate::input::ReadError;
    let bytes = crate::input::read_file(path, MAX_INVENTORY_SIZE).map_err(|e| match e {
        ReadError::Io { path, cause } => InventoryError::Io { path, cause },
        ReadError::NotAFile { path, kind } => InventoryError::NotAFile {
            path,
            kind: kind.describe(),
        },
        ReadError::TooLarge { path, size, limit } => InventoryError::TooLarge { path, size, limit },
    })?;
    parse(path, &bytes)
}

/// [`load`] on bytes already read; `path` names the inventory in messages.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Inventory, InventoryError> {
    let decoded = crate::decode::decode(bytes).map_err(|error| InventoryError::Encoding {
        path: path.to_path_buf(),
        error,
    })?;
    let text = decoded.text.as_str();
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(InventoryError::Empty {
            path: path.to_path_buf(),
        });
    }
    let (format, columns, header_line, rows, mut bad_rows) =
        if trimmed.starts_with('[') || trimmed.starts_with('{') {
            let (c, r, b) = json::json_rows(path, text)?;
            (InventoryFormat::Json, c, 1, r, b)
        } else {
            let (c, l, r) = csv::csv_rows(path, text)?;
            (InventoryFormat::Csv, c, l, r, Vec::new())
        };
    // Required columns (JSON: when there is at least one object to look at).
    if !(format == InventoryFormat::Json && rows.is_empty()) {
        for col in REQUIRED_COLUMNS {
            if !columns.iter().any(|c| c.eq_ignore_ascii_case(col)) {
                return Err(InventoryError::MissingColumn {
                    path: path.to_path_buf(),
                    line: header_line,
                    column: col,
                    found: if columns.is_empty() {
                        "none".into()
                    } else {
                        columns.join(", ")
                    },
                });
            }
        }
    }
    check_collection_type_name(path, &rows)?;
    let mut certs: Vec<InventoryCert> = Vec::new();
    // (thumbprint, lower-case computer) → index in `certs`: one certificate per server.
    let mut seen: HashMap<(super::facts::Thumbprint, Option<String>), usize> = HashMap::new();
    let mut other_uses = Vec::new();
    for r in &rows {
        match build_row(path, r) {
            Ok(c) => {
                let considered = c.uses.is_empty()
                    || c.uses
                        .iter()
                        .any(|u| CONSIDERED_USES.iter().any(|k| k.eq_ignore_ascii_case(u)));
                if !considered {
                    other_uses.push(c);
                    continue;
                }
                let key = (
                    c.facts.sha1_thumbprint,
                    c.computer.as_deref().map(str::to_ascii_lowercase),
                );
                match seen.get(&key) {
                    Some(&i) => certs[i].uses.extend(c.uses),
                    None => {
                        seen.insert(key, certs.len());
                        certs.push(c);
                    }
                }
            }
            Err(problem) => bad_rows.push(BadRow {
                location: r.location,
                problem,
            }),
        }
    }
    bad_rows.sort_by_key(|b| match b.location {
        RowLocation::Line(n) | RowLocation::Entry(n) => n,
    });
    // Rows, and not one usable: a fatal input error with its cause, a numeric Use first (it
    // is the export's fault, not a row's).
    if certs.is_empty() && other_uses.is_empty() && !bad_rows.is_empty() {
        let first = bad_rows
            .iter()
            .find(|b| matches!(b.problem, RowProblem::NumericUse(_)))
            .unwrap_or(&bad_rows[0]);
        return Err(InventoryError::NoUsableRow {
            path: path.to_path_buf(),
            location: first.location,
            cause: first.problem.clone(),
            others: bad_rows.len() - 1,
        });
    }
    Ok(Inventory {
        path: path.to_path_buf(),
        format,
        certs,
        other_uses,
        bad_rows,
    })
}

#[cfg(test)]
mod tests;
