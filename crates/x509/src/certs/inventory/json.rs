//! `ConvertTo-Json` inventories: one object or an array of them, each entry a row.

use super::{BadRow, Cell, InventoryError, RawRow, RowLocation, RowProblem};
use std::path::Path;

fn json_cell(v: &serde_json::Value) -> Cell {
    use serde_json::Value;
    match v {
        Value::String(s) => Cell::Text(s.clone()),
        Value::Null => Cell::Text(String::new()),
        Value::Number(n) => Cell::Number(n.to_string()),
        Value::Array(a) => Cell::List(
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
        ),
        // Windows PowerShell 5 may wrap a DateTime as {"value": "/Date(...)/", "DateTime": ...}.
        Value::Object(o) => match o.get("value") {
            Some(Value::String(s)) => Cell::Text(s.clone()),
            _ => Cell::Other,
        },
        Value::Bool(_) => Cell::Other,
    }
}

type JsonRows = (Vec<String>, Vec<RawRow>, Vec<BadRow>);

pub(super) fn json_rows(path: &Path, text: &str) -> Result<JsonRows, InventoryError> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| InventoryError::Json {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        detail: e.to_string(),
    })?;
    // ConvertTo-Json writes a single object, not an array, when there is one certificate.
    let entries = match doc {
        serde_json::Value::Array(a) => a,
        o @ serde_json::Value::Object(_) => vec![o],
        _ => {
            return Err(InventoryError::JsonShape {
                path: path.to_path_buf(),
            })
        }
    };
    let mut columns: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let location = RowLocation::Entry(i + 1);
        let Some(obj) = e.as_object() else {
            bad.push(BadRow {
                location,
                problem: RowProblem::NotAnObject,
            });
            continue;
        };
        for k in obj.keys() {
            if !columns.iter().any(|c| c.eq_ignore_ascii_case(k)) {
                columns.push(k.clone());
            }
        }
        rows.push(RawRow {
            location,
            cells: obj
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), json_cell(v)))
                .collect(),
        });
    }
    Ok((columns, rows, bad))
}
