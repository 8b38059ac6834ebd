//! A bare Tauri window: the baseline for Rampart's start-up, memory and idle-CPU figures.
fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("bare tauri app failed");
}
