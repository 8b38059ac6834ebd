//! Screen-lock and suspend signals over a real D-Bus daemon (a private session bus started
//! here with `dbus-daemon`, so no desktop session is needed): each locking signal is seen,
//! the unlocking direction is not, and a bus that does not exist is a clear error.
#![cfg(target_os = "linux")]

use dbus::Message;
use dbus::blocking::Connection;
use dbus::channel::Sender;
use rampart_machine::session_events::{Bus, SessionEvent, watch};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A private bus for one test; killed on drop.
struct PrivateBus {
    daemon: Child,
    address: String,
}

impl PrivateBus {
    fn start() -> Self {
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon (package dbus) must be installed: make test-deps installs it");
        let mut line = String::new();
        BufReader::new(daemon.stdout.take().unwrap()).read_line(&mut line).unwrap();
        Self { daemon, address: line.trim().to_owned() }
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

fn emit(conn: &Connection, path: &str, interface: &str, member: &str, arg: Option<bool>) {
    let mut msg = Message::new_signal(path, interface, member).unwrap();
    if let Some(arg) = arg {
        msg = msg.append1(arg);
    }
    conn.send(msg).unwrap();
}

#[test]
fn locking_signals_are_seen_and_unlocking_ones_are_not() {
    let bus = PrivateBus::start();
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let watcher = watch(Bus::Address(bus.address.clone()), move |event| {
        let _ = tx.lock().unwrap().send(event);
    })
    .unwrap();

    let sender = Connection::new_address(&bus.address).unwrap();
    let next = || rx.recv_timeout(Duration::from_secs(5));
    // The direction that must not lock comes first, so a wrongly accepted one would be the
    // event received instead of the locking one after it.
    emit(
        &sender,
        "/org/freedesktop/ScreenSaver",
        "org.freedesktop.ScreenSaver",
        "ActiveChanged",
        Some(false),
    );
    emit(
        &sender,
        "/org/freedesktop/ScreenSaver",
        "org.freedesktop.ScreenSaver",
        "ActiveChanged",
        Some(true),
    );
    assert_eq!(next().unwrap(), SessionEvent::ScreenLocked);
    emit(&sender, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged", Some(true));
    assert_eq!(next().unwrap(), SessionEvent::ScreenLocked);
    emit(
        &sender,
        "/org/freedesktop/login1/session/_32",
        "org.freedesktop.login1.Session",
        "Lock",
        None,
    );
    assert_eq!(next().unwrap(), SessionEvent::ScreenLocked);
    emit(
        &sender,
        "/org/freedesktop/login1",
        "org.freedesktop.login1.Manager",
        "PrepareForSleep",
        Some(false),
    );
    emit(
        &sender,
        "/org/freedesktop/login1",
        "org.freedesktop.login1.Manager",
        "PrepareForSleep",
        Some(true),
    );
    assert_eq!(next().unwrap(), SessionEvent::Suspending);
    // A look-alike with the wrong argument type or another member does nothing.
    emit(
        &sender,
        "/org/freedesktop/login1/session/_32",
        "org.freedesktop.login1.Session",
        "Unlock",
        None,
    );
    emit(
        &sender,
        "/org/freedesktop/ScreenSaver",
        "org.freedesktop.ScreenSaver",
        "ActiveChanged",
        None,
    );
    assert!(rx.recv_timeout(Duration::from_millis(500)).is_err(), "nothing else locks");

    drop(watcher); // stops and joins the thread
    emit(
        &sender,
        "/org/freedesktop/ScreenSaver",
        "org.freedesktop.ScreenSaver",
        "ActiveChanged",
        Some(true),
    );
    assert!(rx.recv_timeout(Duration::from_millis(500)).is_err(), "a dropped watcher is gone");
}

#[test]
fn a_bus_that_is_not_there_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let address = format!("unix:path={}/no-such-bus", dir.path().display());
    let err = watch(Bus::Address(address), |_| {}).err().expect("no bus, no watch");
    assert!(err.contains("cannot watch the"), "{err}");
}
