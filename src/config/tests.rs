use super::*;
use crate::rules::{expired, expiring_soon, no_persistent_chat_pool, weak_key};

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(Path::new("site/topocert.toml"), text.to_string())
}

/// The error rendered as miette prints it (no colour, 100 columns).
fn rendered(e: &ConfigError) -> String {
    let mut out = String::new();
    crate::term::diagnostic_handler(miette::GraphicalTheme::unicode_nocolor(), 100)
        .render_report(&mut out, e)
        .unwrap_or_else(|_| panic!("renders"));
    out
}

const FULL: &str = r#"
ca = ["ca/issuing.cer", "/etc/pki/root.cer"]
certs = "certs"
inventory = "inventory.csv"
expiry-warn-days = 60
ignore = ["no-persistent-chat-pool"]

[severity]
weak-key = "error"
expiring-soon = "info"
"#;

#[test]
fn every_key_is_read_and_paths_are_relative_to_the_file() {
    let c = parse(FULL).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        c,
        Config {
            path: "site/topocert.toml".into(),
            ca: vec!["site/ca/issuing.cer".into(), "/etc/pki/root.cer".into()],
            certs: Some("site/certs".into()),
            inventory: Some("site/inventory.csv".into()),
            expiry_warn_days: Some(60),
            severity: BTreeMap::from([
                (weak_key::ID, Severity::Error),
                (expiring_soon::ID, Severity::Info)
            ]),
            ignore: BTreeSet::from([no_persistent_chat_pool::ID]),
        }
    );
    assert_eq!(parse("").map(|c| c.ca.len()).ok(), Some(0));
}

#[test]
fn an_unknown_key_is_an_error_at_its_line_and_column() {
    let Err(e) = parse("certs = \"certs\"\nexpiry_warn_days = 10\n") else {
        panic!("accepted an unknown key");
    };
    let ConfigError::Invalid { message, at, .. } = &e else {
        panic!("{e:?}");
    };
    assert!(
        message.starts_with("unknown field `expiry_warn_days`, expected one of"),
        "{message}"
    );
    assert_eq!(at.map(|s| s.offset()), Some(16));
    let text = rendered(&e);
    assert!(text.contains("╭─[site/topocert.toml:2:1]"), "{text}");
    assert!(text.contains("config site/topocert.toml: unknown field `expiry_warn_days`"));
}

#[test]
fn a_value_of_the_wrong_type_is_an_error_at_the_value() {
    for (text, want, line_col) in [
        (
            "expiry-warn-days = \"30\"",
            "invalid type: string \"30\", expected u32",
            "1:20",
        ),
        (
            "expiry-warn-days = -1",
            "invalid value: integer `-1`, expected u32",
            "1:20",
        ),
        (
            "ca = \"ca.cer\"",
            "invalid type: string \"ca.cer\", expected a sequence",
            "1:6",
        ),
        ("ignore = [\"weak-key\"", "", "1:"),
    ] {
        let Err(e) = parse(text) else {
            panic!("accepted {text}");
        };
        assert!(e.to_string().contains(want), "{text}: {e}");
        let r = rendered(&e);
        assert!(
            r.contains(&format!("[site/topocert.toml:{line_col}")),
            "{text}: {r}"
        );
    }
}

#[test]
fn an_unknown_rule_id_is_an_error_with_the_nearest_id() {
    let Err(e) = parse("[severity]\nweak-keys = \"error\"\n") else {
        panic!("accepted");
    };
    assert_eq!(
        e.to_string(),
        "config site/topocert.toml: no rule `weak-keys`; did you mean `weak-key`?"
    );
    assert!(rendered(&e).contains("[site/topocert.toml:2:1]"));
    let Err(e) = parse("ignore = [\"expired\", \"foriegn-ca\"]") else {
        panic!("accepted");
    };
    assert_eq!(
        e.to_string(),
        "config site/topocert.toml: no rule `foriegn-ca`; did you mean `foreign-ca`?"
    );
    assert!(
        rendered(&e).contains("[site/topocert.toml:1:22]"),
        "{}",
        rendered(&e)
    );
    let Err(e) = parse("ignore = [\"zzz\"]") else {
        panic!("accepted");
    };
    assert_eq!(e.to_string(), "config site/topocert.toml: no rule `zzz`");
}

#[test]
fn an_unknown_severity_is_an_error_at_the_value() {
    let Err(e) = parse("[severity]\nweak-key = \"fatal\"\n") else {
        panic!("accepted");
    };
    assert_eq!(
        e.to_string(),
        "config site/topocert.toml: severity `fatal` of weak-key is not error, warning or info"
    );
    assert!(rendered(&e).contains("[site/topocert.toml:2:12]"));
}

#[test]
fn rule_ids_on_the_command_line_get_the_nearest_id() {
    assert_eq!(parse_rule_id("weak-key"), Ok(weak_key::ID));
    assert_eq!(
        parse_rule_id("weak-keys"),
        Err("no rule `weak-keys`; did you mean `weak-key`?".to_string())
    );
    assert!(parse_rule_id("zzz").is_err_and(|e| e.contains("the rules are: missing-certificate")));
}

fn file() -> Config {
    parse(FULL).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn without_file_or_flags_the_defaults_apply() {
    let s = merge(None, &CliValues::default());
    assert_eq!(
        s,
        Settings {
            config_file: None,
            ca: vec![],
            certs: None,
            inventory: None,
            expiry_warn_days: DEFAULT_EXPIRY_WARN_DAYS,
            severity: BTreeMap::new(),
            ignore: BTreeSet::new(),
            ignore_flags: BTreeSet::new(),
        }
    );
    assert_eq!(s.note(), None);
}

#[test]
fn the_file_applies_where_no_flag_is_given() {
    let s = merge(Some(&file()), &CliValues::default());
    assert_eq!(s.config_file, Some("site/topocert.toml".into()));
    assert_eq!(s.ca, file().ca);
    assert_eq!(s.certs, Some("site/certs".into()));
    assert_eq!(s.inventory, Some("site/inventory.csv".into()));
    assert_eq!(s.expiry_warn_days, 60);
    assert_eq!(s.severity, file().severity);
    assert_eq!(s.ignore, file().ignore);
}

#[test]
fn flags_win_over_the_file_key_by_key() {
    let cli = CliValues {
        ca: vec!["other-ca.cer".into()],
        certs: Some("here/certs".into()),
        inventory: None,
        expiry_warn_days: Some(7),
        ignore: vec![],
    };
    let s = merge(Some(&file()), &cli);
    // --ca replaces the whole list, it does not add to it.
    assert_eq!(s.ca, vec![PathBuf::from("other-ca.cer")]);
    assert_eq!(s.certs, Some("here/certs".into()));
    // Not given on the command line: the file's.
    assert_eq!(s.inventory, Some("site/inventory.csv".into()));
    assert_eq!(s.expiry_warn_days, 7);
    // Each flag alone.
    let only = |cli: CliValues| merge(Some(&file()), &cli);
    let inventory = only(CliValues {
        inventory: Some("x.csv".into()),
        ..CliValues::default()
    });
    assert_eq!(
        (inventory.inventory, inventory.certs),
        (Some("x.csv".into()), Some("site/certs".into()))
    );
    let days = only(CliValues {
        expiry_warn_days: Some(0),
        ..CliValues::default()
    });
    assert_eq!((days.expiry_warn_days, days.ca), (0, file().ca));
    // Flags without a file: the flags, and the default for the rest.
    let s = merge(None, &cli);
    assert_eq!(
        (s.ca, s.certs, s.inventory, s.expiry_warn_days),
        (
            vec!["other-ca.cer".into()],
            Some("here/certs".into()),
            None,
            7
        )
    );
}

#[test]
fn ignore_from_the_command_line_adds_to_the_file_and_beats_an_override() {
    let cli = CliValues {
        ignore: vec![weak_key::ID, no_persistent_chat_pool::ID],
        ..CliValues::default()
    };
    let s = merge(Some(&file()), &cli);
    assert_eq!(
        s.ignore,
        BTreeSet::from([no_persistent_chat_pool::ID, weak_key::ID])
    );
    // weak-key was overridden to error in the file; ignored, it is no longer listed.
    assert_eq!(
        s.severity,
        BTreeMap::from([(expiring_soon::ID, Severity::Info)])
    );
    assert_eq!(s.severity_of(weak_key::ID, Severity::Warning), None);
    assert_eq!(
        s.severity_of(expiring_soon::ID, Severity::Warning),
        Some(Severity::Info)
    );
    assert_eq!(
        s.severity_of(expired::ID, Severity::Error),
        Some(Severity::Error)
    );
    assert_eq!(
        s.note().as_deref(),
        Some(
            "config site/topocert.toml; ignored: no-persistent-chat-pool, weak-key; severity: \
             expiring-soon = info"
        )
    );
}

#[test]
fn discovery_finds_the_file_in_the_folder_or_takes_the_one_given() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = tmp.path();
    assert_eq!(Config::discover(None, dir).ok(), Some(None));
    std::fs::write(dir.join(FILE_NAME), "certs = \"c\"").unwrap_or_else(|e| panic!("{e}"));
    let found = Config::discover(None, dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found.and_then(|c| c.certs), Some(dir.join("c")));
    let missing = dir.join("nosuch.toml");
    let Err(e) = Config::discover(Some(&missing), dir) else {
        panic!("a missing --config is an error");
    };
    assert_eq!(
        e.to_string(),
        format!(
            "cannot read config {}: {}",
            missing.display(),
            std::io::Error::from_raw_os_error(2)
        )
    );
}

#[test]
fn discovery_climbs_to_the_repository_root_and_no_further() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let outer = tmp.path();
    let repo = outer.join("repo");
    let deep = repo.join("lync").join("site1");
    std::fs::create_dir_all(&deep).unwrap_or_else(|e| panic!("{e}"));
    // Above the repository: never read.
    std::fs::write(outer.join(FILE_NAME), "certs = \"outside\"").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(find(&deep), None, "no repository: only the folder itself");
    std::fs::create_dir(repo.join(".git")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(find(&deep), None, "not above the repository root");
    std::fs::write(repo.join(FILE_NAME), "certs = \"c\"").unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir(repo.join("c")).unwrap_or_else(|e| panic!("{e}"));
    let found = find(&deep).unwrap_or_else(|| panic!("the root's file"));
    assert_eq!(found, deep.join("..").join("..").join(FILE_NAME));
    let c = Config::discover(None, &deep)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("found"));
    let certs = c.certs.unwrap_or_else(|| panic!("certs"));
    assert_eq!(
        certs.canonicalize().ok(),
        repo.join("c").canonicalize().ok()
    );
    // The nearest file wins.
    std::fs::write(deep.join("..").join(FILE_NAME), "").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(find(&deep), Some(deep.join("..").join(FILE_NAME)));
    // A worktree's `.git` is a file: it marks the root too.
    std::fs::remove_dir(repo.join(".git")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(repo.join(".git"), "gitdir: elsewhere").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(find(&deep), Some(deep.join("..").join(FILE_NAME)));
}
