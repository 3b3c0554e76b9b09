//! views tests
