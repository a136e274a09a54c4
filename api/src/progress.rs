//! How many passes each background loop of this process has finished.
//!
//! A loop counts a pass once everything it found to do in that pass is committed. Whoever needs
//! to know that the loops have caught up (the end-to-end tests, instead of sleeping) reads the
//! count, and waits until it has grown by two: the pass in flight, then one that started after
//! the read.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The background loops of a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loop {
    ExpiryReminders,
    ResponseRates,
    /// Licence warnings, penalty relaxation and credit refresh.
    CreditJobs,
    TakedownFinalizer,
    RetentionPurge,
    /// Lead matching and turning leads and notifications into e-mail jobs.
    LeadMail,
    /// The passes of the lead e-mail loop that also sent the due digests.
    LeadDigests,
    MailWorker,
    /// The webhook sender.
    Webhooks,
    /// The catalog import worker.
    CatalogImports,
}

const LOOPS: usize = 10;

impl Loop {
    fn slot(self) -> usize {
        self as usize
    }
}

/// Pass counters shared by the loops and whoever watches them.
#[derive(Clone, Default)]
pub struct Progress(Arc<Counters>);

#[derive(Default)]
struct Counters {
    passes: [AtomicU64; LOOPS],
    /// Woken on every pass, so that a watcher waits for the event instead of polling.
    changed: tokio::sync::Notify,
}

impl Progress {
    /// Records that `of` finished a pass.
    pub fn passed(&self, of: Loop) {
        self.0.passes[of.slot()].fetch_add(1, Ordering::Release);
        self.0.changed.notify_waiters();
    }

    /// The passes `of` has finished so far.
    pub fn passes(&self, of: Loop) -> u64 {
        self.0.passes[of.slot()].load(Ordering::Acquire)
    }

    /// Returns once `of` has finished `target` passes in all.
    pub async fn reached(&self, of: Loop, target: u64) {
        loop {
            // Registered before the check, so a pass between the check and the wait still
            // wakes it.
            let notified = self.0.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.passes(of) >= target {
                return;
            }
            notified.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_count_separately() {
        let progress = Progress::default();
        progress.passed(Loop::MailWorker);
        progress.clone().passed(Loop::MailWorker);
        progress.passed(Loop::LeadDigests);
        assert_eq!(progress.passes(Loop::MailWorker), 2);
        assert_eq!(progress.passes(Loop::LeadDigests), 1);
        assert_eq!(progress.passes(Loop::ExpiryReminders), 0);
    }

    #[tokio::test]
    async fn a_watcher_wakes_on_the_pass_it_waits_for() {
        let progress = Progress::default();
        let watcher = tokio::spawn({
            let progress = progress.clone();
            async move { progress.reached(Loop::Webhooks, 2).await }
        });
        progress.passed(Loop::Webhooks);
        tokio::task::yield_now().await;
        assert!(!watcher.is_finished(), "one pass of two");
        progress.passed(Loop::MailWorker);
        progress.passed(Loop::Webhooks);
        tokio::time::timeout(std::time::Duration::from_secs(5), watcher)
            .await
            .expect("woken")
            .expect("joined");
    }
}
