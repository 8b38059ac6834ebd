//! The secrets clipboard on a real X server (an Xvfb started here, so no desktop is needed):
//! a copy is readable, carries the password-manager hint that keeps it out of clipboard
//! histories, and is cleared only while it is still ours.
#![cfg(target_os = "linux")]

use rampart_machine::secret_clipboard::SecretClipboard;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Xvfb(Child);

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts Xvfb on a free display (its socket appears once it is ready) and returns it with
/// the display name.
fn xvfb() -> (Xvfb, String) {
    for number in (std::process::id() % 400 + 200)..700 {
        if std::path::Path::new(&format!("/tmp/.X11-unix/X{number}")).exists()
            || std::path::Path::new(&format!("/tmp/.X{number}-lock")).exists()
        {
            continue;
        }
        let mut child = Command::new("Xvfb")
            .args([&format!(":{number}"), "-nolisten", "tcp", "-screen", "0", "640x480x24"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb (package xvfb) must be installed: make test-deps installs it");
        for _ in 0..100 {
            if std::path::Path::new(&format!("/tmp/.X11-unix/X{number}")).exists() {
                return (Xvfb(child), format!(":{number}"));
            }
            if child.try_wait().unwrap().is_some() {
                break; // lost a race for this display; try the next
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("no free X display for Xvfb");
}

fn xclip(display: &str, args: &[&str]) -> String {
    let out = Command::new("xclip")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("xclip (package xclip) must be installed: make test-deps installs it");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn xclip_set(display: &str, text: &str) {
    let mut child = Command::new("xclip")
        .args(["-selection", "clipboard", "-loops", "0"])
        .env("DISPLAY", display)
        .stdin(Stdio::piped())
        // xclip stays in the background to serve the selection: keep it off our pipes.
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let _ = child.wait();
}

/// Starts an X server and runs [`on_a_private_display`] in a child process of this test
/// binary with DISPLAY pointing at it (arboard reads the display from the environment, and
/// this test must not change its own).
#[test]
fn a_copied_secret_carries_the_history_hint_and_is_cleared_only_while_ours() {
    let (_xvfb, display) = xvfb();
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "on_a_private_display", "--ignored", "--nocapture"])
        .env("DISPLAY", &display)
        .env("RAMPART_CLIPBOARD_TEST_DISPLAY", &display)
        .output()
        .unwrap();
    let log =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{log}");
    assert!(log.contains("1 passed"), "the child ran the test: {log}");
}

#[test]
#[ignore = "run by the test above on its own X server"]
fn on_a_private_display() {
    let display = std::env::var("RAMPART_CLIPBOARD_TEST_DISPLAY").expect(
        "run through a_copied_secret_carries_the_history_hint_and_is_cleared_only_while_ours",
    );
    assert_eq!(std::env::var("DISPLAY").unwrap(), display);
    let clipboard = SecretClipboard::new();

    let first = clipboard.copy("s3cret-value").unwrap();
    assert_eq!(xclip(&display, &["-o", "-selection", "clipboard"]), "s3cret-value");
    let targets = xclip(&display, &["-o", "-selection", "clipboard", "-t", "TARGETS"]);
    assert!(targets.contains("x-kde-passwordManagerHint"), "targets: {targets}");
    assert_eq!(
        xclip(&display, &["-o", "-selection", "clipboard", "-t", "x-kde-passwordManagerHint"]),
        "secret"
    );

    // A newer copy owns the clipboard: the older one's timer does nothing.
    let second = clipboard.copy("another-secret").unwrap();
    assert!(!clipboard.clear_if_ours(first));
    assert_eq!(xclip(&display, &["-o", "-selection", "clipboard"]), "another-secret");
    assert!(clipboard.clear_if_ours(second));
    assert_eq!(xclip(&display, &["-o", "-selection", "clipboard"]), "");

    // The user copied something else since: it is left alone.
    clipboard.copy("third-secret").unwrap();
    xclip_set(&display, "the user's own text");
    std::thread::sleep(Duration::from_millis(200));
    assert!(!clipboard.clear_now(), "not ours any more");
    assert_eq!(xclip(&display, &["-o", "-selection", "clipboard"]), "the user's own text");
}
