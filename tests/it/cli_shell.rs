//! `topocert completions SHELL` and `topocert man`: generated from the clap definitions.

use crate::support;

use support::run_in_root;

#[test]
fn bash_completions_name_topocert_and_its_commands() {
    let (code, script, err) = run_in_root("completions", &["bash"]);
    assert_eq!(code, 0, "{err}");
    assert!(script.contains("complete -F _topocert"), "{script}");
    for word in [
        "topocert",
        "check",
        "servers",
        "--certs",
        "--wide",
        "completions",
    ] {
        assert!(script.contains(word), "{word} missing");
    }
    // The script is valid bash (when bash is there to say so).
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("topocert.bash");
    std::fs::write(&path, &script).expect("write");
    if let Ok(out) = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
    {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn every_shell_gets_a_script() {
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let (code, script, err) = run_in_root("completions", &[shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(script.contains("topocert"), "{shell}");
    }
    let (code, _, err) = run_in_root("completions", &["tcsh"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'tcsh'"), "{err}");
}

/// The `.TH` line of a roff page; it comes before any section (`.ie`/`.el` string definitions
/// may precede it).
fn title_line(page: &str) -> &str {
    let th = page
        .lines()
        .position(|l| l.starts_with(".TH "))
        .expect(".TH");
    assert!(page
        .lines()
        .take(th)
        .all(|l| l.starts_with(".ie ") || l.starts_with(".el ")));
    page.lines().nth(th).unwrap_or_default()
}

#[test]
fn the_man_page_is_roff_with_every_command() {
    let (code, page, err) = run_in_root("man", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(title_line(&page).starts_with(".TH topocert 1 "), "{page}");
    assert!(page.contains(".SH NAME\ntopocert \\- Certificate readiness checks"));
    for command in [
        "servers",
        "check",
        "plan",
        "diff",
        "report",
        "completions",
        "man",
    ] {
        assert!(
            page.contains(&format!("topocert\\-{command}(1)")),
            "{command}"
        );
    }
}

#[test]
fn a_command_has_its_own_man_page() {
    let (code, page, err) = run_in_root("man", &["check"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        title_line(&page).starts_with(".TH topocert-check 1 "),
        "{page}"
    );
    assert!(page.contains("\\fB\\-\\-certs\\fR"), "{page}");
    let (code, _, err) = run_in_root("man", &["chek"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("topocert: no command `chek`; the commands are: servers, graph, check"));
}

/// `--ignore` completes to the rule ids (from the registry), and an unknown id is still
/// refused with a suggestion.
#[test]
fn ignore_completes_to_every_rule_id() {
    // clap_complete writes possible values for bash, fish and zsh (not PowerShell or elvish).
    for shell in ["bash", "fish", "zsh"] {
        let (code, script, err) = run_in_root("completions", &[shell]);
        assert_eq!(code, 0, "{err}");
        for rule in topocert::rules::RULES {
            assert!(
                script.contains(rule.id().as_str()),
                "{shell}: {} is not offered",
                rule.id()
            );
        }
    }
    let (code, _, err) = run_in_root(
        "check",
        &[
            "sample-topologies/standard-edition/topology.xml",
            "--certs",
            "sample-topologies/standard-edition/certs",
            "--ignore",
            "foreign-caa",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `foreign-ca`"), "{err}");
}
