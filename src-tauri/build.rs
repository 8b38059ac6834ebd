//! Build script of the desktop shell: generates the Tauri context and declares every app
//! command in the app manifest, so each must be granted explicitly in capabilities/main.json.

include!("src/commands/names.rs");

fn main() {
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {e:#}");
    }
    // The built UI is embedded by generate_context!: rebuild when it changes, or a UI-only
    // change (`make ui`) would leave the app serving the previous build.
    println!("cargo:rerun-if-changed=ui/dist");
}
