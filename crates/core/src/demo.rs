//! Deterministic demo books.
