//! The queries behind the derived views (all SQL lives under `store`).
