//! Validation on several threads, with the report of a validation in one pass.
//!
//! A [`Splitter`] thread cuts the document into segments: bytes read in sequence (prolog,
//! envelope, what follows the records) and chunks of complete records. Worker threads read the
//! chunks, each from the state the document is assumed to be in at its start: the state at the
//! start of its run of records, moved on by the records before it ([`ReaderState::after_records`]).
//! The calling thread reads the sequential segments and takes the chunks' results in document
//! order; a result counts only if the state the chunk started from is the one the previous
//! chunk really ended in ([`ReaderState::same_as`]). When it is not (a record that changed its
//! container's state: an unexpected element, an `@id`, text between records…), or when a
//! chunk was not cut where its reader expected, the rest of the document is read in sequence
//! from the last state known to be right. Findings are kept within one budget in document
//! order, and the record rule sets' cross-record findings are decided in order too
//! ([`Finding::Unique`]): the report is the one reading in one pass gives.
//!
//! Each record can also be worked on by the thread that reads it ([`RecordWork`]: the
//! conversion serialises it there). The parts reach the [`Take`] on the calling
//! thread in document order, only for chunks whose reading counts: a chunk read again in
//! sequence gives its records again, from the calling thread.

use std::collections::HashMap;
use std::io::{self, BufRead, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Condvar, Mutex};

use super::work::{RecordWork, Take};
use super::{InjectedPanic, RecordFindings, Report, Setup, ValidateOptions};
use crate::check::ids::IdLog;
use crate::check::{Checker, DiagnosticBudget};
use crate::diagnostic::{Counts, Diagnostic};
use crate::reader::log::RecordLog;
use crate::reader::records::named;
use crate::reader::tree::Node;
use crate::reader::{Reader, ReaderState, Step};
use crate::rules::record::{self, Context, Finding, RecordRules, Scope};
use crate::xml::decode::InputEncoding;
use crate::xml::split::{Chunk, Segment, Splitter};

/// Chunks larger than this (one huge record) are read in sequence.
const MAX_CHUNK_FACTOR: usize = 16;
/// Segments the splitter may read ahead of the calling thread.
const QUEUE: usize = 6;

/// A segment, as the calling thread receives them in order.
enum Item<P> {
    Seq(Vec<u8>),
    Chunk(Arc<Chunk>, Receiver<ChunkResult<P>>),
    Error(io::Error),
}

/// How a chunk's reading ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Status {
    /// The worker panicked (a bug), with the panic's message: the chunk is read in sequence,
    /// and the report says so.
    Panicked(String),
    /// At its end, in a state the next chunk can start from.
    Clean,
    /// Not cut where expected: to be read in sequence.
    Broken,
}

/// What a worker found in a chunk.
struct ChunkResult<P> {
    status: Status,
    /// The reader's own findings (`false`) and the checker's (`true`: counted by the budget),
    /// in the order they came.
    diagnostics: Vec<(Diagnostic, bool)>,
    omitted: Counts,
    /// The record rule sets' findings (with the index of the set), in order.
    findings: Vec<(usize, Finding)>,
    rules_omitted: Counts,
    /// The state at the chunk's end (when clean).
    end: Option<Box<ReaderState>>,
    /// The identifiers the chunk's checker deferred.
    ids: IdLog,
    /// The records' work.
    part: P,
}

/// The start states of the runs of records, as the calling thread learns them.
struct Runs {
    states: Mutex<(HashMap<u32, Arc<ReaderState>>, bool)>,
    ready: Condvar,
}

impl Runs {
    fn publish(&self, run: u32, state: Arc<ReaderState>) {
        if let Ok(mut guard) = self.states.lock() {
            guard.0.insert(run, state);
            // Runs before this one are over.
            guard.0.retain(|r, _| *r >= run);
        }
        self.ready.notify_all();
    }

    fn cancel(&self) {
        if let Ok(mut guard) = self.states.lock() {
            guard.1 = true;
            guard.0.clear();
        }
        self.ready.notify_all();
    }

    /// The start state of `run`, once published; `None` once cancelled.
    fn wait(&self, run: u32) -> Option<Arc<ReaderState>> {
        let mut guard = self.states.lock().ok()?;
        loop {
            if guard.1 {
                return None;
            }
            if let Some(s) = guard.0.get(&run) {
                return Some(s.clone());
            }
            guard = self.ready.wait(guard).ok()?;
        }
    }
}

/// The segments in order, as one input for the calling thread's readers: it ends before a
/// chunk (`whole == false`), or reads chunks as bytes too (`whole == true`).
struct Ordered<P> {
    rx: Option<Receiver<Item<P>>>,
    data: Data,
    pos: usize,
    chunk: Option<(Arc<Chunk>, Receiver<ChunkResult<P>>)>,
    whole: bool,
    ended: bool,
    /// A read error, handed out after the bytes before it.
    error: Option<io::Error>,
}

enum Data {
    Owned(Vec<u8>),
    Shared(Arc<Chunk>),
}

impl Data {
    fn bytes(&self) -> &[u8] {
        match self {
            Data::Owned(v) => v,
            Data::Shared(c) => &c.bytes,
        }
    }
}

impl<P> Ordered<P> {
    /// The next chunk, if the next segment is one.
    fn next_chunk(&mut self) -> Option<(Arc<Chunk>, Receiver<ChunkResult<P>>)> {
        if self.pos < self.data.bytes().len() {
            return None;
        }
        if self.chunk.is_none() && !self.ended && self.error.is_none() {
            self.receive().ok()?;
        }
        if self.pos < self.data.bytes().len() || self.error.is_some() {
            return None;
        }
        self.chunk.take()
    }

    /// Receives the next item into `data` or `chunk`.
    fn receive(&mut self) -> io::Result<()> {
        let Some(rx) = &self.rx else {
            self.ended = true;
            return Ok(());
        };
        match rx.recv() {
            Ok(Item::Seq(v)) => {
                self.data = Data::Owned(v);
                self.pos = 0;
            }
            Ok(Item::Chunk(c, r)) => self.chunk = Some((c, r)),
            Ok(Item::Error(e)) => self.error = Some(e),
            Err(_) => self.ended = true,
        }
        Ok(())
    }

    /// Reads everything from `chunk` on as bytes.
    fn whole_from(&mut self, chunk: Arc<Chunk>) {
        self.data = Data::Shared(chunk);
        self.pos = 0;
        self.whole = true;
    }
}

impl<P> BufRead for Ordered<P> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        loop {
            if self.pos < self.data.bytes().len() {
                return Ok(&self.data.bytes()[self.pos..]);
            }
            if let Some(e) = self.error.take() {
                return Err(e);
            }
            if let Some((c, _)) = &self.chunk {
                if !self.whole {
                    return Ok(&[]);
                }
                self.data = Data::Shared(c.clone());
                self.pos = 0;
                self.chunk = None;
                continue;
            }
            if self.ended {
                return Ok(&[]);
            }
            self.receive()?;
        }
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt;
    }
}

impl<P> Read for Ordered<P> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        crate::xml::decode::read_buffered(self, out)
    }
}

/// The findings of the whole document, kept within the budgets in document order, and the
/// records' work taken in document order.
struct Sink<'p, W: RecordWork> {
    budget: DiagnosticBudget,
    diagnostics: Vec<Diagnostic>,
    /// The record rule sets of the whole document, and their findings.
    rules: Vec<Box<dyn RecordRules>>,
    findings: RecordFindings,
    progress: &'p mut dyn FnMut(u64),
    last_progress: u64,
    work: &'p W,
    take: Take<'p, W::Part>,
    /// The envelope, once a reader reached the document's end.
    envelope: Option<Node>,
}

impl<'p, W: RecordWork> Sink<'p, W> {
    /// Keeps the finding for a panic (a bug) in `place`.
    fn panicked(&mut self, place: (&str, &str), message: &str) {
        self.diagnostics.push(super::internal_error(place, message));
    }

    /// Empty budgets for `options`, with the record rule sets of the whole document.
    fn new(
        options: &ValidateOptions,
        rules: Vec<Box<dyn RecordRules>>,
        progress: &'p mut dyn FnMut(u64),
        work: &'p W,
        take: Take<'p, W::Part>,
    ) -> Self {
        let max = options.limits.max_diagnostics;
        Sink {
            budget: DiagnosticBudget::new(max),
            diagnostics: Vec::new(),
            rules,
            findings: RecordFindings::new(max),
            progress,
            last_progress: 0,
            work,
            take,
            envelope: None,
        }
    }

    fn progress(&mut self, offset: u64) {
        if offset >= self.last_progress + (1 << 20) {
            (self.progress)(offset);
            self.last_progress = offset;
        }
    }

    fn keep(&mut self, d: Diagnostic, budgeted: bool) {
        if !budgeted || self.budget.admit(d.severity) {
            self.diagnostics.push(d);
        }
    }

    /// Reads `reader` to its end (segment, document, or fatal error).
    fn drain<R: BufRead>(&mut self, reader: &mut Reader<R>) {
        loop {
            let step = reader.advance();
            let done = matches!(step, Step::Done);
            // With record rule sets or work, the reader captures every record (never
            // `Step::Record`).
            if let Step::Captured(log) = step {
                self.findings.check(&mut self.rules, &log);
                let mut part = self.work.part(0);
                self.work.record(&log, &mut part);
                reader.recycle(log);
                (self.take)(part, &|| reader.envelope_so_far());
            }
            let (own, checked) = reader.take_diagnostics_apart();
            for d in own {
                self.keep(d, false);
            }
            for d in checked {
                self.keep(d, true);
            }
            self.progress(reader.offset());
            if done {
                break;
            }
        }
        if !reader.suspended() {
            self.envelope = reader.envelope_so_far();
        }
    }

    /// The report: the findings kept, each budget's summary, sorted.
    fn report(
        mut self,
        options: &ValidateOptions,
        version: Option<crate::reader::Version>,
        root: Option<String>,
        encoding: InputEncoding,
    ) -> Report {
        let mut diagnostics = std::mem::take(&mut self.diagnostics);
        diagnostics.extend(self.budget.summary());
        diagnostics.extend(self.findings.finish(&mut self.rules));
        super::sort_diagnostics(&mut diagnostics);
        Report {
            profile: options.profile,
            version,
            root,
            encoding: Some(encoding),
            diagnostics,
            referentiels: Vec::new(),
        }
    }

    /// Takes a chunk's findings, in order; `checker` (the state the chunk follows) decides
    /// about its identifiers.
    fn merge(&mut self, result: &mut ChunkResult<W::Part>, mut checker: Option<&mut Checker>) {
        for (d, budgeted) in result.diagnostics.drain(..) {
            if let Some(i) = Checker::id_placeholder(&d) {
                let found = checker
                    .as_deref_mut()
                    .and_then(|c| c.resolve_id_placeholder(&mut result.ids, i));
                if let Some(found) = found {
                    self.keep(named(found, d.record.as_ref()), true);
                }
                continue;
            }
            self.keep(d, budgeted);
        }
        if let Some(c) = checker {
            c.merge_id_log(&mut result.ids);
        }
        self.budget.omit(result.omitted);
        for (i, f) in result.findings.drain(..) {
            match f {
                Finding::Final(d) => self.findings.keep(d),
                Finding::Unique(d, unique) => self.findings.resolve(&mut self.rules, i, d, unique),
            }
        }
        self.findings.omit(result.rules_omitted);
    }
}

/// Cuts `input` into segments for the calling thread (`ordered`) and chunks for the workers
/// (`jobs`), on the splitter thread.
fn split<R: BufRead, P>(
    input: R,
    chunk_bytes: usize,
    ordered: SyncSender<Item<P>>,
    jobs: SyncSender<(Arc<Chunk>, SyncSender<ChunkResult<P>>)>,
    inject: Option<InjectedPanic>,
) {
    if inject == Some(InjectedPanic::Splitter) {
        #[allow(clippy::panic)]
        {
            panic!("panique injectée (test) dans le découpage");
        }
    }
    let splitter = Splitter::new(
        input,
        chunk_bytes,
        chunk_bytes * MAX_CHUNK_FACTOR,
        crate::schema::is_record_name,
    );
    splitter.run(&mut |segment| match segment {
        Segment::Seq(bytes) => ordered.send(Item::Seq(bytes)).is_ok(),
        Segment::Error(e) => ordered.send(Item::Error(e)).is_ok(),
        Segment::Chunk(chunk) => {
            let chunk = Arc::new(chunk);
            let (tx, rx) = sync_channel(1);
            ordered.send(Item::Chunk(chunk.clone(), rx)).is_ok() && jobs.send((chunk, tx)).is_ok()
        }
    });
}

impl<P: Default> ChunkResult<P> {
    /// The result of a worker that panicked.
    fn panicked(message: String) -> Self {
        ChunkResult {
            status: Status::Panicked(message),
            diagnostics: Vec::new(),
            omitted: Counts::default(),
            findings: Vec::new(),
            rules_omitted: Counts::default(),
            end: None,
            ids: IdLog::default(),
            part: P::default(),
        }
    }
}

/// Reads a chunk on a worker thread; `spare`: a capture to reuse, and the one left to reuse
/// for the next chunk.
fn read_chunk<W: RecordWork>(
    chunk: &Chunk,
    base: &ReaderState,
    context: &Context,
    max: usize,
    work: &W,
    spare: &mut Option<RecordLog>,
) -> ChunkResult<W::Part> {
    let start = base.after_records(
        chunk.records_before,
        chunk.line,
        chunk.line_start,
        chunk.offset,
    );
    let record = base.record_element();
    let mut result = ChunkResult {
        status: Status::Broken,
        diagnostics: Vec::new(),
        omitted: Counts::default(),
        findings: Vec::new(),
        rules_omitted: Counts::default(),
        end: None,
        ids: IdLog::default(),
        part: work.part(chunk.bytes.len()),
    };
    let Some(record) = record else {
        return result;
    };
    let mut start = start;
    if let Some(c) = start.checker_mut() {
        c.defer_ids();
    }
    let mut reader = Reader::resume_in_memory(&chunk.bytes, start, true);
    reader.expect_records(record);
    if let Some(log) = spare.take() {
        reader.recycle(log);
    }
    let mut budget = DiagnosticBudget::new(max);
    let mut rules_budget = DiagnosticBudget::new(max);
    let mut rules = base
        .profile()
        .map(|p| record::record_rules(p, context, Scope::Part))
        .unwrap_or_default();
    let mut dead = vec![false; rules.len()];
    let mut found = Vec::new();
    loop {
        let step = reader.advance();
        let done = matches!(step, Step::Done);
        if let Step::Captured(log) = step {
            for (i, set) in rules.iter_mut().enumerate() {
                if dead[i] {
                    continue;
                }
                if let Err(message) = record::check_caught(set.as_mut(), &log, &mut found) {
                    dead[i] = true;
                    found.clear();
                    let place = super::in_rules(&log.path);
                    let d = super::internal_error((&place.0, &place.1), &message);
                    result.findings.push((i, Finding::Final(d)));
                    continue;
                }
                for f in found.drain(..) {
                    let f = super::findings::in_record(f, &log);
                    // Cross-record findings are decided (and budgeted) in document order.
                    let keep = match &f {
                        Finding::Final(d) => rules_budget.admit(d.severity),
                        Finding::Unique(..) => true,
                    };
                    if keep {
                        result.findings.push((i, f));
                    }
                }
            }
            work.record(&log, &mut result.part);
            reader.recycle(log);
        }
        let (own, checked) = reader.take_diagnostics_apart();
        result
            .diagnostics
            .extend(own.into_iter().map(|d| (d, false)));
        for d in checked {
            if Checker::id_placeholder(&d).is_some() || budget.admit(d.severity) {
                result.diagnostics.push((d, true));
            }
        }
        if done {
            break;
        }
    }
    *spare = reader.take_spare();
    result.ids = reader.take_id_log().unwrap_or_default();
    result.omitted = budget.omitted();
    result.rules_omitted = rules_budget.omitted();
    // A fatal error may come from a cut the splitter got wrong: the chunk is read again in
    // sequence, which stops at the same error if it is one.
    result.status = if reader.failed() || reader.broken() || !reader.suspended() {
        Status::Broken
    } else {
        Status::Clean
    };
    if result.status == Status::Clean {
        result.end = Some(Box::new(reader.suspend()));
    }
    result
}

/// The state at the start of a document, its checker keeping every finding (the [`Sink`]
/// applies the budget, in document order, over all segments).
fn start_state(read: Setup, encoding: InputEncoding) -> ReaderState {
    read.start(encoding, usize::MAX)
}

/// Reads up to `limit` bytes; `true` when that is the whole input (a read error leaves the
/// rest to the splitter, which meets it again).
fn read_ahead<R: BufRead>(input: &mut R, limit: usize) -> (Vec<u8>, bool) {
    let mut head = Vec::new();
    while head.len() < limit {
        let data = match input.fill_buf() {
            Ok(d) => d,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return (head, false),
        };
        if data.is_empty() {
            return (head, true);
        }
        let take = data.len().min(limit - head.len());
        head.extend_from_slice(&data[..take]);
        input.consume(take);
    }
    (head, false)
}

/// Validates a whole document on the calling thread: one in memory (UTF-8), or any input
/// when threads are not worth it or cannot start. Returns the report and the envelope.
fn validate_here<R: BufRead, W: RecordWork>(
    input: R,
    state: ReaderState,
    options: &ValidateOptions,
    mut sink: Sink<'_, W>,
) -> (Report, Option<Node>) {
    let encoding = state.encoding();
    let mut reader = Reader::resume_to_end(input, state);
    sink.drain(&mut reader);
    let (version, root) = (reader.version(), reader.root().map(str::to_owned));
    let envelope = sink.envelope.take();
    (sink.report(options, version, root, encoding), envelope)
}

/// Starts `work` on a thread of `scope` named `name`; false when the thread cannot start.
fn spawn<'scope, 'env, F>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    name: &str,
    work: F,
) -> bool
where
    F: FnOnce() + Send + 'scope,
{
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn_scoped(scope, work)
        .is_ok()
}

/// Takes the input out of its slot (once).
fn take<R>(slot: &Mutex<Option<R>>) -> Option<R> {
    match slot.lock() {
        Ok(mut input) => input.take(),
        Err(poisoned) => poisoned.into_inner().take(),
    }
}

/// What a reading starts with: the document's first state, the record rule sets of the whole
/// document, and where progress and the records' work go.
pub(super) struct Start<'p, W: RecordWork> {
    pub read: Setup,
    pub encoding: InputEncoding,
    pub rules: Vec<Box<dyn RecordRules>>,
    pub progress: &'p mut dyn FnMut(u64),
    pub work: &'p W,
    pub take: Take<'p, W::Part>,
}

impl<'p, W: RecordWork> Start<'p, W> {
    /// The first state, and the sink of the findings and of the work.
    fn open(self, options: &ValidateOptions) -> (ReaderState, Sink<'p, W>) {
        let state = start_state(self.read, self.encoding);
        let sink = Sink::new(options, self.rules, self.progress, self.work, self.take);
        (state, sink)
    }
}

/// Validates `input` (already UTF-8) on the calling thread alone, doing `start.work` on each
/// record. Returns the report and the envelope.
pub(super) fn validate_alone<R: BufRead, W: RecordWork>(
    input: R,
    options: &ValidateOptions,
    start: Start<'_, W>,
) -> (Report, Option<Node>) {
    let (state, sink) = start.open(options);
    validate_here(input, state, options, sink)
}

/// Validates `input` (already UTF-8) on `threads` worker threads, doing `start.work` on each
/// record. Returns the report and the envelope.
pub(super) fn validate<R: BufRead + Send, W: RecordWork>(
    mut input: R,
    options: &ValidateOptions,
    context: &Context,
    start: Start<'_, W>,
) -> (Report, Option<Node>) {
    let threads = options.threads().max(1);
    let chunk_bytes = options.chunk_bytes.max(1);
    let encoding = start.encoding;
    let work = start.work;
    let (mut state, mut sink) = start.open(options);
    // A document of less than two chunks is read on this thread: threads would only cost.
    let (head, complete) = read_ahead(&mut input, 2 * chunk_bytes);
    if complete {
        return validate_here(&head[..], state, options, sink);
    }
    let input = io::Cursor::new(head).chain(input);
    let max = options.limits.max_diagnostics;
    let runs = Runs {
        states: Mutex::new((HashMap::new(), false)),
        ready: Condvar::new(),
    };
    let cancelled = AtomicBool::new(false);
    let splitter_panic: Mutex<Option<String>> = Mutex::new(None);
    let inject = options.inject_panic;
    let (mut version, mut root) = (None, None);
    let (ordered_tx, ordered_rx) = sync_channel::<Item<W::Part>>(QUEUE);
    let (jobs_tx, jobs_rx) =
        sync_channel::<(Arc<Chunk>, SyncSender<ChunkResult<W::Part>>)>(threads);
    let jobs_rx = Mutex::new(jobs_rx);
    // The input goes to the splitter thread, or back to this one when threads cannot start.
    let input = Mutex::new(Some(input));
    std::thread::scope(|scope| {
        let splitter_panic = &splitter_panic;
        let mut workers = 0;
        for _ in 0..threads {
            let (jobs_rx, runs, cancelled) = (&jobs_rx, &runs, &cancelled);
            // The last capture of a chunk is recycled by the reader of the next one.
            let mut spare = None;
            let worker = move || loop {
                let job = match jobs_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                let Ok((chunk, tx)) = job else { return };
                if cancelled.load(Ordering::Relaxed) {
                    continue;
                }
                let Some(base) = runs.wait(chunk.run) else {
                    continue;
                };
                let read = std::panic::AssertUnwindSafe(|| {
                    if inject == Some(InjectedPanic::Chunk) {
                        #[allow(clippy::panic)]
                        {
                            panic!("panique injectée (test) dans un fil de lecture");
                        }
                    }
                    read_chunk(&chunk, &base, context, max, work, &mut spare)
                });
                let result = std::panic::catch_unwind(read).unwrap_or_else(|payload| {
                    ChunkResult::panicked(record::panic_message(payload.as_ref()))
                });
                let _ = tx.send(result);
            };
            // A thread that cannot start (no memory, a process limit) is one worker fewer.
            if spawn(scope, "lheo-lecture", worker) {
                workers += 1;
            }
        }
        let input_slot = &input;
        let splitter = move || {
            let Some(input) = take(input_slot) else {
                return;
            };
            let run = std::panic::AssertUnwindSafe(move || {
                split(input, chunk_bytes, ordered_tx, jobs_tx, inject)
            });
            if let Err(payload) = std::panic::catch_unwind(run) {
                if let Ok(mut p) = splitter_panic.lock() {
                    *p = Some(record::panic_message(payload.as_ref()));
                }
            }
        };
        // Without a worker, the splitter would wait for ever on its first chunk; without the
        // splitter (its closure, and so the job queue, dropped), the workers stop at once.
        if workers == 0 || !spawn(scope, "lheo-decoupage", splitter) {
            let Some(input) = take(&input) else {
                return;
            };
            let mut reader = Reader::resume_to_end(input, state);
            sink.drain(&mut reader);
            version = reader.version();
            root = reader.root().map(str::to_owned);
            return;
        }

        let mut input = Ordered {
            rx: Some(ordered_rx),
            data: Data::Owned(Vec::new()),
            pos: 0,
            chunk: None,
            whole: false,
            ended: false,
            error: None,
        };
        'document: loop {
            // Bytes in sequence, up to a chunk or the end.
            let mut reader = Reader::resume(&mut input, state, false);
            sink.drain(&mut reader);
            version = reader.version();
            root = reader.root().map(str::to_owned);
            if !reader.suspended() {
                break 'document;
            }
            state = reader.suspend();
            let Some(mut item) = input.next_chunk() else {
                let mut reader = Reader::resume_to_end(io::empty(), state);
                sink.drain(&mut reader);
                break 'document;
            };
            let mut base: Option<(u32, Arc<ReaderState>)> = None;
            loop {
                let (chunk, results) = item;
                let run_base = match &base {
                    Some((run, b)) if *run == chunk.run => b.clone(),
                    _ => {
                        let b = Arc::new(state.clone());
                        runs.publish(chunk.run, b.clone());
                        base = Some((chunk.run, b.clone()));
                        b
                    }
                };
                let assumed = run_base.after_records(
                    chunk.records_before,
                    chunk.line,
                    chunk.line_start,
                    chunk.offset,
                );
                let result = results.recv().ok();
                if let Some(ChunkResult {
                    status: Status::Panicked(message),
                    ..
                }) = &result
                {
                    sink.panicked(("fil de lecture", "reading thread"), message);
                }
                let result = result.filter(|r| r.status == Status::Clean);
                let Some(mut result) = result.filter(|_| assumed.same_as(&state)) else {
                    // Read the rest in sequence, from the last state known to be right.
                    cancelled.store(true, Ordering::Relaxed);
                    runs.cancel();
                    input.whole_from(chunk);
                    let mut reader = Reader::resume_to_end(&mut input, state);
                    sink.drain(&mut reader);
                    break 'document;
                };
                sink.merge(&mut result, state.checker_mut());
                (sink.take)(result.part, &|| state.envelope_so_far());
                match result.end {
                    Some(mut end) if result.status == Status::Clean => {
                        if let (Some(next), Some(now)) = (end.checker_mut(), state.checker_mut()) {
                            next.take_ids_from(now);
                        }
                        state = *end;
                    }
                    _ => break 'document,
                }
                sink.progress(chunk.offset + chunk.bytes.len() as u64);
                match input.next_chunk() {
                    Some(next) => item = next,
                    None => break,
                }
            }
        }
        cancelled.store(true, Ordering::Relaxed);
        runs.cancel();
        // Stops the splitter (its sends fail) and so the workers.
        input.rx = None;
        input.chunk = None;
    });
    if let Some(message) = splitter_panic.into_inner().ok().flatten() {
        sink.panicked(("découpage du document", "document splitter"), &message);
    }
    let envelope = sink.envelope.take();
    (sink.report(options, version, root, encoding), envelope)
}
