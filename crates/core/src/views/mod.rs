//! Derived views: pure functions of the book's data and `now`.
