//! `topocert servers --format table`: fits the terminal width by listing only as many roles as
//! fit (`--wide` lists them all); server, pool and site names are never cut.

use crate::servers::ServerRow;

/// How wide the table may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TableOptions {
    /// Terminal width in columns ([`crate::term::width`]).
    pub width: usize,
    /// List every role, whatever the width.
    pub wide: bool,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            width: crate::term::FALLBACK_WIDTH,
            wide: false,
        }
    }
}

/// Narrowest ROLES column worth showing; below it the column is left out.
const MIN_ROLES_WIDTH: usize = 16;

/// The Persistent Chat part a server plays, for the PERSISTENT CHAT column.
fn persistent_chat(r: &ServerRow) -> &'static str {
    match (r.file_transfer, r.persistent_chat) {
        (true, true) => "server, file upload/download",
        (true, false) => "file upload/download",
        (false, true) => "server",
        (false, false) => "-",
    }
}

/// The roles joined with commas, cut to `width` columns at a role boundary with `+N` for the
/// roles left out (`UserServices,Registrar,+5`); `None` when no role fits.
fn roles_within(roles: &[String], width: usize) -> Option<String> {
    let all = roles.join(",");
    if all.chars().count() <= width {
        return Some(all);
    }
    (0..roles.len()).rev().find_map(|shown| {
        let mut s = roles[..shown].join(",");
        if shown > 0 {
            s.push(',');
        }
        s.push_str(&format!("+{}", roles.len() - shown));
        (s.chars().count() <= width).then_some(s)
    })
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `servers --format table`: as wide as the terminal ([`super::Style`]), every role with
/// `--wide`.
pub fn render(v: &super::View<'_>, out: &mut dyn std::io::Write) -> Result<(), super::RenderError> {
    let rows = crate::servers::server_rows(v.topology, v.graph);
    let opts = TableOptions {
        width: v.style.width,
        wide: v.wide,
    };
    write_rows(&rows, opts, out)?;
    Ok(())
}

/// The machine list as a plain-text table (names through [`super::escape::terminal`]),
/// followed by a one-line legend (wrapped to the width). The PERSISTENT CHAT column is left
/// out when no server has a part in Persistent Chat (the legend says so); ROLES lists the roles
/// that fit the width, all with `wide`.
pub(crate) fn write_rows(
    rows: &[ServerRow],
    opts: TableOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use super::escape::terminal as esc;
    let roles_of = |r: &ServerRow| -> Vec<String> { r.roles.iter().map(|x| esc(x)).collect() };
    let any_pchat = rows.iter().any(|r| r.file_transfer || r.persistent_chat);
    let mut header = vec!["SERVER", "POOL", "SITE", "KIND"];
    if any_pchat {
        header.push("PERSISTENT CHAT");
    }
    let mut body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut cells = vec![
                esc(&r.fqdn),
                esc(&r.pool),
                esc(&r.site),
                r.kind.as_str().to_string(),
            ];
            if any_pchat {
                cells.push(persistent_chat(r).to_string());
            }
            cells
        })
        .collect();
    // Too narrow even without roles: SITE, then KIND, are left out (the legend says so).
    let mut left_out = Vec::new();
    for name in ["SITE", "KIND"] {
        if opts.wide || super::table::width_of(&header, &body) <= opts.width {
            break;
        }
        if let Some(i) = header.iter().position(|h| *h == name) {
            header.remove(i);
            for row in &mut body {
                row.remove(i);
            }
            left_out.push(name);
        }
    }
    // The columns so far, with the two spaces before the next.
    let fixed = super::table::width_of(&header, &body) + 2;
    let room = opts.width.saturating_sub(fixed);
    let roles: Option<Vec<String>> = if opts.wide {
        Some(rows.iter().map(|r| roles_of(r).join(",")).collect())
    } else if room >= MIN_ROLES_WIDTH {
        Some(
            rows.iter()
                .map(|r| roles_within(&roles_of(r), room).unwrap_or_else(|| "…".to_string()))
                .collect(),
        )
    } else {
        None
    };
    let all_roles_shown = roles.as_ref().is_some_and(|shown| {
        shown
            .iter()
            .zip(rows)
            .all(|(s, r)| *s == roles_of(r).join(","))
    });
    if let Some(shown) = roles {
        header.push("ROLES");
        for (row, s) in body.iter_mut().zip(shown) {
            row.push(s);
        }
    }
    super::table::write(&header, &body, out)?;
    drop(body);
    let ft = rows.iter().filter(|r| r.file_transfer).count();
    let pc = rows.iter().filter(|r| r.persistent_chat).count();
    let mut legend = format!(
        "{}; {} the Persistent Chat file upload/download web service; {} Persistent Chat.",
        plural(rows.len(), "server", "servers"),
        plural(ft, "runs", "run"),
        plural(pc, "runs", "run"),
    );
    match (left_out.as_slice(), all_roles_shown) {
        ([], true) => {}
        ([], false) => legend.push_str(" --wide lists every role."),
        (cols, _) => legend.push_str(&format!(
            " {} left out to fit the width; --wide lists every column and role.",
            match cols {
                [one] => format!("{one} is"),
                more => format!("{} are", more.join(" and ")),
            }
        )),
    }
    out.write_all(b"\n")?;
    out.write_all(crate::term::wrap(&legend, opts.width).as_bytes())?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    /// [`write_rows`] as text.
    fn render_rows(rows: &[ServerRow], opts: TableOptions) -> String {
        let mut out = Vec::new();
        write_rows(rows, opts, &mut out).unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8(out).unwrap_or_else(|e| panic!("{e}"))
    }

    use super::*;
    use crate::graph::PoolKind;
    use crate::model::MachineIdx;

    fn row(fqdn: &str, roles: &[&str], file_transfer: bool) -> ServerRow {
        ServerRow {
            fqdn: fqdn.to_string(),
            pool: "pool01.fabrikam.com".to_string(),
            site: "Redmond".to_string(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            kind: PoolKind::FrontEnd,
            file_transfer,
            persistent_chat: false,
            machine: MachineIdx(0),
        }
    }

    const FE_ROLES: &[&str] = &[
        "UserServices",
        "Registrar",
        "WebServices",
        "ConfServices",
        "ApplicationServer",
        "MediationServer",
        "CentralMgmt",
    ];

    #[test]
    fn roles_are_cut_at_a_role_with_the_count_left_out() {
        let roles: Vec<String> = FE_ROLES.iter().map(|r| r.to_string()).collect();
        assert_eq!(
            roles_within(&roles, 30).as_deref(),
            Some("UserServices,Registrar,+5")
        );
        assert_eq!(roles_within(&roles, 3).as_deref(), Some("+7"));
        assert_eq!(roles_within(&roles, 1), None);
        assert_eq!(
            roles_within(&roles[..1], 20).as_deref(),
            Some("UserServices")
        );
    }

    #[test]
    fn the_table_fits_100_columns_at_80_drops_the_roles_and_wide_lists_every_role() {
        let rows = vec![
            row("fe01.fabrikam.com", FE_ROLES, true),
            row("pc-old.fabrikam.com", &["FileStore"], false),
        ];
        let at_100 = render_rows(
            &rows,
            TableOptions {
                width: 100,
                wide: false,
            },
        );
        for line in at_100.lines() {
            assert!(line.chars().count() <= 100, "{line}");
        }
        assert!(at_100.contains("  UserServices,+6\n"), "{at_100}");
        assert!(at_100.contains("--wide lists every role."), "{at_100}");
        // At 80 the fixed columns take 82: no room for roles, and SITE is left out to fit;
        // names whole, legend wrapped and saying so.
        let at_80 = render_rows(
            &rows,
            TableOptions {
                width: 80,
                wide: false,
            },
        );
        assert!(!at_80.contains("ROLES"), "{at_80}");
        assert!(!at_80.contains("Redmond"), "{at_80}");
        assert!(at_80.lines().all(|l| l.chars().count() <= 80), "{at_80}");
        assert!(at_80.contains("\npc-old.fabrikam.com  pool01.fabrikam.com  front-end"));
        let legend: Vec<&str> = at_80.lines().skip(5).collect();
        assert_eq!(
            legend,
            [
                "2 servers; 1 runs the Persistent Chat file upload/download web service; 0 run",
                "Persistent Chat. SITE is left out to fit the width; --wide lists every column",
                "and role.",
            ]
        );
        let wide = render_rows(
            &rows,
            TableOptions {
                width: 80,
                wide: true,
            },
        );
        assert!(wide.contains(&FE_ROLES.join(",")), "{wide}");
        assert!(!wide.contains("--wide"), "{wide}");
    }

    #[test]
    fn without_persistent_chat_the_column_is_left_out() {
        let text = render_rows(
            &[row("fe01.fabrikam.com", FE_ROLES, false)],
            TableOptions::default(),
        );
        let header = text.lines().next().unwrap_or_default();
        assert_eq!(
            header.split_whitespace().collect::<Vec<_>>(),
            ["SERVER", "POOL", "SITE", "KIND", "ROLES"]
        );
        assert!(text.contains("0 run the Persistent Chat file upload/download web service; 0 run"));
    }

    #[test]
    fn too_little_room_leaves_the_roles_out_and_names_whole() {
        let mut r = row("fe01.fabrikam.com", FE_ROLES, true);
        r.pool = "a-pool-with-a-name-long-enough-to-fill-the-line.fabrikam.com".into();
        let text = render_rows(
            &[r],
            TableOptions {
                width: 80,
                wide: false,
            },
        );
        let header = text.lines().next().unwrap_or_default();
        assert!(!header.contains("ROLES"), "{text}");
        assert!(header.ends_with("PERSISTENT CHAT"), "{text}");
        assert!(text.contains("a-pool-with-a-name-long-enough-to-fill-the-line.fabrikam.com"));
        assert!(
            text.contains("1 server; 1 runs the Persistent Chat"),
            "{text}"
        );
    }
}
