//! Unit tests of the plan: names, reasons, deduplication, readiness.
