//! `topocert servers --format json`: `schema_version` and one object per server
//! (docs/json-output.md), each row made as it is written.

use crate::graph::ServerGraph;
use crate::model::{MachineIdx, Topology};
use crate::servers::{server_row, SCHEMA_VERSION};
use serde::{Serialize, Serializer};

/// The document of [`crate::servers::ServerList`], its rows made one by one.
#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    servers: Rows<'a>,
}

/// Every machine's [`crate::servers::ServerRow`], in document order, made when written.
struct Rows<'a>(&'a Topology, &'a ServerGraph);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Rows(topo, graph) = *self;
        s.collect_seq((0..topo.machines.len()).map(|i| server_row(topo, graph, MachineIdx(i))))
    }
}

/// `servers --format json`.
pub fn render(v: &super::View<'_>, out: &mut dyn std::io::Write) -> Result<(), super::RenderError> {
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        servers: Rows(v.topology, v.graph),
    };
    super::write_json(&doc, out)
}

#[cfg(test)]
mod tests {
    use crate::report::{render_to_string, View};

    /// The rows made one by one are the document of every row made first.
    #[test]
    fn streamed_rows_are_the_server_list() {
        for sample in ["enterprise-multisite", "rules-lab"] {
            let path = format!(
                "{}/../../sample-topologies/{sample}/topology.xml",
                env!("CARGO_MANIFEST_DIR")
            );
            let topo = crate::topology::load_path(&path).expect("sample loads");
            let graph = crate::graph::ServerGraph::build(&topo);
            let rows = crate::servers::server_rows(&topo, &graph);
            let whole = crate::report::to_json(&crate::servers::ServerList::new(&rows));
            let view = View::new(&topo, sample, &graph);
            let streamed = render_to_string(super::render, &view).expect("renders");
            assert_eq!(streamed, whole, "{sample}");
            assert!(rows.len() > 5, "{sample}");
        }
    }
}
