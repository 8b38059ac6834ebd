//! Screen lock and suspend, as the desktop session announces them on D-Bus, so the app can lock
//! itself with the screen. Listened for (on whichever bus is given; the desktop watches both
//! the session and the system bus):
//!
//! - `org.freedesktop.ScreenSaver.ActiveChanged(true)` and `org.gnome.ScreenSaver.ActiveChanged(true)`
//!   (KDE, GNOME, Xfce, Cinnamon): the screen locked or the screensaver started;
//! - `org.freedesktop.login1.Session.Lock()` (logind, `loginctl lock-session`);
//! - `org.freedesktop.login1.Manager.PrepareForSleep(true)` (logind, just before suspend).
//!
//! The other direction (screensaver off, resume) never unlocks anything. Any peer on the bus can
//! send these signals; the worst it can do is lock the app, which is why no sender is required.

use dbus::Message;
use dbus::blocking::Connection;
use dbus::message::MatchRule;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Something that should lock the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEvent {
    /// The screen locked (or the screensaver started).
    ScreenLocked,
    /// The machine is about to suspend.
    Suspending,
}

/// Which bus to watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bus {
    Session,
    System,
    /// A bus by address (tests: a private `dbus-daemon`).
    Address(String),
}

/// The signals listened for: (interface, member).
pub const SIGNALS: &[(&str, &str)] = &[
    ("org.freedesktop.ScreenSaver", "ActiveChanged"),
    ("org.gnome.ScreenSaver", "ActiveChanged"),
    ("org.freedesktop.login1.Session", "Lock"),
    ("org.freedesktop.login1.Manager", "PrepareForSleep"),
];

/// What a signal means for the app; `None` for those that do not lock (screensaver off,
/// resume, an argument of the wrong type).
pub fn event_of(interface: &str, member: &str, first_bool: Option<bool>) -> Option<SessionEvent> {
    match (interface, member, first_bool) {
        ("org.freedesktop.ScreenSaver" | "org.gnome.ScreenSaver", "ActiveChanged", Some(true)) => {
            Some(SessionEvent::ScreenLocked)
        }
        ("org.freedesktop.login1.Session", "Lock", _) => Some(SessionEvent::ScreenLocked),
        ("org.freedesktop.login1.Manager", "PrepareForSleep", Some(true)) => {
            Some(SessionEvent::Suspending)
        }
        _ => None,
    }
}

/// A running watch; dropping it stops the thread (within about half a second).
pub struct Watcher {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Watcher {
    /// Keeps watching for the life of the process (the desktop's watch).
    pub fn detach(mut self) {
        self.thread.take();
        std::mem::forget(self);
    }
}

fn connect(bus: &Bus) -> Result<Connection, dbus::Error> {
    match bus {
        Bus::Session => Connection::new_session(),
        Bus::System => Connection::new_system(),
        Bus::Address(address) => Connection::new_address(address),
    }
}

/// Starts watching `bus` on a thread of its own and calls `on_event` for each event. Returns
/// once the match rules are in place (so a signal sent after it is seen), or the reason the
/// bus could not be watched (no such bus: a headless machine, a container).
pub fn watch(
    bus: Bus,
    on_event: impl Fn(SessionEvent) + Send + Sync + 'static,
) -> Result<Watcher, String> {
    let stop = Arc::new(AtomicBool::new(false));
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), String>>();
    let on_event = Arc::new(on_event);
    let stopping = stop.clone();
    let thread = std::thread::Builder::new()
        .name("session-events".into())
        .spawn(move || {
            let conn = match connect(&bus) {
                Ok(conn) => conn,
                Err(e) => {
                    let _ = ready_tx.send(Err(format!("cannot watch the {bus:?} bus: {e}")));
                    return;
                }
            };
            for (interface, member) in SIGNALS {
                let on_event = on_event.clone();
                let rule = MatchRule::new_signal(*interface, *member);
                let added = conn.add_match(rule, move |(): (), _: &Connection, msg: &Message| {
                    let interface = msg.interface().map(|i| i.to_string()).unwrap_or_default();
                    let member = msg.member().map(|m| m.to_string()).unwrap_or_default();
                    if let Some(event) = event_of(&interface, &member, msg.get1::<bool>()) {
                        on_event(event);
                    }
                    true
                });
                if let Err(e) = added {
                    let _ = ready_tx.send(Err(format!("cannot listen on the {bus:?} bus: {e}")));
                    return;
                }
            }
            let _ = ready_tx.send(Ok(()));
            while !stopping.load(Ordering::SeqCst) {
                if let Err(e) = conn.process(Duration::from_millis(500)) {
                    tracing::warn!("the {bus:?} bus went away, screen-lock events stop: {e}");
                    return;
                }
            }
        })
        .map_err(|e| format!("cannot start the session-events thread: {e}"))?;
    match ready_rx.recv() {
        Ok(Ok(())) => Ok(Watcher { stop, thread: Some(thread) }),
        Ok(Err(e)) => {
            let _ = thread.join();
            Err(e)
        }
        Err(_) => Err("the session-events thread stopped before it was ready".into()),
    }
}
