//! Tests (fixtures made with rcgen at test time).
