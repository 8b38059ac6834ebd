//! The upload side of the backup pipeline's writer chain: [`PartSink`] hashes ciphertext and
//! cuts it into S3 parts, taking buffers from a [`PartPool`], a fixed set of
//! `upload_concurrency + 1` buffers reused for the whole backup. A buffer goes to the S3 client
//! without a copy (as [`Bytes`] over a [`Lent`] buffer) and returns to the pool when the client
//! drops the request body, retries included; when every buffer is out the producer waits, and
//! stops with "the upload stopped" if the uploader went away.

use sha2::{Digest, Sha256};
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::bytes::Bytes;

/// S3 allows at most this many parts per upload.
const MAX_PARTS: i32 = 10_000;

pub(crate) struct Part {
    pub(crate) number: i32,
    /// A pool buffer (see [`Lent`]).
    pub(crate) data: Bytes,
}

/// The fixed set of part buffers of one backup: at most `max` are ever allocated (lazily, so a
/// small backup allocates one), and they are reused for the whole backup, so peak memory does
/// not depend on how fast the server takes parts.
pub(crate) struct PartPool {
    part_size: usize,
    max: usize,
    state: Mutex<PoolState>,
    returned: Condvar,
}

struct PoolState {
    free: Vec<Vec<u8>>,
    allocated: usize,
}

impl PartPool {
    pub(crate) fn new(part_size: usize, max: usize) -> Arc<Self> {
        Arc::new(Self {
            part_size,
            max: max.max(1),
            state: Mutex::new(PoolState { free: Vec::new(), allocated: 0 }),
            returned: Condvar::new(),
        })
    }

    /// An empty buffer of `part_size` capacity; waits for one to come back from the upload when
    /// all are out. Fails when `stopped()` says the upload went away.
    fn take(&self, stopped: impl Fn() -> bool) -> io::Result<Vec<u8>> {
        let mut state = self.state.lock().expect("part pool lock");
        loop {
            if let Some(buf) = state.free.pop() {
                return Ok(buf);
            }
            if state.allocated < self.max {
                state.allocated += 1;
                return Ok(Vec::with_capacity(self.part_size));
            }
            if stopped() {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "the upload stopped"));
            }
            // The timeout only re-checks `stopped`: a buffer coming back always notifies.
            state = self
                .returned
                .wait_timeout(state, Duration::from_millis(100))
                .expect("part pool lock")
                .0;
        }
    }

    fn give(&self, mut buf: Vec<u8>) {
        if buf.capacity() == 0 {
            return; // the empty part of an empty source, not from the pool
        }
        buf.clear();
        self.state.lock().expect("part pool lock").free.push(buf);
        self.returned.notify_one();
    }
}

/// A filled part buffer lent to the S3 client as the request body (`Bytes::from_owner`, no
/// copy); it returns to the pool when the client drops the last reference to the body (after
/// the request, retries included, or when the upload is abandoned).
struct Lent {
    data: Vec<u8>,
    pool: Arc<PartPool>,
}

impl AsRef<[u8]> for Lent {
    fn as_ref(&self) -> &[u8] {
        &self.data
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        self.pool.give(std::mem::take(&mut self.data));
    }
}

/// The last stage of the writer chain: hashes ciphertext and cuts it into parts.
pub(crate) struct PartSink {
    /// The part being filled (taken from the pool on the first byte of each part).
    pub(crate) buf: Option<Vec<u8>>,
    pub(crate) pool: Arc<PartPool>,
    pub(crate) part_size: usize,
    pub(crate) next: i32,
    pub(crate) tx: mpsc::Sender<Part>,
    pub(crate) hasher: Sha256,
    pub(crate) size: u64,
    pub(crate) stopped: Arc<AtomicBool>,
}

impl PartSink {
    fn stop(&self) -> io::Error {
        self.stopped.store(true, Ordering::SeqCst);
        io::Error::new(io::ErrorKind::BrokenPipe, "the upload stopped")
    }

    fn buffer(&mut self) -> io::Result<&mut Vec<u8>> {
        if self.buf.is_none() {
            let tx = &self.tx;
            let buf = self.pool.take(|| tx.is_closed()).map_err(|_| self.stop())?;
            self.buf = Some(buf);
        }
        Ok(self.buf.as_mut().expect("a part buffer"))
    }

    fn ship(&mut self) -> io::Result<()> {
        if self.next > MAX_PARTS {
            return Err(io::Error::other(format!(
                "the backup needs more than {MAX_PARTS} parts of {} bytes; raise the part size",
                self.part_size
            )));
        }
        // No buffer only for the single empty part of an empty source.
        let data = self.buf.take().unwrap_or_default();
        let data = Bytes::from_owner(Lent { data, pool: Arc::clone(&self.pool) });
        if self.tx.blocking_send(Part { number: self.next, data }).is_err() {
            return Err(self.stop());
        }
        self.next += 1;
        Ok(())
    }

    pub(crate) fn finish(mut self) -> io::Result<(u64, String, i32)> {
        if self.buf.as_ref().is_some_and(|b| !b.is_empty()) || self.next == 1 {
            self.ship()?;
        }
        Ok((self.size, hex::encode(self.hasher.finalize()), self.next - 1))
    }
}

impl Write for PartSink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if data.is_empty() {
            return Ok(0);
        }
        let part_size = self.part_size;
        let buf = self.buffer()?;
        let n = (part_size - buf.len()).min(data.len());
        buf.extend_from_slice(&data[..n]);
        let full = buf.len() == part_size;
        self.hasher.update(&data[..n]);
        self.size += n as u64;
        if full {
            self.ship()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_part_pool_is_a_fixed_reused_set() {
        let pool = PartPool::new(64, 2);
        let a = pool.take(|| false).unwrap();
        let b = pool.take(|| false).unwrap();
        assert_eq!((a.capacity(), b.capacity()), (64, 64));
        let a_ptr = a.as_ptr();
        // Both are out: the next take waits until one comes back through a dropped body.
        let lent = Bytes::from_owner(Lent { data: a, pool: Arc::clone(&pool) });
        let body = lent.clone();
        let waiter = {
            let pool = Arc::clone(&pool);
            std::thread::spawn(move || pool.take(|| false).unwrap())
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiter.is_finished(), "a third buffer was handed out");
        drop(lent);
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiter.is_finished(), "the buffer came back while a body still held it");
        drop(body);
        let again = waiter.join().unwrap();
        assert_eq!(again.as_ptr(), a_ptr, "the same allocation is reused");
        assert!(again.is_empty());
        assert_eq!(pool.state.lock().unwrap().allocated, 2);
        drop(b);
    }

    #[test]
    fn a_stopped_upload_releases_a_waiting_producer() {
        let pool = PartPool::new(64, 1);
        let _held = pool.take(|| false).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let waiter = {
            let (pool, stop) = (Arc::clone(&pool), Arc::clone(&stop));
            std::thread::spawn(move || pool.take(|| stop.load(Ordering::SeqCst)))
        };
        std::thread::sleep(Duration::from_millis(20));
        stop.store(true, Ordering::SeqCst);
        let err = waiter.join().unwrap().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    }
}
