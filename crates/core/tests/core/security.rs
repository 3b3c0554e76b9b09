//! security tests
