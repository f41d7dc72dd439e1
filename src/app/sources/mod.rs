//! Certificate sources: where the certificates of a check come from. Each source is one module
//! implementing [`CertSource`] — [`folder`] (`--certs`), [`inventory`] (`--inventory`),
//! [`fetched`] (`--fetch`) — and [`given`] is the one list of them. Adding a source is one
//! module here, its flags in `cli.rs` / [`super::CertificateInputs`], and one line in [`given`].
//! Every certificate a source adds says where it came from ([`crate::certs::Origin`]).

pub mod fetched;
pub mod folder;
pub mod inventory;

use super::{AppError, CertificateInputs, Loaded};
use crate::certs::CertStore;

/// A source as the command line names it: its flag and the value the flag takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    /// `--certs`.
    pub name: &'static str,
    /// `DIR`; `None` for a switch.
    pub value: Option<&'static str>,
    /// Whether the source reads the servers over the network (an unreachable server is not
    /// read by it).
    pub connects: bool,
}

impl Flag {
    /// The flag with its value, as a message asks for it: `--certs DIR`.
    pub fn usage(&self) -> String {
        match self.value {
            Some(v) => format!("{} {v}", self.name),
            None => self.name.to_string(),
        }
    }
}

/// Every source's flag, in the order of [`given`]: the list every message that names the
/// sources is made from (or, for static text, checked against by a test).
pub const FLAGS: &[Flag] = &[folder::FLAG, inventory::FLAG, fetched::FLAG];

/// The sources as alternatives, each with its value: "--certs DIR, --inventory FILE or
/// --fetch".
pub fn one_of() -> String {
    let usages: Vec<String> = FLAGS.iter().map(Flag::usage).collect();
    match usages.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => usages.concat(),
    }
}

/// A source of server certificates (and CA files, unreadable entries, fetched endpoints).
pub trait CertSource {
    /// Its flag (one of [`FLAGS`]).
    fn flag(&self) -> Flag;
    /// What the `missing-certificate` message says this source did not have for a server
    /// ("no file in DIR"); the descriptions of a check's sources are joined with " and ".
    fn describe_none(&self) -> String;
    /// Adds its certificates to `store` (after those of the sources before it); returns
    /// warnings that do not stop the command.
    fn add_to(&self, topology: &Loaded, store: &mut CertStore) -> Result<Vec<String>, AppError>;
}

/// The sources `c` gives, in the order their certificates enter the store: folder, inventory,
/// then fetched (a file that fits a server is preferred over an inventory row of the same
/// validity).
pub fn given(c: &CertificateInputs) -> Vec<Box<dyn CertSource + '_>> {
    let mut sources: Vec<Box<dyn CertSource + '_>> = Vec::new();
    if let Some(dir) = &c.certs {
        sources.push(Box::new(folder::CertsFolder(dir)));
    }
    if let Some(file) = &c.inventory {
        sources.push(Box::new(inventory::InventoryFile(file)));
    }
    if let Some(options) = &c.fetch {
        sources.push(Box::new(fetched::Fetched(options)));
    }
    sources
}

/// Loads every source of `c` into one store, with the description of what they lack and the
/// warnings; `None` when no source is given.
pub fn load(
    c: &CertificateInputs,
    topology: &Loaded,
) -> Result<Option<(CertStore, crate::check::CertSources, Vec<String>)>, AppError> {
    let sources = given(c);
    if sources.is_empty() {
        return Ok(None);
    }
    let mut store = CertStore::default();
    let mut warnings = Vec::new();
    for s in &sources {
        warnings.extend(s.add_to(topology, &mut store)?);
    }
    let described =
        crate::check::CertSources::Listed(sources.iter().map(|s| s.describe_none()).collect());
    Ok(Some((store, described, warnings)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_listed_in_store_order_and_described_together() {
        let c = CertificateInputs {
            certs: Some("certs".into()),
            inventory: Some("inventory.csv".into()),
            fetch: Some(crate::fetch::FetchOptions::default()),
            ..CertificateInputs::default()
        };
        let described: Vec<String> = given(&c).iter().map(|s| s.describe_none()).collect();
        assert_eq!(
            crate::check::CertSources::Listed(described).describe_none(),
            "no file in certs and no row of inventory.csv and nothing fetched from the servers"
        );
        // Negative: no flag, no source (the command then does not check).
        assert!(given(&CertificateInputs::default()).is_empty());
        // Every source `given` knows is in FLAGS, in its order.
        let flags: Vec<Flag> = given(&c).iter().map(|s| s.flag()).collect();
        assert_eq!(flags, FLAGS);
        assert_eq!(one_of(), "--certs DIR, --inventory FILE or --fetch");
    }

    /// Whether `text` names `flag` (not a longer flag that starts with it).
    fn names(text: &str, flag: &Flag) -> bool {
        text.match_indices(flag.name).any(|(i, m)| {
            !text[i + m.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
        })
    }

    /// A text that names two sources or more names every one of `meant`.
    fn assert_names_every_source(what: &str, text: &str, meant: &[&Flag]) {
        let named = FLAGS.iter().filter(|f| names(text, f)).count();
        if named < 2 {
            return;
        }
        for f in meant {
            assert!(
                names(text, f),
                "{what} lists sources without {}: {text}",
                f.name
            );
        }
    }

    #[test]
    fn static_texts_that_list_sources_name_every_source() {
        use clap::CommandFactory;
        let all: Vec<&Flag> = FLAGS.iter().collect();
        // Every command's and argument's help (a source's own flag speaks of the others).
        let cli = crate::cli::Cli::command();
        let mut checked = 0;
        for cmd in std::iter::once(&cli).chain(cli.get_subcommands()) {
            for about in [cmd.get_about(), cmd.get_long_about()]
                .into_iter()
                .flatten()
            {
                assert_names_every_source(cmd.get_name(), &about.to_string(), &all);
                checked += 1;
            }
            for arg in cmd.get_arguments() {
                let own = arg.get_long().map(|l| format!("--{l}"));
                let meant: Vec<&Flag> = FLAGS
                    .iter()
                    .filter(|f| own.as_deref() != Some(f.name))
                    .collect();
                for help in [arg.get_help(), arg.get_long_help()].into_iter().flatten() {
                    let what = format!("{} --{}", cmd.get_name(), arg.get_id());
                    assert_names_every_source(&what, &help.to_string(), &meant);
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "{checked}");
        // The rules' texts; unreachable-endpoint's fix names the sources that do not connect,
        // as a server that cannot be reached cannot be fetched either.
        for rule in crate::rules::RULES {
            let offline: Vec<&Flag> = FLAGS.iter().filter(|f| !f.connects).collect();
            let meant = if rule.id() == crate::rules::unreachable_endpoint::ID {
                assert!(!rule.fix().contains("--fetch"), "{}", rule.fix());
                offline
            } else {
                all.clone()
            };
            for text in [rule.summary(), rule.why(), rule.fix()] {
                assert_names_every_source(&rule.id().to_string(), text, &meant);
            }
        }
        // The renderers' errors.
        let needs = crate::report::RenderError::NeedsCertificates.to_string();
        for f in FLAGS {
            assert!(names(&needs, f), "{needs}");
        }
    }
}
