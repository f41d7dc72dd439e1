//! Every command the README and docs/*.md show in a ```sh block runs as written on a clone: each
//! line starting with `topocert ` or `cargo run` is run with the built binary (examples with
//! their built example binary) in a temporary copy of the shipped samples, so the files it
//! writes land there, and must exit 0 or 1, never 2 or a clap error. `cargo install`, `cargo
//! test` and `cargo bench` lines are not run; after a `|` only the first command is run (the
//! rest, e.g. `dot`, need not be installed). Commands that reach the servers over the network
//! (`fetch`, `--fetch`) and those that read what `fetch` wrote (`fetched/`) are not run either:
//! tests never leave the machine (tests/it/fetch.rs covers them on loopback).

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};

/// One command of the docs: where it is and its words.
#[derive(Debug)]
struct DocCommand {
    at: String,
    words: Vec<String>,
}

/// What to run for a command line, or `None` for lines that are not ours to run.
enum Runnable {
    /// The topocert binary with these arguments.
    Topocert(Vec<String>),
    /// An example binary with these arguments.
    Example(String, Vec<String>),
}

/// Splits a shell command line into words: spaces separate, single and double quotes group,
/// `#` starts a comment; the words after the first `|` are dropped. Panics on shell syntax the
/// docs should not need (redirections, substitutions).
fn shell_words(line: &str, at: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, ' ' | '\t') => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, '#') if !in_word => break,
            (None, '|') => break,
            (None, '>' | '<' | '$' | '`' | ';' | '&') => {
                panic!("{at}: unsupported shell syntax `{c}` in: {line}")
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    assert!(quote.is_none(), "{at}: unclosed quote in: {line}");
    if in_word {
        words.push(word);
    }
    words
}

/// The command lines of the ```sh blocks of `file` (continuation lines joined).
fn commands_in(file: &Path) -> Vec<DocCommand> {
    let text = support::read(file);
    let name = file
        .strip_prefix(support::root())
        .unwrap_or(file)
        .display()
        .to_string();
    let mut out = Vec::new();
    let mut in_sh = false;
    let mut pending: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match fence {
            Some(lang) if !in_sh => {
                in_sh = matches!(lang.trim(), "sh" | "bash" | "shell");
                continue;
            }
            Some(_) => {
                in_sh = false;
                continue;
            }
            None if !in_sh => continue,
            None => {}
        }
        let (start, mut joined) = pending.take().unwrap_or((i + 1, String::new()));
        joined.push_str(line.trim());
        if let Some(head) = joined.strip_suffix('\\') {
            pending = Some((start, format!("{head} ")));
            continue;
        }
        let at = format!("{name}:{start}");
        let words = shell_words(&joined, &at);
        if !words.is_empty() {
            out.push(DocCommand { at, words });
        }
    }
    out
}

/// True for a command that connects to the servers, or reads what such a command wrote.
fn needs_network(words: &[String]) -> bool {
    words
        .iter()
        .any(|w| w == "fetch" || w == "--fetch" || w.starts_with("fetched"))
}

/// What to run for a command, if it is one of ours and runs without the network.
fn runnable(c: &DocCommand) -> Option<Runnable> {
    let w = &c.words;
    if needs_network(w) {
        return None;
    }
    match w.first().map(String::as_str) {
        Some("topocert") => Some(Runnable::Topocert(w[1..].to_vec())),
        Some("cargo") if w.get(1).map(String::as_str) == Some("run") => {
            let dash = w.iter().position(|x| x == "--").unwrap_or(w.len());
            let args = w.get(dash + 1..).unwrap_or_default().to_vec();
            let opts = &w[2..dash];
            match opts.iter().position(|x| x == "--example") {
                Some(i) => {
                    let name = opts
                        .get(i + 1)
                        .unwrap_or_else(|| panic!("{}: no example", c.at));
                    Some(Runnable::Example(name.clone(), args))
                }
                None => {
                    let known = opts.iter().all(|o| o == "--release" || o == "--quiet");
                    assert!(known, "{}: cargo run options {opts:?}", c.at);
                    Some(Runnable::Topocert(args))
                }
            }
        }
        _ => None,
    }
}

/// Every documented file with ```sh blocks: README.md and docs/*.md.
fn doc_files() -> Vec<PathBuf> {
    let root = support::root();
    let mut files = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = fs::read_dir(root.join("docs"))
        .expect("docs/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// The example binary `name` that `cargo test` built next to the test binaries.
fn example_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary");
    let target = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let path = target
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "example {name} not built at {}",
        path.display()
    );
    path
}

#[test]
fn commands_are_found_in_the_readme_and_docs() {
    let all: Vec<DocCommand> = doc_files().iter().flat_map(|f| commands_in(f)).collect();
    let ours: Vec<&DocCommand> = all.iter().filter(|c| runnable(c).is_some()).collect();
    assert!(ours.len() >= 10, "{ours:#?}");
    for file in [
        "README.md",
        "docs/ci.md",
        "docs/diff.md",
        "docs/inventory.md",
    ] {
        assert!(
            ours.iter().any(|c| c.at.starts_with(&format!("{file}:"))),
            "no command from {file}"
        );
    }
    // Continuation lines are joined; synopses are not in sh blocks.
    let diff = ours
        .iter()
        .find(|c| c.at.starts_with("docs/diff.md:"))
        .expect("a diff example");
    assert!(diff
        .words
        .ends_with(&["--format".into(), "markdown".into()]));
    assert!(!ours
        .iter()
        .any(|c| c.words.iter().any(|w| w == "OLD" || w == "TOPOLOGY")));
    // The fetch examples are found, and left out.
    assert!(all.iter().any(|c| needs_network(&c.words)));
    assert!(!ours.iter().any(|c| needs_network(&c.words)));
}

#[test]
fn every_documented_command_runs_on_the_shipped_files() {
    let tmp = tempfile::tempdir().expect("tmp");
    copy_tree(
        &support::root().join("sample-topologies"),
        &tmp.path().join("sample-topologies"),
    );
    let mut ran = 0;
    for c in doc_files().iter().flat_map(|f| commands_in(f)) {
        let mut cmd = match runnable(&c) {
            None => continue,
            Some(Runnable::Topocert(args)) => {
                let mut cmd = support::topocert();
                cmd.args(args);
                cmd
            }
            Some(Runnable::Example(name, args)) => {
                let mut cmd = assert_cmd::Command::new(example_binary(&name));
                cmd.args(args);
                cmd
            }
        };
        let out = cmd.current_dir(tmp.path()).output().expect("runs");
        let code = out.status.code();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(code, Some(0 | 1)),
            "{}: `{}` exited {code:?}:\n{err}",
            c.at,
            c.words.join(" ")
        );
        assert!(!err.starts_with("error:"), "{}: {err}", c.at);
        ran += 1;
    }
    assert!(ran >= 10, "only {ran} commands ran");
    // The commands that write files wrote them here.
    for written in [
        "report.html",
        "requests/plan.csv",
        ".topocert-baseline.json",
    ] {
        assert!(tmp.path().join(written).is_file(), "{written} not written");
    }
}

#[test]
fn readme_tables_are_unbroken_and_list_every_rule() {
    let readme = support::read(&support::root().join("README.md"));
    let lines: Vec<&str> = readme.lines().collect();
    // A blank line between two table rows ends the table on GitHub: the rows after it show as
    // plain text.
    for (i, w) in lines.windows(3).enumerate() {
        let row = |l: &str| l.starts_with('|');
        assert!(
            !(row(w[0]) && w[1].trim().is_empty() && row(w[2]) && !w[2].starts_with("|---")),
            "README.md:{}: a blank line splits a table",
            i + 2
        );
    }
    for (i, rule) in topocert::rules::RULES.iter().enumerate() {
        let id = rule.id().as_str();
        let row = lines
            .iter()
            .find(|l| l.starts_with(&format!("| `{id}`")) || l.contains(&format!(" / `{id}`")));
        let Some(row) = row else {
            panic!(
                "rule {id} is not in the README's rule table: add this line {} (with the \
                 `when` column in your words):\n{}",
                match i.checked_sub(1).map(|p| topocert::rules::RULES[p].id()) {
                    Some(prev) => format!("after the row of `{prev}`"),
                    None => "as the table's first row".to_string(),
                },
                rule_lists::readme_row(*rule)
            )
        };
        // The source column is the registry's: the rule's citation in short.
        let source = row
            .trim_end_matches('|')
            .rsplit('|')
            .next()
            .unwrap_or("")
            .trim();
        assert_eq!(
            source,
            rule.source().short(),
            "README's source of {id} differs from the rule's"
        );
    }
}

/// Every list of rules in README.md and docs/*.md that stands for a property of the rules (what
/// they need from a certificate, what fixes their findings) is checked against the registry:
/// a new rule that needs the certificate file fails here until it is added to each list.
mod rule_lists {
    use crate::support;
    use topocert::rules::{Needs, Remedy, Rule, RULES};

    /// The README rule table's row for a rule, as it would be added.
    pub fn readme_row(rule: &dyn Rule) -> String {
        format!(
            "| `{}` | {} | {} | {} |",
            rule.id(),
            rule.severity().as_str(),
            rule.summary(),
            rule.source().short()
        )
    }

    /// The ids of the registered rules that `keep` selects, in registry order.
    fn rules_where(keep: impl Fn(&dyn Rule) -> bool) -> Vec<&'static str> {
        RULES
            .iter()
            .filter(|r| keep(**r))
            .map(|r| r.id().as_str())
            .collect()
    }

    /// The text of `file` between the first `after` and the next `before` (across lines), with
    /// the line number of `after`.
    fn between(file: &str, after: &str, before: &str) -> (usize, String) {
        let text = support::read(&support::root().join(file));
        let Some(at) = text.find(after) else {
            panic!("{file}: the list after {after:?} is gone; it is checked against the registry")
        };
        let line = text[..at].matches('\n').count() + 1;
        let rest = &text[at + after.len()..];
        (
            line,
            rest[..rest.find(before).unwrap_or(rest.len())].to_string(),
        )
    }

    /// The first cell(s) of the table row of `file` that contains `marker`: the text before it,
    /// with its line number.
    fn row_before(file: &str, marker: &str) -> (usize, String) {
        let text = support::read(&support::root().join(file));
        let Some((i, row)) = text.lines().enumerate().find(|(_, l)| l.contains(marker)) else {
            panic!("{file}: the row with {marker:?} is gone; it is checked against the registry")
        };
        (i + 1, row[..row.find(marker).unwrap_or(0)].to_string())
    }

    /// The rule ids written in backticks in a piece of text, in order.
    fn ids_in(text: &str) -> Vec<String> {
        text.split('`')
            .skip(1)
            .step_by(2)
            .filter(|w| topocert::rules::by_id(w).is_some() || is_id_like(w))
            .map(str::to_string)
            .collect()
    }

    /// A kebab-case word that could be a rule id (so a removed rule still listed is caught).
    fn is_id_like(w: &str) -> bool {
        w.contains('-')
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }

    /// What is wrong with a documented list that must name exactly `want` in that order: which
    /// id to add or remove, and where.
    fn same_list(
        file: &str,
        (line, text): (usize, String),
        what: &str,
        want: &[&str],
    ) -> Vec<String> {
        let got = ids_in(&text);
        let mut problems = Vec::new();
        for (i, id) in want.iter().enumerate() {
            if !got.iter().any(|g| g == id) {
                let place = match i.checked_sub(1) {
                    Some(p) => format!("after `{}`", want[p]),
                    None => "first".to_string(),
                };
                problems.push(format!(
                    "{file}:{line}: add `{id}` to the list of {what} ({place})"
                ));
            }
        }
        for id in &got {
            if !want.contains(&id.as_str()) {
                problems.push(format!(
                    "{file}:{line}: remove `{id}` from the list of {what} (the registry says it is not one)"
                ));
            }
        }
        if problems.is_empty() && got != want {
            problems.push(format!(
                "{file}:{line}: list the {what} in registry order: {}",
                want.iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        problems
    }

    /// Fails with every problem, one a line.
    fn assert_none(problems: Vec<String>) {
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn the_lists_of_rules_that_need_the_certificate_file_match_the_registry() {
        let need_file = rules_where(|r| r.needs() == Needs::CertificateFile);
        let what = "rules that need the certificate file";
        let readme = between(
            "README.md",
            "the rules that read the certificate itself (",
            ")",
        );
        let mut problems = same_list("README.md", readme, what, &need_file);
        let json = between(
            "docs/json-output.md",
            "could not run without the certificate file (",
            ")",
        );
        problems.extend(same_list("docs/json-output.md", json, what, &need_file));
        let table = row_before("docs/inventory.md", " | **not checked**");
        problems.extend(same_list("docs/inventory.md", table, what, &need_file));
        assert_none(problems);
    }

    #[test]
    fn the_lists_of_rules_that_run_in_part_on_an_inventory_row_match_the_registry() {
        let partly = rules_where(|r| matches!(r.needs(), Needs::Partly(_)));
        let what = "rules that run in part on an inventory row";
        let json = between(
            "docs/json-output.md",
            "ids of the rules that ran in part (",
            ")",
        );
        let mut problems = same_list("docs/json-output.md", json, what, &partly);
        let table = row_before("docs/inventory.md", " | **partly**");
        problems.extend(same_list("docs/inventory.md", table, what, &partly));
        assert_none(problems);
    }

    #[test]
    fn the_rules_the_inventory_table_says_are_checked_as_with_files_need_only_facts() {
        let text = support::read(&support::root().join("docs/inventory.md"));
        for (i, row) in text.lines().enumerate() {
            let Some(cells) = row.split_once(" | checked as with files") else {
                continue;
            };
            for id in cells.0.split('`').skip(1).step_by(2) {
                let rule = topocert::rules::by_id(id)
                    .unwrap_or_else(|| panic!("docs/inventory.md:{}: `{id}` is not a rule", i + 1));
                assert_eq!(
                    rule.needs(),
                    Needs::Facts,
                    "docs/inventory.md:{}: remove `{id}` from the rules checked as with files \
                     (it needs more than the facts an inventory row has)",
                    i + 1
                );
            }
        }
    }

    #[test]
    fn the_list_of_rules_whose_findings_add_names_matches_the_registry() {
        let add_names = rules_where(|r| matches!(r.meta().remedy, Remedy::AddNames(_)));
        let plan = between("docs/plan.md", "(\"missing SAN x, y\": ", ")");
        assert_none(same_list(
            "docs/plan.md",
            plan,
            "rules whose findings name the missing names",
            &add_names,
        ));
    }

    #[test]
    fn every_row_of_the_readme_rule_table_is_a_rule_with_its_severity() {
        let readme = support::read(&support::root().join("README.md"));
        let mut rows = readme
            .lines()
            .enumerate()
            .skip_while(|(_, l)| !l.starts_with("| rule | severity |"))
            .skip(2)
            .take_while(|(_, l)| l.starts_with('|'))
            .peekable();
        assert!(rows.peek().is_some(), "README.md: the rule table is gone");
        for (i, row) in rows {
            let cells: Vec<&str> = row.split(" | ").collect();
            for id in cells[0].split('`').skip(1).step_by(2) {
                let Some(rule) = topocert::rules::by_id(id) else {
                    panic!(
                        "README.md:{}: `{id}` is not a rule: remove it (or its line)",
                        i + 1
                    )
                };
                assert!(
                    cells[1].starts_with(rule.severity().as_str()),
                    "README.md:{}: the severity of `{id}` is {}",
                    i + 1,
                    rule.severity().as_str()
                );
            }
        }
    }
}
