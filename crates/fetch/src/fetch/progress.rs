//! What a caller learns while a fetch runs: how many endpoints, then each one as it finishes.
//! The library never draws anything; the binary shows a progress bar through this trait.

use super::capture::EndpointResult;

/// Told about a fetch as it runs, always from the calling thread.
pub trait Progress {
    /// The fetch is about to try `endpoints` endpoints.
    fn start(&mut self, endpoints: usize) {
        let _ = endpoints;
    }
    /// One endpoint finished (in the order they finish).
    fn finished(&mut self, result: &EndpointResult) {
        let _ = result;
    }
    /// Every endpoint finished.
    fn end(&mut self) {}
}
