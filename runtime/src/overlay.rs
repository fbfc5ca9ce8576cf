//! A transactional change set over the state, with nested checkpoints.
//!
//! Layers, outermost first: the block (everything the block has changed so far), then
//! one checkpoint per transaction, then one per contract call frame. Changes live in a
//! single ordered map; each checkpoint remembers how long the undo journal was when it
//! opened. Committing a checkpoint is O(1) (its journal entries now belong to the
//! enclosing one); rolling back undoes exactly the writes made since it opened.

use std::collections::BTreeMap;

/// A pending value: `Some` for a write, `None` for a deletion.
pub type Pending = Option<Vec<u8>>;

/// Misuse of checkpoints (commit or rollback with none open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no checkpoint is open")]
pub struct NoCheckpoint;

/// Changes not yet committed to the trie.
#[derive(Debug, Default, Clone)]
pub struct Overlay {
    changes: BTreeMap<Vec<u8>, Pending>,
    /// `(key, what the change map held for it before)`; `None` means "no entry".
    journal: Vec<(Vec<u8>, Option<Pending>)>,
    /// Journal length at each open checkpoint, innermost last.
    checkpoints: Vec<usize>,
}

impl Overlay {
    /// An empty overlay.
    pub fn new() -> Self {
        Self::default()
    }

    /// `Some(pending)` if the overlay holds a change for `key`, `None` to read below.
    pub fn get(&self, key: &[u8]) -> Option<Option<&[u8]>> {
        self.changes.get(key).map(|v| v.as_deref())
    }

    /// Writes `value` at `key`.
    pub fn set(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.record(key, Some(value));
    }

    /// Deletes `key`.
    pub fn remove(&mut self, key: Vec<u8>) {
        self.record(key, None);
    }

    fn record(&mut self, key: Vec<u8>, value: Pending) {
        if self.checkpoints.is_empty() {
            // Nothing can roll back the block layer, so nothing needs journaling.
            self.changes.insert(key, value);
            return;
        }
        let previous = self.changes.insert(key.clone(), value);
        self.journal.push((key, previous));
    }

    /// Opens a checkpoint; returns the new nesting depth.
    pub fn checkpoint(&mut self) -> usize {
        self.checkpoints.push(self.journal.len());
        self.checkpoints.len()
    }

    /// How many checkpoints are open.
    pub fn depth(&self) -> usize {
        self.checkpoints.len()
    }

    /// Keeps the innermost checkpoint's changes, folding them into the enclosing layer.
    ///
    /// # Errors
    /// [`NoCheckpoint`] when none is open.
    pub fn commit_checkpoint(&mut self) -> Result<(), NoCheckpoint> {
        self.checkpoints.pop().ok_or(NoCheckpoint)?;
        if self.checkpoints.is_empty() {
            self.journal.clear();
        }
        Ok(())
    }

    /// Undoes every change made since the innermost checkpoint opened, and closes it.
    ///
    /// # Errors
    /// [`NoCheckpoint`] when none is open.
    pub fn rollback_checkpoint(&mut self) -> Result<(), NoCheckpoint> {
        let mark = self.checkpoints.pop().ok_or(NoCheckpoint)?;
        for (key, previous) in self.journal.drain(mark..).rev() {
            match previous {
                Some(value) => self.changes.insert(key, value),
                None => self.changes.remove(&key),
            };
        }
        Ok(())
    }

    /// The pending changes, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], Option<&[u8]>)> {
        self.changes
            .iter()
            .map(|(k, v)| (k.as_slice(), v.as_deref()))
    }

    /// All changes, in key order; what the block hands to the trie.
    pub fn into_changes(self) -> BTreeMap<Vec<u8>, Pending> {
        self.changes
    }

    /// Number of keys changed.
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_checkpoints_roll_back_only_their_writes() {
        let mut o = Overlay::new();
        o.set(b"a".to_vec(), b"1".to_vec());
        o.checkpoint();
        o.set(b"a".to_vec(), b"2".to_vec());
        o.set(b"b".to_vec(), b"x".to_vec());
        o.checkpoint();
        o.remove(b"a".to_vec());
        o.set(b"c".to_vec(), b"y".to_vec());
        assert_eq!(o.get(b"a"), Some(None));
        o.rollback_checkpoint().expect("open");
        assert_eq!(o.get(b"a"), Some(Some(&b"2"[..])));
        assert_eq!(o.get(b"c"), None);
        o.rollback_checkpoint().expect("open");
        assert_eq!(o.get(b"a"), Some(Some(&b"1"[..])));
        assert_eq!(o.get(b"b"), None);
        assert_eq!(o.rollback_checkpoint(), Err(NoCheckpoint));
    }

    #[test]
    fn committed_inner_checkpoint_is_undone_by_outer_rollback() {
        let mut o = Overlay::new();
        o.checkpoint();
        o.checkpoint();
        o.set(b"k".to_vec(), b"v".to_vec());
        o.commit_checkpoint().expect("open");
        assert_eq!(o.get(b"k"), Some(Some(&b"v"[..])));
        o.rollback_checkpoint().expect("open");
        assert_eq!(o.get(b"k"), None);
        assert!(o.is_empty());
    }
}
