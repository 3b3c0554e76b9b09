//! migrations tests
