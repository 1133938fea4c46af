//! The threads that read and judge one input: a reader thread parses records into numbered
//! batches, `jobs` judging threads assess them (each with an evaluator of its own over the
//! shared core), and the calling thread gets every record back in reading order, so what it
//! renders does not depend on `jobs`. Batches are recycled: memory stays bounded.

use crate::engine::{Assessment, Evaluator};
use crate::error::{Error, ErrorKind, Result};
use crate::inventory::Reader;
use crate::model::Item;

/// Items per batch handed from the reader thread to the judging threads.
const BATCH_ITEMS: usize = 1024;

/// Batches in flight per judging thread: the reader may run this far ahead of the thread that
/// renders the report (memory bound: batches are recycled, never more than this many exist).
const BATCHES_PER_JOB: usize = 3;

/// Records (or the errors reading them) handed from the reader thread to the judging ones.
type Batch = Vec<Result<Item>>;

/// A batch and its place in the input (batches are numbered from 0 in reading order).
type Numbered = (u64, Batch);

/// A judged batch: per record, its judgement (`None` for a record that could not be read).
type Judged = (u64, Batch, Vec<Option<Judgement>>);

/// What the judging threads make of one record.
pub(super) struct Judgement {
    /// Its assessment.
    pub(super) assessment: Assessment,
    /// Whether its install date was rewritten to `YYYY-MM-DD`.
    pub(super) rewritten: bool,
    /// Its verdict per policy as the earlier registry of `--since-registry` judges it.
    pub(super) before: Option<Vec<crate::model::Verdict>>,
}

/// Reads every record of `reader` into numbered batches sent to `tx`, stopping after the end
/// of the file, a fatal error (sent as the last element) or when the judging threads have
/// gone. Each batch is one that came back on `back` (waiting for one bounds how far reading
/// runs ahead); its items are refilled in place, so their strings are reused rather than
/// freed and allocated again for every record. Returns the reader, whose digest is complete
/// when the whole file was read.
fn read_batches(
    mut reader: Reader,
    tx: &std::sync::mpsc::SyncSender<Numbered>,
    back: &std::sync::mpsc::Receiver<Batch>,
) -> Reader {
    let Ok(mut batch) = back.recv() else {
        return reader;
    };
    let mut seq = 0u64;
    let mut filled = 0;
    loop {
        if batch.len() == filled {
            batch.push(Ok(Item::default()));
        }
        let slot = &mut batch[filled];
        if slot.is_err() {
            *slot = Ok(Item::default());
        }
        let outcome = match slot {
            Ok(item) => reader.next_into(item),
            Err(_) => Ok(false),
        };
        let last = match outcome {
            Ok(true) => {
                filled += 1;
                false
            }
            Ok(false) => true,
            Err(e) => {
                let fatal = e.kind != ErrorKind::Row;
                *slot = Err(e);
                filled += 1;
                fatal
            }
        };
        if last || filled == BATCH_ITEMS {
            batch.truncate(filled);
            if !batch.is_empty() {
                if tx.send((seq, batch)).is_err() {
                    return reader;
                }
                seq += 1;
            }
            if last {
                return reader;
            }
            batch = match back.recv() {
                Ok(b) => b,
                Err(_) => return reader,
            };
            filled = 0;
        }
    }
}

/// Judges the batches coming from `rx` (shared by the judging threads) and sends them on to
/// `tx`, until the reader is done or the rendering thread has gone: each item's install date
/// is read ([`crate::installed::normalize`]) and the item assessed (and assessed by
/// `earlier` too, when given).
fn judge_batches(
    evaluator: &Evaluator<'_>,
    earlier: Option<&Evaluator<'_>>,
    rx: &std::sync::Mutex<std::sync::mpsc::Receiver<Numbered>>,
    tx: &std::sync::mpsc::SyncSender<Judged>,
    date_format: Option<crate::installed::DateOrder>,
) {
    loop {
        let next = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((seq, mut batch)) = next else {
            return;
        };
        let judged = batch
            .iter_mut()
            .map(|next| {
                let item = next.as_mut().ok()?;
                let rewritten = crate::installed::normalize(item, date_format);
                Some(Judgement {
                    assessment: evaluator.assess(item),
                    rewritten,
                    before: earlier.map(|e| e.assess(item).per_policy),
                })
            })
            .collect();
        if tx.send((seq, batch, judged)).is_err() {
            return;
        }
    }
}

/// Reads every record of `reader` and judges its items on `jobs` threads (by `evaluator`, and
/// by `earlier` too when given); calls `each` on the calling thread for every record in
/// reading order, with its judgement (`None` for a record that could not be read). `each`
/// returns `Ok(false)` to stop reading. Returns the reader (its digest is complete when the
/// whole file was read) and what `each` returned last.
pub(super) fn judge_input(
    reader: Reader,
    evaluator: &Evaluator<'_>,
    earlier: Option<&Evaluator<'_>>,
    jobs: usize,
    date_format: Option<crate::installed::DateOrder>,
    mut each: impl FnMut(&mut Result<Item>, Option<Judgement>) -> Result<bool>,
) -> (Result<Reader>, Result<()>) {
    let jobs = jobs.max(1);
    std::thread::scope(|scope| {
        let in_flight = jobs * BATCHES_PER_JOB;
        let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<Numbered>(in_flight);
        let work_rx = std::sync::Arc::new(std::sync::Mutex::new(work_rx));
        let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<Judged>(in_flight);
        // Rendered batches go back to the reader, which empties and refills them: only
        // `in_flight` batches ever exist.
        let (back_tx, back_rx) = std::sync::mpsc::sync_channel::<Batch>(in_flight);
        for _ in 0..in_flight {
            let _ = back_tx.send(Vec::with_capacity(BATCH_ITEMS));
        }
        let thread_error = |e: std::io::Error| {
            Error::new(
                ErrorKind::Inventory,
                format!("cannot start a thread to read the inventory: {e}"),
            )
            .hint("the system is short of memory or threads: close other programs or raise the limit on processes (ulimit -u)")
        };
        let handle = match std::thread::Builder::new()
            .name("tvcheck-reader".to_string())
            .spawn_scoped(scope, move || read_batches(reader, &work_tx, &back_rx))
        {
            Ok(h) => h,
            Err(e) => return (Err(thread_error(e)), Ok(())),
        };
        let mut judges = Vec::with_capacity(jobs);
        for n in 0..jobs {
            let core = evaluator.core();
            let earlier_core = earlier.map(Evaluator::core);
            let (work_rx, done_tx) = (std::sync::Arc::clone(&work_rx), done_tx.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("tvcheck-judge-{n}"))
                .spawn_scoped(scope, move || {
                    let evaluator = Evaluator::sharing(core, jobs);
                    let earlier = earlier_core.map(|c| Evaluator::sharing(c, jobs));
                    judge_batches(
                        &evaluator,
                        earlier.as_ref(),
                        &work_rx,
                        &done_tx,
                        date_format,
                    );
                });
            match spawned {
                Ok(h) => judges.push(h),
                // Fewer judging threads do the same work; none at all cannot.
                Err(e) if judges.is_empty() => {
                    drop((done_rx, back_tx));
                    let _ = handle.join();
                    return (Err(thread_error(e)), Ok(()));
                }
                Err(_) => break,
            }
        }
        drop((done_tx, work_rx));
        // Judged batches arrive in any order; they are handed to `each` in reading order.
        let mut waiting = std::collections::BTreeMap::new();
        let mut next_seq = 0u64;
        let outcome = (|| -> Result<()> {
            for (seq, batch, judged) in &done_rx {
                waiting.insert(seq, (batch, judged));
                while let Some((mut batch, judged)) = waiting.remove(&next_seq) {
                    next_seq += 1;
                    for (next, judged) in batch.iter_mut().zip(judged) {
                        if !each(next, judged)? {
                            return Ok(());
                        }
                    }
                    let _ = back_tx.try_send(batch);
                }
            }
            Ok(())
        })();
        // On an error (or when reading stopped) the channels close, so the reader and the
        // judging threads stop at their next batch.
        drop((done_rx, back_tx, waiting));
        let judged_ok = judges.into_iter().all(|h| h.join().is_ok());
        let reader = handle.join().ok().filter(|_| judged_ok).ok_or_else(|| {
            Error::new(
                ErrorKind::Inventory,
                "internal error: a thread reading or judging the inventory failed",
            )
        });
        (reader, outcome)
    })
}
