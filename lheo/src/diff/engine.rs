//! The two passes over two sources.
//!
//! **Pass 1** reads each side once (both at the same time, on two threads) and keeps, per
//! record, its kind, its `numero` and a 64-bit hash of its compared content: memory grows
//! with the number of records, not with the bytes. Records are then paired
//! ([`super::matching`]); pairs with equal hashes are unchanged.
//!
//! An XML side is *skimmed* instead: its records are gone past without being built, each
//! with a hash of its bytes and of the namespaces in scope, and where it lies. A pair whose
//! `numero` is unique on both sides and whose bytes hash the same is unchanged; one whose
//! bytes differ (changed, or written otherwise: another indentation, attribute order or
//! version) is compared in pass 2, which finds no change when only the writing differs. The
//! records paired by content (without a unique `numero`, in a group with records on both
//! sides) are read again, alone, and hashed by content ([`settle`]), their bytes checked
//! against pass 1's hash. Two feeds written by the same tool thus cost one tokenising reading
//! each, plus the reading of what differs.
//!
//! **Pass 2** reads both sides again, side by side, building the entity trees of the
//! records that matter only (changed pairs, added and removed records), and reports their
//! changes in the new feed's order, removed records where the old feed had them. When the two
//! feeds order their records differently, an old record met before its new partner waits in
//! memory, up to [`DiffOptions::pending_budget`](super::DiffOptions::pending_budget) bytes;
//! beyond that, the pair is compared by a further reading (slower, memory still bounded).

use std::collections::HashMap;
use std::sync::mpsc::{sync_channel, Receiver};

use super::change::{Change, ChangeKind, RecordRef, Summary};
use super::entity::{Entity, Policy};
use super::error::{self, Side};
use super::matching::{match_items, Item};
use super::prepare::{self, walk_envelope};
use super::record::diff_record;
use super::source::Source;
use super::Fallback;
use crate::error::Error;
use crate::model::Document;

/// Pass 1's knowledge of one record.
struct Info {
    kind: u8,
    key: Option<Box<str>>,
    hash: u64,
    /// A skimming pass 1's hash of the record's bytes, when known.
    digest: Option<u64>,
    /// Whether `hash` is of the record's content (else of its bytes: its `digest`).
    content: bool,
}

/// Pass 1's result for one side.
struct Index {
    records: Vec<Info>,
    /// Where each record lies in the input, when the source tells (else empty): pass 2 goes
    /// past the records it does not need without reading them.
    spans: Vec<(u64, u64)>,
    envelope: Document,
    /// The hashes are of the records' bytes ([`super::source::RecordStream::skim_record`]),
    /// until [`settle`] makes those that matter content hashes.
    skimmed: bool,
}

fn index(source: &dyn Source, side: Side, policy: Policy<'_>) -> Result<Index, Error> {
    let err = |e: Error| error::on_side(e, side);
    let mut stream = source.open().map_err(err)?;
    let skimmed = stream.skims();
    let mut records = Vec::new();
    let mut spans = Some(Vec::new());
    loop {
        let info = if skimmed {
            let Some(r) = stream.skim_record() else { break };
            let r = r.map_err(err)?;
            Info {
                kind: prepare::kind_at(&r.path),
                key: r.numero,
                hash: 0,
                digest: r.digest,
                content: false,
            }
        } else {
            let Some(r) = stream.next_record() else { break };
            let r = r.map_err(err)?;
            let walked = prepare::walk_record(policy, false, &r.record, &r.path);
            Info {
                kind: prepare::kind(&r.record),
                key: prepare::numero(&r.record).map(Box::from),
                hash: walked.hash,
                digest: None,
                content: true,
            }
        };
        records.push(info);
        if let Some(all) = &mut spans {
            match stream.span() {
                Some(span) => all.push(span),
                None => spans = None,
            }
        }
    }
    let envelope = stream.envelope().map_err(err)?;
    Ok(Index {
        records,
        spans: spans.unwrap_or_default(),
        envelope,
        skimmed,
    })
}

/// After a skimming pass 1 (hashes of bytes, not of content): the records the pairing pairs
/// by content ([`undecided`]) are read again, built and hashed by content; the others keep the
/// hash of their bytes, so that a pair paired by its `numero` whose bytes hash the same is
/// unchanged, and one whose bytes differ is compared in pass 2.
fn settle(
    old: &dyn Source,
    new: &dyn Source,
    policy: Policy<'_>,
    old_index: &mut Index,
    new_index: &mut Index,
) -> Result<(), Error> {
    let (old_needed, new_needed) = undecided(old_index, new_index);
    let (o, n) = {
        let (oi, ni) = (&*old_index, &*new_index);
        std::thread::scope(|s| {
            let h = s.spawn(|| rehash(old, Side::Old, policy, &old_needed, oi));
            let n = rehash(new, Side::New, policy, &new_needed, ni);
            let o = h.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            (o, n)
        })
    };
    // Records paired by their `numero`: their digests as their hashes; the others' content
    // hashes.
    for (index, needed) in [
        (&mut *old_index, &old_needed),
        (&mut *new_index, &new_needed),
    ] {
        for (info, &need) in index.records.iter_mut().zip(needed) {
            if index.skimmed && !need {
                info.hash = info.digest.unwrap_or_default();
            }
        }
    }
    for (index, hashes) in [(&mut *old_index, o?), (&mut *new_index, n?)] {
        for (k, hash) in hashes {
            let info = &mut index.records[k];
            (info.hash, info.content) = (hash, true);
        }
    }
    Ok(())
}

/// The records of each side whose content hash is needed: all of a skimmed side when the
/// other is not (its hashes are of content); when both are, only those the pairing pairs by
/// content ([`super::matching`], rule 2): the records of a group (a kind and a `numero`, or no
/// `numero`) that has records on both sides, but not one on each side (rule 1 pairs those by
/// their `numero`). A pair paired by its `numero` keeps its bytes' hashes: equal, it is
/// unchanged; different, pass 2 builds and compares it anyway (and finds no change if only
/// the writing differs). A record whose group is on one side only is added or removed
/// whatever its content.
fn undecided(old: &Index, new: &Index) -> (Vec<bool>, Vec<bool>) {
    let mut old_needed = vec![old.skimmed; old.records.len()];
    let mut new_needed = vec![new.skimmed; new.records.len()];
    if !(old.skimmed && new.skimmed) {
        return (old_needed, new_needed);
    }
    // Per kind and numero (or none): how many records on each side.
    let mut groups: HashMap<(u8, Option<&str>), [u32; 2]> = HashMap::new();
    for (side, index) in [old, new].into_iter().enumerate() {
        for r in &index.records {
            groups.entry((r.kind, r.key.as_deref())).or_default()[side] += 1;
        }
    }
    // A record whose bytes' hash is not known is hashed by content all the same.
    let by_content = |r: &Info| match groups.get(&(r.kind, r.key.as_deref())) {
        _ if r.digest.is_none() => true,
        Some(&[o, n]) if o > 0 && n > 0 => r.key.is_none() || o > 1 || n > 1,
        _ => false,
    };
    for (needed, index) in [(&mut old_needed, old), (&mut new_needed, new)] {
        for (need, r) in needed.iter_mut().zip(&index.records) {
            *need = by_content(r);
        }
    }
    // A pair paired by its `numero` whose bytes differ goes to pass 2 only in the old feed's
    // order: pass 2 reads both sides forward, and an old record met before its partner waits
    // in memory (then in further readings). A pair out of that order (a feed sorted and
    // written otherwise) is hashed by content instead, as if it were paired by content: equal,
    // it is unchanged.
    // An old record left out whose `numero` the new side has too is one of a group of one on
    // each side: paired by that `numero`.
    let partners: HashMap<(u8, &str), usize> = old
        .records
        .iter()
        .enumerate()
        .filter(|(i, _)| !old_needed[*i])
        .filter_map(|(i, r)| Some(((r.kind, r.key.as_deref()?), i)))
        .collect();
    let mut reached = 0;
    for (j, r) in new.records.iter().enumerate() {
        let Some(&i) = r.key.as_deref().and_then(|k| partners.get(&(r.kind, k))) else {
            continue;
        };
        if new_needed[j] {
            continue;
        }
        if r.digest != old.records[i].digest && i < reached {
            (old_needed[i], new_needed[j]) = (true, true);
        } else {
            reached = reached.max(i);
        }
    }
    (old_needed, new_needed)
}

/// Reads the `needed` records of a skimmed side again: their content hashes.
fn rehash(
    source: &dyn Source,
    side: Side,
    policy: Policy<'_>,
    needed: &[bool],
    index: &Index,
) -> Result<Vec<(usize, u64)>, Error> {
    let Some(last) = needed.iter().rposition(|&n| n) else {
        return Ok(Vec::new());
    };
    let err = reread_error(side);
    let mut stream = reopen(source, needed, last, index).map_err(err)?;
    let mut hashes = Vec::new();
    for (k, &need) in needed.iter().enumerate().take(last + 1) {
        if need {
            let r = match stream.next_record() {
                Some(r) => r.map_err(err)?,
                None => return Err(error::changed(side)),
            };
            if !same_bytes(&index.records[k], stream.digest(), &r.record) {
                return Err(error::changed(side));
            }
            hashes.push((
                k,
                prepare::walk_record(policy, false, &r.record, &r.path).hash,
            ));
        } else if stream.skip_record().transpose().map_err(err)?.is_none() {
            return Err(error::changed(side));
        }
    }
    Ok(hashes)
}

/// Whether `record`, read again with the hash of its bytes `digest`, is still the one pass 1
/// knew as `info`: its kind and `numero`, and its bytes when both hashes are known.
fn same_bytes(info: &Info, digest: Option<u64>, record: &crate::model::Record) -> bool {
    let bytes_differ = matches!((info.digest, digest), (Some(a), Some(b)) if a != b);
    !bytes_differ
        && prepare::kind(record) == info.kind
        && prepare::numero(record) == info.key.as_deref()
}

/// The error of a reading after pass 1: pass 1 read the whole document, so one that no
/// longer reads (or no longer fits its spans) changed since.
fn reread_error(side: Side) -> impl Fn(Error) -> Error + Copy {
    move |e: Error| {
        let spans_missed = e.io().is_some_and(crate::xml::elide::Changed::is);
        if e.kind() == crate::error::ErrorKind::Invalid || spans_missed {
            error::changed(side)
        } else {
            error::on_side(e, side)
        }
    }
}

/// Opens `source` again to read its `needed` records up to `last`: past the others without
/// reading them when pass 1 learnt where they lie.
fn reopen<'s>(
    source: &'s dyn Source,
    needed: &[bool],
    last: usize,
    index: &Index,
) -> Result<Box<dyn super::source::RecordStream + 's>, Error> {
    if index.spans.len() == needed.len() {
        let skip = (0..last)
            .filter(|&k| !needed[k])
            .map(|k| index.spans[k])
            .collect();
        source.open_sparse(skip)
    } else {
        source.open()
    }
}

/// What pass 2 does with a record of the new side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NewPlan {
    /// Nothing.
    Skip,
    /// Unchanged, paired with this old record: keeps the old side in step.
    Sync(u32),
    /// Changed, paired with this old record.
    Changed(u32, Option<Fallback>),
    /// Added.
    Added(Option<Fallback>),
}

/// What pass 2 does with a record of the old side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OldPlan {
    Skip,
    /// The partner of a changed pair.
    Partner,
    Removed(Option<Fallback>),
}

fn plan(old: &[Info], new: &[Info]) -> (Vec<OldPlan>, Vec<NewPlan>) {
    let mut old_plan = vec![OldPlan::Skip; old.len()];
    let mut new_plan = vec![NewPlan::Skip; new.len()];
    let kinds = {
        let mut k: Vec<u8> = old.iter().chain(new).map(|i| i.kind).collect();
        k.sort_unstable();
        k.dedup();
        k
    };
    for kind in kinds {
        let of: Vec<usize> = (0..old.len()).filter(|&i| old[i].kind == kind).collect();
        let nf: Vec<usize> = (0..new.len()).filter(|&j| new[j].kind == kind).collect();
        fn item(i: &Info) -> Item<'_> {
            Item {
                key: i.key.as_deref(),
                hash: i.hash,
            }
        }
        let oi: Vec<Item<'_>> = of.iter().map(|&i| item(&old[i])).collect();
        let ni: Vec<Item<'_>> = nf.iter().map(|&j| item(&new[j])).collect();
        let m = match_items(&oi, &ni);
        for (i, j, fb) in m.pairs {
            let (i, j) = (of[i], nf[j]);
            if old[i].hash == new[j].hash {
                new_plan[j] = NewPlan::Sync(i as u32);
            } else {
                new_plan[j] = NewPlan::Changed(i as u32, fb);
                old_plan[i] = OldPlan::Partner;
            }
        }
        for (j, fb) in m.added {
            new_plan[nf[j]] = NewPlan::Added(fb);
        }
        for (i, fb) in m.removed {
            old_plan[of[i]] = OldPlan::Removed(fb);
        }
    }
    (old_plan, new_plan)
}

/// A record read in pass 2.
struct Prepared {
    tree: Entity,
    size: usize,
    title: Option<String>,
    entity: &'static str,
    key: Option<String>,
    path: String,
}

/// One step of a pass-2 reading: a record, built when needed.
type Step = Result<(usize, Option<Prepared>), Error>;

/// Reads `source` on a thread, sending each record up to the last needed one; the needed
/// ones are built (checked against their pass-1 hash). Where pass 1 learnt where the records
/// lie (`index.spans`), the others are gone past without being read.
fn produce(
    source: &dyn Source,
    side: Side,
    policy: Policy<'_>,
    needed: &[bool],
    index: &Index,
    tx: std::sync::mpsc::SyncSender<Step>,
) {
    // Pass 1 read the whole document: one that no longer reads changed since.
    let err = reread_error(side);
    let Some(last) = needed.iter().rposition(|&n| n) else {
        return;
    };
    let mut stream = match reopen(source, needed, last, index) {
        Ok(s) => s,
        Err(e) => {
            let _ = tx.send(Err(err(e)));
            return;
        }
    };
    for (k, &need) in needed.iter().enumerate().take(last + 1) {
        let step = if need {
            match stream.next_record() {
                Some(Ok(r)) => {
                    let walked = prepare::walk_record(policy, true, &r.record, &r.path);
                    let info = &index.records[k];
                    let same = if info.content {
                        walked.hash == info.hash
                    } else {
                        same_bytes(info, stream.digest(), &r.record)
                    };
                    if !same {
                        Err(error::changed(side))
                    } else {
                        Ok((
                            k,
                            walked.tree.map(|tree| Prepared {
                                tree,
                                size: walked.size,
                                title: prepare::title(&r.record),
                                entity: r.record.name(),
                                key: prepare::numero(&r.record).map(str::to_owned),
                                path: r.path,
                            }),
                        ))
                    }
                }
                Some(Err(e)) => Err(err(e)),
                None => Err(error::changed(side)),
            }
        } else {
            match stream.skip_record() {
                Some(Ok(_)) => Ok((k, None)),
                Some(Err(e)) => Err(err(e)),
                None => Err(error::changed(side)),
            }
        };
        let stop = step.is_err();
        if tx.send(step).is_err() || stop {
            return;
        }
    }
}

/// The state of pass 2.
struct Pass2<'s> {
    old_plan: Vec<OldPlan>,
    new_plan: Vec<NewPlan>,
    /// Read in this pass only for the pairs listed (further passes).
    emit_unpaired: bool,
    budget: usize,
    pending: HashMap<u32, Prepared>,
    pending_size: usize,
    /// Old records passed without room to keep them: their pairs are compared later.
    postponed_old: Vec<bool>,
    postponed: Vec<(u32, u32)>,
    old_rx: Option<Receiver<Step>>,
    old_next: usize,
    sink: &'s mut dyn FnMut(Change) -> std::io::Result<()>,
    summary: Summary,
}

impl Pass2<'_> {
    fn emit(&mut self, change: Change) -> Result<(), Error> {
        self.summary.count(&change);
        (self.sink)(change).map_err(error::sink)
    }

    fn record_change(
        &mut self,
        kind: ChangeKind,
        p: &Prepared,
        fb: Option<Fallback>,
    ) -> Result<(), Error> {
        let record = RecordRef {
            entity: p.entity,
            key: p.key.clone(),
            path: p.path.clone(),
            title: p.title.clone(),
        };
        self.emit(Change {
            kind,
            entity: p.entity,
            key: p.key.clone(),
            fallback: fb,
            path: p.path.clone(),
            old_path: None,
            moved: false,
            fields: Vec::new(),
            record,
        })
    }

    /// Reads old records up to (excluding) `limit`, returning the one at `target`.
    fn advance_old(
        &mut self,
        limit: usize,
        target: Option<usize>,
    ) -> Result<Option<Prepared>, Error> {
        let mut found = None;
        while self.old_next < limit {
            let Some(rx) = &self.old_rx else { break };
            let Ok(step) = rx.recv() else {
                // The reading stopped after its last needed record.
                break;
            };
            let (k, rec) = step?;
            self.old_next = k + 1;
            let Some(rec) = rec else { continue };
            match self.old_plan[k] {
                OldPlan::Removed(fb) if self.emit_unpaired => {
                    self.record_change(ChangeKind::Removed, &rec, fb)?
                }
                OldPlan::Partner if Some(k) == target => found = Some(rec),
                OldPlan::Partner => {
                    if self.pending_size + rec.size <= self.budget {
                        self.pending_size += rec.size;
                        self.pending.insert(k as u32, rec);
                    } else {
                        self.postponed_old[k] = true;
                    }
                }
                _ => {}
            }
        }
        Ok(found)
    }

    fn new_record(&mut self, j: usize, rec: Option<Prepared>) -> Result<(), Error> {
        match (self.new_plan[j], rec) {
            (NewPlan::Sync(i), _) => {
                self.advance_old(i as usize + 1, None)?;
            }
            (NewPlan::Added(fb), Some(rec)) if self.emit_unpaired => {
                self.record_change(ChangeKind::Added, &rec, fb)?
            }
            (NewPlan::Changed(i, fb), Some(new)) => {
                let old = match self.pending.remove(&i) {
                    Some(p) => {
                        self.pending_size -= p.size;
                        Some(p)
                    }
                    None if (i as usize) < self.old_next => None,
                    None => self.advance_old(i as usize + 1, Some(i as usize))?,
                };
                let Some(old) = old else {
                    if self.postponed_old.get(i as usize).copied().unwrap_or(false) {
                        self.postponed.push((i, j as u32));
                        return Ok(());
                    }
                    return Err(error::changed(Side::Old));
                };
                let record = RecordRef {
                    entity: new.entity,
                    key: new.key.clone(),
                    path: new.path.clone(),
                    title: new.title.clone(),
                };
                for c in diff_record(&old.tree, &new.tree, fb, &record) {
                    self.emit(c)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Compares two sources. See [`super::diff`].
pub(crate) fn run(
    old: &dyn Source,
    new: &dyn Source,
    policy: Policy<'_>,
    budget: usize,
    sink: &mut dyn FnMut(Change) -> std::io::Result<()>,
) -> Result<Summary, Error> {
    let (old_index, new_index) = std::thread::scope(|s| {
        let h = s.spawn(|| index(old, Side::Old, policy));
        let n = index(new, Side::New, policy);
        let o = h.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        (o, n)
    });
    let (mut old_index, mut new_index) = (old_index?, new_index?);
    let (old_root, new_root) = (
        prepare::root_name(&old_index.envelope),
        prepare::root_name(&new_index.envelope),
    );
    if old_root != new_root {
        return Err(error::different_roots(old_root, new_root));
    }
    if old_index.skimmed || new_index.skimmed {
        settle(old, new, policy, &mut old_index, &mut new_index)?;
    }
    let mut summary = Summary::default();

    // The document itself: root attributes, extras.
    let (eo, en) = (
        walk_envelope(policy, &old_index.envelope),
        walk_envelope(policy, &new_index.envelope),
    );
    if eo.hash != en.hash {
        let record = RecordRef {
            entity: new_root,
            key: None,
            path: en.path.clone(),
            title: None,
        };
        for c in diff_record(&eo, &en, None, &record) {
            summary.count(&c);
            sink(c).map_err(error::sink)?;
        }
    }

    let (old_plan, new_plan) = plan(&old_index.records, &new_index.records);
    let mut pairs = pass2(
        old,
        new,
        policy,
        budget,
        &old_index,
        &new_index,
        old_plan,
        new_plan,
        true,
        sink,
        &mut summary,
    )?;
    // Pairs whose old record could not wait in memory: further readings, in order.
    while !pairs.is_empty() {
        let mut old_plan = vec![OldPlan::Skip; old_index.records.len()];
        let mut new_plan = vec![NewPlan::Skip; new_index.records.len()];
        for &(i, j, fb) in &pairs {
            old_plan[i as usize] = OldPlan::Partner;
            new_plan[j as usize] = NewPlan::Changed(i, fb);
        }
        pairs = pass2(
            old,
            new,
            policy,
            budget,
            &old_index,
            &new_index,
            old_plan,
            new_plan,
            false,
            sink,
            &mut summary,
        )?;
    }
    Ok(summary)
}

/// One reading of both sides; returns the pairs postponed to a further reading.
#[allow(clippy::too_many_arguments)]
fn pass2(
    old: &dyn Source,
    new: &dyn Source,
    policy: Policy<'_>,
    budget: usize,
    old_index: &Index,
    new_index: &Index,
    old_plan: Vec<OldPlan>,
    new_plan: Vec<NewPlan>,
    emit_unpaired: bool,
    sink: &mut dyn FnMut(Change) -> std::io::Result<()>,
    summary: &mut Summary,
) -> Result<Vec<(u32, u32, Option<Fallback>)>, Error> {
    let old_needed: Vec<bool> = old_plan.iter().map(|p| *p != OldPlan::Skip).collect();
    let new_needed: Vec<bool> = new_plan
        .iter()
        .map(|p| matches!(p, NewPlan::Changed(..) | NewPlan::Added(_)))
        .collect();
    if !old_needed.contains(&true) && !new_needed.contains(&true) {
        return Ok(Vec::new());
    }
    std::thread::scope(|s| {
        let (old_tx, old_rx) = sync_channel(16);
        let (new_tx, new_rx) = sync_channel(16);
        s.spawn(|| produce(old, Side::Old, policy, &old_needed, old_index, old_tx));
        s.spawn(|| produce(new, Side::New, policy, &new_needed, new_index, new_tx));
        let mut p = Pass2 {
            old_plan,
            new_plan,
            emit_unpaired,
            budget,
            pending: HashMap::new(),
            pending_size: 0,
            postponed_old: vec![false; old_index.records.len()],
            postponed: Vec::new(),
            old_rx: Some(old_rx),
            old_next: 0,
            sink,
            summary: Summary::default(),
        };
        let result = (|| {
            for step in new_rx.iter() {
                let (j, rec) = step?;
                p.new_record(j, rec)?;
            }
            // The rest of the old side: removed records.
            p.advance_old(usize::MAX, None)?;
            Ok::<(), Error>(())
        })();
        // Unblock the producers before the scope joins them.
        drop(new_rx);
        p.old_rx = None;
        result?;
        summary.added += p.summary.added;
        summary.removed += p.summary.removed;
        summary.changed += p.summary.changed;
        let plans = p.new_plan;
        Ok(p.postponed
            .into_iter()
            .map(|(i, j)| {
                let fb = match plans[j as usize] {
                    NewPlan::Changed(_, fb) => fb,
                    _ => None,
                };
                (i, j, fb)
            })
            .collect())
    })
}
