//! `rampart-desktop`: the Tauri app's entry point.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    rampart_desktop::run();
}
