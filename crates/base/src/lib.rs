//! topocert-base: what every layer of topocert shares — RFC 3339 time, terminal width and
//! wrapping, the one escaping of values for each output format, diagnostic snippets clipped to
//! the width, source text with line starts ([`source::Src`]), BOM/UTF-16
//! decoding, bounded reads of input files and atomic writes of outputs, certificate-file
//! sniffing by first bytes, and the Lync certificate usages. It knows nothing of topology
//! models, certificate parsing, checks, rules or output formats, and never prints or exits.

pub mod decode;
pub mod escape;
pub mod input;
pub mod output;
pub mod sniff;
pub mod snippet;
pub mod source;
pub mod term;
pub mod time;
pub mod usage;
