//! What the desktop reads from the machine it runs on, kept out of rampart-core so these
//! dependencies compile only where they are used: CPU, memory and disk usage for the "this
//! machine" panel (here), screen-lock/suspend events that lock the app ([`session_events`],
//! Linux), and the clipboard that secrets are copied to ([`secret_clipboard`]). CPU usage is a difference between two samples, so
//! [`MachineProbe`] keeps the previous one; the first sample waits sysinfo's minimum interval
//! once.

pub mod secret_clipboard;
#[cfg(target_os = "linux")]
pub mod session_events;

use serde::Serialize;
use std::sync::Mutex;
use sysinfo::{CpuRefreshKind, Disks, MemoryRefreshKind, RefreshKind, System};

/// One mounted disk.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DiskUsage {
    pub mount_point: String,
    pub file_system: String,
    pub total_bytes: u64,
    pub available_bytes: u64,
}

/// A sample of this machine.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MachineStats {
    pub hostname: String,
    /// Percent of all cores since the previous sample (0-100).
    pub cpu_percent: f32,
    pub cpu_count: usize,
    /// 1, 5 and 15 minute load averages (zeros where the OS has none).
    pub load_average: [f64; 3],
    pub memory_total_bytes: u64,
    pub memory_used_bytes: u64,
    pub swap_total_bytes: u64,
    pub swap_used_bytes: u64,
    pub uptime_seconds: u64,
    /// Real file systems only (no tmpfs, overlay, squashfs...), by mount point.
    pub disks: Vec<DiskUsage>,
}

/// Samples this machine; keeps the previous CPU reading between calls.
pub struct MachineProbe {
    system: Mutex<Option<System>>,
}

impl Default for MachineProbe {
    fn default() -> Self {
        Self::new()
    }
}

const PSEUDO_FS: &[&str] =
    &["tmpfs", "devtmpfs", "overlay", "squashfs", "proc", "sysfs", "ramfs", "efivarfs", "nsfs"];

impl MachineProbe {
    pub fn new() -> Self {
        Self { system: Mutex::new(None) }
    }

    /// Takes a sample (blocking: the first call sleeps sysinfo's minimum CPU interval).
    pub fn sample(&self) -> MachineStats {
        let mut guard = self.system.lock().unwrap_or_else(|p| p.into_inner());
        let kind = RefreshKind::nothing()
            .with_cpu(CpuRefreshKind::nothing().with_cpu_usage())
            .with_memory(MemoryRefreshKind::everything());
        let system = guard.get_or_insert_with(|| {
            let s = System::new_with_specifics(kind);
            std::thread::sleep(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL);
            s
        });
        system.refresh_specifics(kind);
        let load = System::load_average();
        let mut disks: Vec<DiskUsage> = Disks::new_with_refreshed_list()
            .list()
            .iter()
            .filter(|d| {
                let fs = d.file_system().to_string_lossy();
                !PSEUDO_FS.contains(&fs.as_ref()) && d.total_space() > 0
            })
            .map(|d| DiskUsage {
                mount_point: d.mount_point().to_string_lossy().into_owned(),
                file_system: d.file_system().to_string_lossy().into_owned(),
                total_bytes: d.total_space(),
                available_bytes: d.available_space(),
            })
            .collect();
        disks.sort_by(|a, b| a.mount_point.cmp(&b.mount_point));
        disks.dedup_by(|a, b| a.mount_point == b.mount_point);
        MachineStats {
            hostname: System::host_name().unwrap_or_default(),
            cpu_percent: system.global_cpu_usage().clamp(0.0, 100.0),
            cpu_count: system.cpus().len(),
            load_average: [load.one, load.five, load.fifteen],
            memory_total_bytes: system.total_memory(),
            memory_used_bytes: system.used_memory(),
            swap_total_bytes: system.total_swap(),
            swap_used_bytes: system.used_swap(),
            uptime_seconds: System::uptime(),
            disks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_describes_this_machine() {
        let probe = MachineProbe::new();
        let first = probe.sample();
        assert!(first.cpu_count >= 1);
        assert!(first.memory_total_bytes > 0);
        assert!(first.memory_used_bytes <= first.memory_total_bytes);
        assert!((0.0..=100.0).contains(&first.cpu_percent));
        assert!(first.disks.iter().all(|d| d.available_bytes <= d.total_bytes));
        assert!(first.disks.iter().all(|d| !PSEUDO_FS.contains(&d.file_system.as_str())));
        let second = probe.sample();
        assert_eq!(second.cpu_count, first.cpu_count);
        let json = serde_json::to_value(&second).unwrap();
        assert!(json["memoryTotalBytes"].is_u64() && json["loadAverage"].is_array());
    }
}
