//! Strings the registry refers to by number: keys (`t:…`, `f:…`, `cat:…`, …) and words as typed.
//! A rule's words are then a few integers in one allocation, and an item's keys a set of
//! integers, which is what makes checking thousands of rules per item cheap.

use rustc_hash::FxHashMap;

#[derive(Debug, Default)]
pub(crate) struct Interner {
    ids: FxHashMap<Box<str>, u32>,
    strs: Vec<Box<str>>,
}

impl Interner {
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if let Some(id) = self.ids.get(s) {
            return *id;
        }
        let id = u32::try_from(self.strs.len()).expect("fewer than 2^32 strings");
        self.strs.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    /// The number of a string some rule refers to; `None` for strings no rule knows (an item's
    /// key that is not in the registry meets no rule).
    pub(crate) fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }

    pub(crate) fn str(&self, id: u32) -> &str {
        &self.strs[id as usize]
    }
}
