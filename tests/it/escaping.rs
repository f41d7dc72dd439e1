//! A site name and a certificate DN that contain `<`, `|`, a backtick and a newline come out
//! inert in every format: no markup, no table column, no code span, no new line of output.

use crate::support;

use crate::every_format;

use std::path::Path;
use topocert_x509::test_pki::{ymd, Leaf};

const HOSTILE_SITE_XML: &str = "Red&lt;zz&gt;mond|`x`&#10;EVILSITE";
const HOSTILE_ORG: &str = "Evil<yy>Corp|`y`\nEVILORG";

/// The standard-edition sample with a hostile site name, and a self-signed certificate for
/// its server whose subject organisation is hostile.
fn fixture(dir: &Path) -> (String, String) {
    let xml = std::fs::read_to_string(
        support::root().join("sample-topologies/standard-edition/topology.xml"),
    )
    .expect("sample");
    let xml = xml.replacen(
        "<Name>Redmond</Name>",
        &format!("<Name>{HOSTILE_SITE_XML}</Name>"),
        1,
    );
    let topo = dir.join("topology.xml");
    std::fs::write(&topo, xml).expect("write");
    let certs = dir.join("certs");
    std::fs::create_dir(&certs).expect("mkdir");
    let cert = bare(Leaf {
        org: Some(HOSTILE_ORG.into()),
        ..Leaf::good("lyncse01.fabrikam.com", &[])
    })
    .self_signed();
    std::fs::write(certs.join("lyncse01.fabrikam.com.cer"), cert).expect("write");
    (
        topo.to_string_lossy().into_owned(),
        certs.to_string_lossy().into_owned(),
    )
}

/// `leaf` without key usage, extended key usage and CRL distribution point, valid 1975..4096:
/// only a name and SANs.
fn bare(leaf: Leaf) -> Leaf {
    Leaf {
        key_usages: Vec::new(),
        eku: Vec::new(),
        crl: Vec::new(),
        validity: (ymd(1975, 1, 1), ymd(4096, 1, 1)),
        ..leaf
    }
}

fn out(command: &str, args: &[&str]) -> String {
    let (code, out, err) = support::run_in_root(command, args);
    assert!(code == 0 || code == 1, "{command} {args:?}: {err}");
    out
}

/// No line of the output starts with the text after a hostile newline.
fn no_injected_line(name: &str, text: &str) {
    for l in text.lines() {
        let t = l.trim_start_matches([' ', '│', '|', '*', '-', '>']);
        assert!(
            !t.starts_with("EVILSITE") && !t.starts_with("EVILORG"),
            "{name}: a value started a line: {l:?}"
        );
    }
}

#[test]
fn hostile_names_are_inert_in_every_format() {
    let dir = tempfile::tempdir().expect("tmp");
    let (topo, certs) = fixture(dir.path());
    let base = [
        topo.as_str(),
        "--certs",
        certs.as_str(),
        "--now",
        "2026-12-01T00:00:00Z",
    ];
    let with = |f: &'static str| {
        let mut a = base.to_vec();
        a.extend(["--format", f]);
        a
    };

    let human = out("check", &with("human"));
    no_injected_line("human", &human);
    assert!(human.contains("Evil<yy>Corp|`y`\\u{a}EVILORG"), "{human}");

    for (name, md) in [
        ("check markdown", out("check", &with("markdown"))),
        ("plan markdown", out("plan", &with("markdown"))),
    ] {
        no_injected_line(name, &md);
        assert!(!md.contains("<zz>") && !md.contains("<yy>"), "{name}: {md}");
        assert!(
            !md.contains("mond|") && !md.contains("Corp|"),
            "{name}: raw | in {md}"
        );
        assert!(
            !md.contains("`x`") && !md.contains("`y`"),
            "{name}: raw backticks in {md}"
        );
    }

    let html_path = dir.path().join("r.html");
    let mut report = base.to_vec();
    let hp = html_path.to_string_lossy().into_owned();
    report.extend(["--out", hp.as_str()]);
    let (code, _, err) = support::run_in_root("report", &report);
    assert!(code == 0 || code == 1, "{err}");
    let html = std::fs::read_to_string(&html_path).expect("html");
    for bad in ["<zz>", "<yy>"] {
        if let Some(i) = html.find(bad) {
            panic!(
                "raw markup in the report: {}",
                &html[i.saturating_sub(120)..i + 10]
            );
        }
    }
    assert!(
        html.contains("Red&lt;zz&gt;mond"),
        "site name shown escaped"
    );

    let junit = out("check", &with("junit"));
    assert!(!junit.contains("<zz>") && !junit.contains("<yy>"));
    let mut reader = quick_xml::Reader::from_str(&junit);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("JUnit is not XML: {e}\n{junit}"),
        }
    }

    // JSON carries the value exactly (serde escapes it).
    let json: serde_json::Value = serde_json::from_str(&out("check", &with("json"))).expect("json");
    let subject = json["servers"][0]["certificate"]["subject"]
        .as_str()
        .unwrap_or("");
    assert!(subject.contains(HOSTILE_ORG), "{subject}");
    let sarif: serde_json::Value =
        serde_json::from_str(&out("check", &with("sarif"))).expect("sarif");
    assert!(sarif["runs"][0]["results"].is_array());

    let mermaid = out("graph", &[topo.as_str(), "--format", "mermaid"]);
    no_injected_line("mermaid", &mermaid);
    assert!(
        !mermaid.contains("<zz>") && !mermaid.contains("mond|"),
        "{mermaid}"
    );
    let dot = out("graph", &[topo.as_str(), "--format", "dot"]);
    no_injected_line("dot", &dot);
    assert!(!dot.contains("<zz>"), "{dot}");
}

/// Terminal controls in a certificate DN (subject and issuer of a self-signed certificate),
/// a file name in `--certs`, the topology's file name and a site name (character references
/// XML allows) never reach standard output or standard error raw, in any command or format.
mod controls {
    use super::{bare, every_format, support, Leaf};
    use std::path::PathBuf;
    use topocert::report::{CommandOutput, FORMATS};

    /// ESC (a colour), BEL, an OSC 8 hyperlink, C1 CSI and RLO.
    const CONTROLS: &str =
        "\u{1b}[31mESC\u{7}BEL\u{1b}]8;;http://x\u{1b}\\OSC8\u{9b}2JCSI\u{202e}RLO";
    /// The same in a file name (no `/`).
    const FILE: &str = "bad\u{1b}[31m\u{7}\u{1b}]8;;x\u{1b}\\\u{9b}2J\u{202e}name.cer";

    /// The first character a terminal would act on: C0 other than LF, TAB and CR, DEL, C1,
    /// a bidi control or a line separator.
    fn raw_control(s: &str) -> Option<(usize, char)> {
        s.char_indices().find(|&(_, c)| {
            let u = u32::from(c);
            (u < 0x20 && !matches!(c, '\n' | '\t' | '\r'))
                || (0x7f..=0x9f).contains(&u)
                || matches!(
                    u,
                    0x061c | 0x200e | 0x200f | 0x202a..=0x202e | 0x2066..=0x2069 | 0x2028 | 0x2029
                )
        })
    }

    /// Where `s` has a raw control character, with some text around it.
    fn leak(what: &str, s: &str) -> Option<String> {
        let (i, c) = raw_control(s)?;
        let from = topocert::term::floor_char_boundary(s, i.saturating_sub(60));
        let to = topocert::term::floor_char_boundary(s, i + 30);
        Some(format!("{what}: raw {c:?} at {i}: {:?}", &s[from..to]))
    }

    /// Collects every leak, so a failure lists every command and format at once.
    #[derive(Default)]
    struct Leaks(Vec<String>);

    impl Leaks {
        fn check(&mut self, what: &str, s: &str) {
            self.0.extend(leak(what, s));
        }
        fn assert_none(self) {
            assert!(self.0.is_empty(), "{}", self.0.join("\n"));
        }
    }

    struct Fixture {
        _dir: tempfile::TempDir,
        topology: PathBuf,
        certs: PathBuf,
        html: PathBuf,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().expect("tmp");
        let xml = std::fs::read_to_string(
            support::root().join("sample-topologies/standard-edition/topology.xml"),
        )
        .expect("sample");
        let xml = xml.replacen(
            "<Name>Redmond</Name>",
            "<Name>Red&#x202E;mond&#x9B;2J</Name>",
            1,
        );
        let topology = dir.path().join("topo\u{1b}[2J\u{202e}.xml");
        std::fs::write(&topology, xml).expect("write");
        let certs = dir.path().join("certs");
        std::fs::create_dir(&certs).expect("mkdir");
        let cert = bare(Leaf {
            cn: format!("lyncse01{CONTROLS}"),
            org: Some(CONTROLS.into()),
            ..Leaf::good("lyncse01.fabrikam.com", &[])
        })
        .self_signed();
        std::fs::write(certs.join("lyncse01.fabrikam.com.cer"), cert).expect("write");
        // An unreadable file whose name every format reports.
        std::fs::write(certs.join(FILE), b"not a certificate").expect("write");
        let html = dir.path().join("report.html");
        Fixture {
            _dir: dir,
            topology,
            certs,
            html,
        }
    }

    fn command_name(c: CommandOutput) -> &'static str {
        match c {
            CommandOutput::Servers => "servers",
            CommandOutput::Graph => "graph",
            CommandOutput::Check => "check",
            CommandOutput::Plan => "plan",
            CommandOutput::Diff => "diff",
            CommandOutput::Report => "report",
        }
    }

    fn os(s: &str) -> &std::ffi::OsStr {
        std::ffi::OsStr::new(s)
    }

    fn run(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
        let out = support::topocert()
            .current_dir(support::root())
            .env_remove("NO_COLOR")
            // Wide enough that every column (SITE too) is shown.
            .env("COLUMNS", "400")
            .args(args)
            .output()
            .expect("runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    #[test]
    fn no_raw_control_character_reaches_the_terminal_in_any_command_or_format() {
        let fx = fixture();
        let sample = support::root().join("sample-topologies/standard-edition/topology.xml");
        let (topo, certs, html) = (
            fx.topology.as_os_str(),
            fx.certs.as_os_str(),
            fx.html.as_os_str(),
        );
        let now = [os("--now"), os("2026-12-01T00:00:00Z")];
        let mut seen_escaped = false;
        let mut leaks = Leaks::default();
        for f in FORMATS {
            let command = command_name(f.command);
            let mut args: Vec<&std::ffi::OsStr> = vec![os(command)];
            match f.command {
                CommandOutput::Servers | CommandOutput::Graph => args.push(topo),
                CommandOutput::Check | CommandOutput::Plan | CommandOutput::Report => {
                    args.extend([topo, os("--certs"), certs]);
                    args.extend(now);
                }
                CommandOutput::Diff => {
                    args.extend([sample.as_os_str(), topo, os("--certs"), certs]);
                    args.extend(now);
                }
            }
            match f.command {
                CommandOutput::Report => args.extend([os("--out"), html]),
                _ => args.extend([os("--format"), os(f.name)]),
            }
            for color in ["never", "always"] {
                let mut args = args.clone();
                if matches!(f.command, CommandOutput::Check | CommandOutput::Diff) {
                    args.extend([os("--color"), os(color)]);
                } else if color == "always" {
                    continue;
                }
                let (code, out, err) = run(&args);
                let what = format!("{command} --format {} --color {color}", f.name);
                assert!(code == 0 || code == 1, "{what}: exit {code}: {err}");
                // Colour is the only escape sequence left: SGR, never OSC 8 or CSI J.
                let plain = strip_sgr(&out);
                leaks.check(&format!("{what} (stdout)"), &plain);
                leaks.check(&format!("{what} (stderr)"), &strip_sgr(&err));
                seen_escaped |= out.contains("\\u{1b}") && out.contains("\\u{202e}");
                if f.command == CommandOutput::Report {
                    let page = std::fs::read_to_string(&fx.html).expect("report written");
                    leaks.check("report --out (file)", &page);
                }
            }
        }
        leaks.assert_none();
        assert!(seen_escaped, "the hostile values are shown somewhere");
        let mut leaks = Leaks::default();

        // JSON carries the DN exactly, escaped.
        let (_, json, _) = run(&[
            os("check"),
            topo,
            os("--certs"),
            certs,
            os("--format"),
            os("json"),
        ]);
        assert!(
            json.contains("\\u009b") && json.contains("\\u202e"),
            "{json}"
        );
        let v: serde_json::Value = serde_json::from_str(&json).expect("json");
        let subject = v["servers"][0]["certificate"]["subject"]
            .as_str()
            .unwrap_or("");
        assert!(subject.contains(CONTROLS), "{subject}");

        // explain echoes an unknown rule id on standard error; names on error lines too.
        let hostile_rule = format!("foreign{CONTROLS}");
        let (code, out, err) = run(&[os("explain"), os(&hostile_rule)]);
        assert_eq!(code, 2, "{err}");
        leaks.check("explain (stdout)", &out);
        leaks.check("explain (stderr)", &strip_sgr(&err));
        assert!(err.contains("\\u{1b}"), "{err}");
        for args in [
            vec![os("explain"), os("--list")],
            vec![os("explain"), os("foreign-ca")],
            vec![os("check"), certs, os("--certs"), certs],
        ] {
            let (_, out, err) = run(&args);
            leaks.check("explain/errors (stdout)", &out);
            leaks.check("explain/errors (stderr)", &strip_sgr(&err));
        }
        let (code, _, err) = run(&[os("man"), os(&hostile_rule)]);
        assert_eq!(code, 2, "{err}");
        leaks.check("man (stderr)", &strip_sgr(&err));
        let missing = fx.certs.join(FILE).with_extension("xml");
        let (code, _, err) = run(&[os("check"), missing.as_os_str()]);
        assert_eq!(code, 2, "{err}");
        leaks.check("missing topology (stderr)", &strip_sgr(&err));
        leaks.assert_none();
    }

    /// Every renderer's own output is inert, before the CLI's last pass over it.
    #[test]
    fn every_renderer_shows_controls_visibly() {
        let fx = fixture();
        let mut leaks = Leaks::default();
        for (format, text) in every_format::render_every_format(&fx.topology, Some(&fx.certs)) {
            leaks.check(&format, &strip_sgr(&text));
        }
        leaks.assert_none();
    }

    /// `s` without the SGR colour sequences (`ESC [ digits/semicolons m`) the styles write.
    fn strip_sgr(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find("\u{1b}[") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let params = after
                .bytes()
                .take_while(|b| b.is_ascii_digit() || *b == b';')
                .count();
            if after.as_bytes().get(params) == Some(&b'm') {
                rest = &after[params + 1..];
            } else {
                out.push('\u{1b}');
                rest = &rest[i + 1..];
            }
        }
        out.push_str(rest);
        out
    }
}
