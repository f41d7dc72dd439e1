fn main() {
    for p in std::env::args().skip(1) {
        match topocert::topology::load_path(&p) {
            Ok(t) => {
                let g = topocert::graph::ServerGraph::build(&t);
                println!(
                    "{p}: {:?} at {} sites={} pools={} machines={} services={} problems={}",
                    t.format,
                    t.found_at,
                    t.sites.len(),
                    t.pools.len(),
                    t.machines.len(),
                    t.services.len(),
                    t.problems.len()
                );
                for (i, pool) in t.pools.iter().enumerate() {
                    println!(
                        "  {} {:?} {:?}",
                        pool.fqdn,
                        g.pool_kinds[i],
                        pool.machines
                            .iter()
                            .map(|m| t.machines[m.0].fqdn.to_string())
                            .collect::<Vec<_>>()
                    );
                }
                println!(
                    "  ft={:?} pchat={:?}",
                    g.file_transfer_machines, g.pchat_machines
                );
                for pr in &t.problems {
                    println!("  {:?}", miette::Report::new(pr.clone()));
                }
            }
            Err(e) => println!("{p}: {:?}", miette::Report::new(e)),
        }
    }
}
