//! Renders one topology (and, when given, its certificate folder) through every format of
//! every command in the registry (`report::FORMATS`), through the library: what each renderer
//! returns, before the CLI writes it.

use std::path::Path;
use topocert::app::{self, CertificateInputs, GateInputs};
use topocert::report::{self, CommandOutput, DiffView, View};

/// `(command/format, output)` for every format in the registry; a format that needs
/// certificates is skipped without them. Panics when a renderer fails otherwise.
pub fn render_every_format(topology: &Path, certs: Option<&Path>) -> Vec<(String, String)> {
    let mut ignore = |_r: miette::Report| {};
    let name = topology.to_string_lossy().into_owned();
    let loaded = app::load_topology(&name, &mut ignore).expect("topology loads");
    let inputs = CertificateInputs {
        certs: certs.map(Path::to_path_buf),
        now: Some(1_796_083_200), // 2026-12-01
        expiry_warn_days: 30,
        ..Default::default()
    };
    let gate = GateInputs::default();
    let checked = certs.map(|_| app::check(&loaded, &inputs, &gate, &mut ignore).expect("check"));
    let (plan, plan_checked) = app::plan(&loaded, &inputs, &gate, &mut ignore).expect("plan");
    let (diff, diff_checked) =
        app::diff(&loaded, &loaded, &inputs, &gate, &mut ignore).expect("diff");
    let mut out = Vec::new();
    for f in report::FORMATS {
        let base = View::new(&loaded.topology, &name, &loaded.graph);
        let view = match f.command {
            CommandOutput::Servers | CommandOutput::Graph => base,
            CommandOutput::Check | CommandOutput::Report => View {
                checked: checked.as_ref(),
                ..base
            },
            CommandOutput::Plan => View {
                checked: plan_checked.as_ref(),
                plan: Some(&plan),
                ..base
            },
            CommandOutput::Diff => View {
                checked: diff_checked.as_ref(),
                diff: Some(DiffView {
                    diff: &diff,
                    old_name: &name,
                    new_name: &name,
                }),
                ..base
            },
        };
        match report::render_to_string(f.render, &view) {
            Ok(text) => {
                assert!(
                    !text.is_empty(),
                    "{:?} {} renders nothing",
                    f.command,
                    f.name
                );
                out.push((format!("{:?} {}", f.command, f.name), text));
            }
            Err(report::RenderError::NeedsCertificates) => {}
            Err(e) => panic!("{:?} {}: {e}", f.command, f.name),
        }
    }
    out
}
