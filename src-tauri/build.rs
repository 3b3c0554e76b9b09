//! Tauri's build step. tauri.conf.json sits at the top level beside this package's Cargo.toml
//! (see TAURI-NOTES.md, layout 1); only the capabilities live under src-tauri/.

fn main() {
    let attributes = tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*");
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {e:#}");
    }
}
