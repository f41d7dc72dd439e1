//! The baseline of every topology bench: `std::str::from_utf8` plus every quick-xml event of the
//! document, nothing else (the floor of any quick-xml based reader). Shared by `benches/parse.rs`
//! and `benches/scale.rs` through `#[path]`.

use std::hint::black_box;

/// The baseline: every quick-xml event of the document, nothing else.
pub fn raw_scan(bytes: &[u8]) -> usize {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return 0;
    };
    let mut reader = quick_xml::Reader::from_str(text);
    let mut events = 0usize;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) | Err(_) => break,
            Ok(ev) => {
                black_box(&ev);
                events += 1;
            }
        }
    }
    events
}
