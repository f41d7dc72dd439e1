//! The floors hold: a library crate under `crates/` depends only on the crates below it
//! (normal, dev and build dependencies alike), never on `topocert` itself, so the crates cannot
//! form a cycle. A new crate must be added to LAYERS (docs/ARCHITECTURE.md has the same table).

use std::path::Path;

/// Each library crate (its folder under `crates/`) and the topocert crates it may depend on.
const LAYERS: &[(&str, &[&str])] = &[
    ("base", &[]),
    ("topology", &["base"]),
    ("x509", &["base"]),
    ("check", &["base", "topology", "x509"]),
    ("fetch", &["base", "topology", "x509", "check"]),
    ("report", &["base", "topology", "x509", "check"]),
];

/// The topocert crates a manifest's table of dependencies names (`topocert-x` -> `x`).
fn topocert_deps(table: Option<&toml::Value>) -> Vec<String> {
    let deps = table.and_then(|v| v.as_table());
    deps.into_iter()
        .flat_map(|t| t.iter())
        .filter_map(|(name, spec)| {
            // `package = "topocert-x"` renames count as the crate they name.
            let real = spec.get("package").and_then(|p| p.as_str()).unwrap_or(name);
            (real == "topocert" || real.starts_with("topocert-")).then(|| real.to_string())
        })
        .collect()
}

#[test]
fn crates_depend_only_on_lower_crates() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&crates).expect("crates/ readable") {
        let dir = entry.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let Some((_, allowed)) = LAYERS.iter().find(|(n, _)| *n == name) else {
            panic!(
                "crates/{name} is not in LAYERS (tests/it/layers.rs): say which crates it may use"
            );
        };
        let text = std::fs::read_to_string(dir.join("Cargo.toml")).expect("Cargo.toml");
        let manifest: toml::Table = toml::from_str(&text).expect("valid TOML");
        let package = manifest.get("package").and_then(|p| p.get("name"));
        assert_eq!(
            package.and_then(|n| n.as_str()),
            Some(format!("topocert-{name}").as_str()),
            "crates/{name} is the package topocert-{name}"
        );
        let mut tables = Vec::new();
        for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
            tables.push((section.to_string(), manifest.get(section)));
        }
        // [target.'cfg(...)'.dependencies] and the like.
        for (target, t) in manifest
            .get("target")
            .and_then(|t| t.as_table())
            .into_iter()
            .flatten()
        {
            for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
                tables.push((format!("target.{target}.{section}"), t.get(section)));
            }
        }
        for (section, table) in tables {
            for dep in topocert_deps(table) {
                assert_ne!(
                    dep, "topocert",
                    "crates/{name} [{section}] depends on the binary crate"
                );
                let layer = dep.trim_start_matches("topocert-");
                assert!(
                    allowed.contains(&layer),
                    "crates/{name} [{section}] depends on {dep}: upward or sideways (allowed: {allowed:?})"
                );
            }
        }
        found.push(name);
    }
    found.sort();
    let mut want: Vec<&str> = LAYERS.iter().map(|(n, _)| *n).collect();
    want.sort();
    assert_eq!(found, want, "every layer has its crate");
}
